package scanner

import (
	"strings"
	"unicode/utf8"

	"github.com/rmmhunt/rmmhunt/kql/token"
)

// scanString scans a string literal starting at start: an optional h/H
// prefix (obfuscated), an optional @ (verbatim), then '...', "..." or a
// triple-backtick block.
func (s *Scanner) scanString(start int, obfuscated bool) token.Token {
	pos := start
	if obfuscated {
		pos++
	}
	verbatim := false
	if s.src[pos] == '@' {
		verbatim = true
		pos++
	}
	if strings.HasPrefix(s.src[pos:], "```") {
		body := pos + 3
		end := strings.Index(s.src[body:], "```")
		if end < 0 {
			s.off = len(s.src)
			s.errorf(start, s.off, "multi-line string literal not terminated")
			return token.Token{Kind: token.ILLEGAL}
		}
		s.off = body + end + 3
		return token.Token{Kind: token.STRING, Value: s.src[body : body+end], Verbatim: true, Obfuscated: obfuscated}
	}
	end, val, ok := decodeQuoted(s.src, pos, verbatim, func(a, b int, msg string) { s.errorf(a, b, "%s", msg) })
	s.off = end
	if !ok {
		s.errorf(start, end, "string literal not terminated")
		return token.Token{Kind: token.ILLEGAL}
	}
	return token.Token{Kind: token.STRING, Value: val, Verbatim: verbatim, Obfuscated: obfuscated}
}

// scanQuoted decodes the quoted string starting at the quote src[pos]
// without reporting errors. ok is false when the literal is unterminated or
// has a bad escape.
func scanQuoted(src string, pos int, verbatim bool) (end int, val string, ok bool) {
	bad := false
	end, val, ok = decodeQuoted(src, pos, verbatim, func(int, int, string) { bad = true })
	return end, val, ok && !bad
}

// decodeQuoted decodes the string whose opening quote is src[pos]. It
// returns the offset just past the closing quote (or of the line break or
// end of text that stopped it), the decoded value, and whether the literal
// was terminated. Bad escapes are reported through report and kept
// literally.
func decodeQuoted(src string, pos int, verbatim bool, report func(start, end int, msg string)) (int, string, bool) {
	q := src[pos]
	i := pos + 1
	var b strings.Builder
	for i < len(src) {
		c := src[i]
		switch {
		case c == q:
			if verbatim && i+1 < len(src) && src[i+1] == q {
				b.WriteByte(q)
				i += 2
				continue
			}
			return i + 1, b.String(), true
		case isLineBreakByte(c):
			return i, b.String(), false
		case c == '\\' && !verbatim:
			n, r, ok := decodeEscape(src[i:])
			if !ok {
				report(i, i+n, "invalid escape sequence "+quoteForMessage(src[i:i+n]))
				b.WriteString(src[i : i+n])
			} else {
				b.WriteString(r)
			}
			i += n
		default:
			b.WriteByte(c)
			i++
		}
	}
	return i, b.String(), false
}

// decodeEscape decodes the escape sequence at the start of s (s[0] is a
// backslash). It returns the length consumed, the decoded text and whether
// the escape is valid. The accepted escapes are those of Kusto: \\ \' \"
// \a \b \f \n \r \t \v, \uXXXX, \UXXXXXXXX, \xHH and octal \o, \oo, \ooo.
func decodeEscape(s string) (int, string, bool) {
	if len(s) < 2 {
		return len(s), "", false
	}
	switch c := s[1]; c {
	case '\\', '\'', '"':
		return 2, string(c), true
	case 'a':
		return 2, "\a", true
	case 'b':
		return 2, "\b", true
	case 'f':
		return 2, "\f", true
	case 'n':
		return 2, "\n", true
	case 'r':
		return 2, "\r", true
	case 't':
		return 2, "\t", true
	case 'v':
		return 2, "\v", true
	case 'u':
		return hexEscape(s, 4)
	case 'U':
		return hexEscape(s, 8)
	case 'x':
		return hexEscape(s, 2)
	}
	if s[1] >= '0' && s[1] <= '7' {
		n, v := 1, int(s[1]-'0')
		max := 2
		if s[1] <= '3' {
			max = 3
		}
		for n < max && 1+n < len(s) && s[1+n] >= '0' && s[1+n] <= '7' {
			v = v*8 + int(s[1+n]-'0')
			n++
		}
		return 1 + n, string(rune(v)), true
	}
	_, size := utf8.DecodeRuneInString(s[1:])
	if isLineBreakByte(s[1]) {
		return 1, "", false
	}
	return 1 + size, "", false
}

// hexEscape decodes \x, \u or \U followed by n hex digits.
func hexEscape(s string, n int) (int, string, bool) {
	if len(s) < 2+n {
		return 2, "", false
	}
	v := 0
	for i := 0; i < n; i++ {
		c := s[2+i]
		if !isHexDigit(c) {
			return 2, "", false
		}
		v = v*16 + hexVal(c)
	}
	if v > utf8.MaxRune {
		return 2 + n, "", false
	}
	return 2 + n, string(rune(v)), true
}

func hexVal(c byte) int {
	switch {
	case c >= 'a':
		return int(c-'a') + 10
	case c >= 'A':
		return int(c-'A') + 10
	}
	return int(c - '0')
}

// quoteForMessage quotes an escape sequence for a message, keeping the
// backslash readable.
func quoteForMessage(s string) string { return `"` + s + `"` }
