package ingest

import (
	"encoding/binary"
	"fmt"
	"unicode/utf8"
)

// This file is a small JSON scanner over byte slices. It validates as it
// goes and reports the byte offset of the first defect, telling a truncated
// input (the data ends inside a value) from a syntax error, so that readers
// can keep every complete row that precedes a defect. It allocates nothing
// on the success path.

// maxDepth bounds the nesting of arrays and objects.
const maxDepth = 10000

// syntaxError is malformed JSON at byte offset off of the scanned slice.
type syntaxError struct {
	off int
	msg string
	eof bool // the input ended before the value was complete
}

func (e *syntaxError) Error() string { return e.msg }

func errEOF(off int, what string) *syntaxError {
	return &syntaxError{off: off, msg: "unexpected end of input in " + what, eof: true}
}

func errAt(off int, d []byte, want string) *syntaxError {
	if off >= len(d) {
		return errEOF(off, want)
	}
	return &syntaxError{off: off, msg: fmt.Sprintf("invalid character %s, expected %s", quoteByte(d[off]), want)}
}

func quoteByte(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return fmt.Sprintf("%q", rune(c))
	}
	return fmt.Sprintf("0x%02x", c)
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// skipSpace returns the offset of the first non-space byte at or after i.
func skipSpace(d []byte, i int) int {
	for i < len(d) && isSpace(d[i]) {
		i++
	}
	return i
}

// scanValue validates the JSON value starting at d[i] (no leading space)
// and returns the offset just after it.
func scanValue(d []byte, i, depth int) (int, error) {
	if i >= len(d) {
		return i, errEOF(i, "a value")
	}
	switch c := d[i]; {
	case c == '"':
		end, _, err := scanString(d, i)
		return end, err
	case c == '{':
		return walkObject(d, i, depth, func(_, _ int, _ bool, vs int) (int, error) {
			return scanValue(d, vs, depth+1)
		})
	case c == '[':
		return eachElement(d, i, depth, func(vs int) (int, error) {
			return scanValue(d, vs, depth+1)
		})
	case c == '-' || c >= '0' && c <= '9':
		return scanNumber(d, i)
	case c == 't':
		return scanLiteral(d, i, "true")
	case c == 'f':
		return scanLiteral(d, i, "false")
	case c == 'n':
		return scanLiteral(d, i, "null")
	}
	return i, errAt(i, d, "a value")
}

func scanLiteral(d []byte, i int, lit string) (int, error) {
	for j := 0; j < len(lit); j++ {
		if i+j >= len(d) {
			return i + j, errEOF(i+j, "literal "+lit)
		}
		if d[i+j] != lit[j] {
			return i + j, errAt(i+j, d, "literal "+lit)
		}
	}
	return i + len(lit), nil
}

// scanString validates the string whose opening quote is d[i]; it returns
// the offset after the closing quote and whether the string has escapes.
func scanString(d []byte, i int) (end int, esc bool, err error) {
	j := i + 1
	for j < len(d) {
		// Skip eight plain bytes at a time: none a quote, a backslash or a
		// control character.
		for j+8 <= len(d) && !specialInWord(binary.LittleEndian.Uint64(d[j:])) {
			j += 8
		}
		if j >= len(d) {
			break
		}
		c := d[j]
		switch {
		case c == '"':
			return j + 1, esc, nil
		case c == '\\':
			esc = true
			if j+1 >= len(d) {
				return j + 1, esc, errEOF(j+1, "a string escape")
			}
			switch d[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j += 2
			case 'u':
				for k := 2; k < 6; k++ {
					if j+k >= len(d) {
						return j + k, esc, errEOF(j+k, "a \\u escape")
					}
					if !isHex(d[j+k]) {
						return j + k, esc, errAt(j+k, d, "a hexadecimal digit")
					}
				}
				j += 6
			default:
				return j + 1, esc, &syntaxError{off: j + 1, msg: fmt.Sprintf("invalid escape %s in string", quoteByte(d[j+1]))}
			}
		case c < 0x20:
			return j, esc, &syntaxError{off: j, msg: fmt.Sprintf("control character %s in string", quoteByte(c))}
		default:
			j++
		}
	}
	return j, esc, errEOF(j, "a string")
}

// Word masks for specialInWord.
const (
	lsbs   = 0x0101010101010101
	msbs   = 0x8080808080808080
	quotes = '"' * lsbs
	bslash = '\\' * lsbs
	spaces = 0x20 * lsbs
)

// specialInWord reports whether one of the eight bytes of w may be a quote,
// a backslash or a control character (below 0x20). It never misses one;
// bytes after the first special byte may be reported falsely.
func specialInWord(w uint64) bool {
	q := w ^ quotes
	b := w ^ bslash
	return ((q-lsbs)&^q|(b-lsbs)&^b|(w-spaces)&^w)&msbs != 0
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// scanNumber validates a JSON number at d[i].
func scanNumber(d []byte, i int) (int, error) {
	j := i
	if d[j] == '-' {
		j++
	}
	switch {
	case j >= len(d):
		return j, errEOF(j, "a number")
	case d[j] == '0':
		j++
	case isDigit(d[j]):
		for j < len(d) && isDigit(d[j]) {
			j++
		}
	default:
		return j, errAt(j, d, "a digit")
	}
	if j < len(d) && d[j] == '.' {
		j++
		if j >= len(d) {
			return j, errEOF(j, "a number")
		}
		if !isDigit(d[j]) {
			return j, errAt(j, d, "a digit")
		}
		for j < len(d) && isDigit(d[j]) {
			j++
		}
	}
	if j < len(d) && (d[j] == 'e' || d[j] == 'E') {
		j++
		if j < len(d) && (d[j] == '+' || d[j] == '-') {
			j++
		}
		if j >= len(d) {
			return j, errEOF(j, "a number")
		}
		if !isDigit(d[j]) {
			return j, errAt(j, d, "a digit")
		}
		for j < len(d) && isDigit(d[j]) {
			j++
		}
	}
	return j, nil
}

// walkObject walks the object whose '{' is d[i]. For each member it calls fn
// with the key's span inside the quotes [ks, ke), whether the key has
// escapes, and the offset of the value; fn consumes the value and returns
// the offset after it. walkObject returns the offset after the '}'.
func walkObject(d []byte, i, depth int, fn func(ks, ke int, esc bool, vs int) (int, error)) (int, error) {
	if depth >= maxDepth {
		return i, &syntaxError{off: i, msg: "JSON nested too deeply"}
	}
	j := skipSpace(d, i+1)
	if j < len(d) && d[j] == '}' {
		return j + 1, nil
	}
	for {
		if j >= len(d) {
			return j, errEOF(j, "an object")
		}
		if d[j] != '"' {
			return j, errAt(j, d, "a string key")
		}
		keyQuote := j
		keyEnd, esc, err := scanString(d, keyQuote)
		if err != nil {
			return keyEnd, err
		}
		j = skipSpace(d, keyEnd)
		if j >= len(d) {
			return j, errEOF(j, "an object")
		}
		if d[j] != ':' {
			return j, errAt(j, d, "':' after object key")
		}
		vs := skipSpace(d, j+1)
		if vs >= len(d) {
			return vs, errEOF(vs, "an object")
		}
		ve, err := fn(keyQuote+1, keyEnd-1, esc, vs)
		if err != nil {
			return ve, err
		}
		var done bool
		if j, done, err = afterMember(d, ve, '}', "an object", "',' or '}' in object"); done || err != nil {
			return j, err
		}
	}
}

// afterMember reads what follows a member of an object or array ending at
// ve: a ',' (it returns the offset of the next member) or the closing
// bracket (done, with the offset after it).
func afterMember(d []byte, ve int, closer byte, what, expected string) (next int, done bool, err error) {
	j := skipSpace(d, ve)
	if j >= len(d) {
		return j, false, errEOF(j, what)
	}
	switch d[j] {
	case ',':
		return skipSpace(d, j+1), false, nil
	case closer:
		return j + 1, true, nil
	}
	return j, false, errAt(j, d, expected)
}

// eachElement walks the array whose '[' is d[i], calling fn with the offset
// of each element; fn consumes the element and returns the offset after it.
// Elements before a defect have been handed to fn when the error returns.
func eachElement(d []byte, i, depth int, fn func(vs int) (int, error)) (int, error) {
	if depth >= maxDepth {
		return i, &syntaxError{off: i, msg: "JSON nested too deeply"}
	}
	j := skipSpace(d, i+1)
	if j < len(d) && d[j] == ']' {
		return j + 1, nil
	}
	for {
		if j >= len(d) {
			return j, errEOF(j, "an array")
		}
		ve, err := fn(j)
		if err != nil {
			return ve, err
		}
		var done bool
		if j, done, err = afterMember(d, ve, ']', "an array", "',' or ']' in array"); done || err != nil {
			return j, err
		}
	}
}

// appendUnquoted appends the text of the JSON string body s (the bytes
// between the quotes, already validated) to dst. Unpaired surrogates become
// U+FFFD, as encoding/json does.
func appendUnquoted(dst, s []byte) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c != '\\' {
			j := i + 1
			for j < len(s) && s[j] != '\\' {
				j++
			}
			dst = append(dst, s[i:j]...)
			i = j
			continue
		}
		e := s[i+1]
		i += 2
		switch e {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r := rune(hex4(s[i:]))
			i += 4
			if r >= 0xd800 && r < 0xdc00 {
				if i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
					r2 := rune(hex4(s[i+2:]))
					if r2 >= 0xdc00 && r2 < 0xe000 {
						r = (r-0xd800)<<10 + (r2 - 0xdc00) + 0x10000
						i += 6
						dst = utf8.AppendRune(dst, r)
						continue
					}
				}
				r = utf8.RuneError
			} else if r >= 0xdc00 && r < 0xe000 {
				r = utf8.RuneError
			}
			dst = utf8.AppendRune(dst, r)
		default: // '"', '\\', '/'
			dst = append(dst, e)
		}
	}
	return dst
}

func hex4(s []byte) int {
	n := 0
	for _, c := range s[:4] {
		n <<= 4
		switch {
		case c >= '0' && c <= '9':
			n |= int(c - '0')
		case c >= 'a' && c <= 'f':
			n |= int(c-'a') + 10
		default:
			n |= int(c-'A') + 10
		}
	}
	return n
}

// appendCompact appends the validated JSON value v without insignificant
// white space.
func appendCompact(dst, v []byte) []byte {
	inStr := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if inStr {
			dst = append(dst, c)
			switch c {
			case '\\':
				i++
				dst = append(dst, v[i])
			case '"':
				inStr = false
			}
			continue
		}
		if isSpace(c) {
			continue
		}
		if c == '"' {
			inStr = true
		}
		dst = append(dst, c)
	}
	return dst
}
