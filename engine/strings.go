package engine

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// isTermRune reports whether r is part of a term for has-family operators: a
// Unicode letter or digit. Every other character (including '_') separates
// terms.
func isTermRune(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// foldString is the one case-folding policy of every case-insensitive
// operator: Unicode lower-casing.
func foldString(s string) string {
	if isASCII(s) {
		for i := 0; i < len(s); i++ {
			if c := s[i]; c >= 'A' && c <= 'Z' {
				return strings.ToLower(s)
			}
		}
		return s
	}
	return strings.ToLower(s)
}

// indexFold finds needle (already folded) in hay, ignoring case. For an ASCII
// needle it scans hay's bytes directly (no allocation).
func indexFold(hay, needle string, from int) int {
	if isASCII(needle) {
		n := len(needle)
		if n == 0 {
			return from
		}
		first := needle[0]
		upper := first
		if first >= 'a' && first <= 'z' {
			upper = first - ('a' - 'A')
		}
		for i := from; i+n <= len(hay); i++ {
			c := hay[i]
			if c != first && c != upper {
				continue
			}
			j := 1
			for j < n && lowerASCII(hay[i+j]) == needle[j] {
				j++
			}
			if j == n {
				return i
			}
		}
		return -1
	}
	// Non-ASCII needle: fold the haystack. Offsets refer to the folded
	// string, which is what the caller then inspects.
	i := strings.Index(hay[from:], needle)
	if i < 0 {
		return -1
	}
	return from + i
}

// hasTerm implements has/has_cs: needle occurs in hay so that its first and
// last characters, when they are term characters, sit on term boundaries.
func hasTerm(hay, needle string, caseSensitive bool) bool {
	return hasMatch(hay, needle, caseSensitive, true, true)
}

// hasPrefixTerm implements hasprefix: a term of hay starts with needle.
func hasPrefixTerm(hay, needle string, caseSensitive bool) bool {
	return hasMatch(hay, needle, caseSensitive, true, false)
}

// hasSuffixTerm implements hassuffix: a term of hay ends with needle.
func hasSuffixTerm(hay, needle string, caseSensitive bool) bool {
	return hasMatch(hay, needle, caseSensitive, false, true)
}

// hasMatch is the shared scanner: leftB/rightB say which boundaries must hold.
func hasMatch(hay, needle string, caseSensitive, leftB, rightB bool) bool {
	if needle == "" {
		return true
	}
	if len(needle) > len(hay) {
		return false
	}
	n := newTermNeedle(needle, caseSensitive, leftB, rightB)
	if caseSensitive {
		return n.scan(hay)
	}
	return n.in(hay)
}

// termNeedle is the needle of a has-family test, prepared once: folded
// (case-insensitive tests), with the boundaries its ends need.
type termNeedle struct {
	text                string // folded unless caseSensitive
	origLen             int    // length before folding
	caseSensitive       bool
	ascii               bool
	needLeft, needRight bool
}

func newTermNeedle(needle string, caseSensitive, leftB, rightB bool) termNeedle {
	n := termNeedle{text: needle, origLen: len(needle), caseSensitive: caseSensitive}
	if !caseSensitive {
		n.text = foldString(needle)
	}
	n.ascii = isASCII(n.text)
	first, _ := utf8.DecodeRuneInString(n.text)
	last, _ := utf8.DecodeLastRuneInString(n.text)
	n.needLeft = leftB && isTermRune(first)
	n.needRight = rightB && isTermRune(last)
	return n
}

// in reports whether hay holds the needle as hasMatch defines it.
func (n *termNeedle) in(hay string) bool {
	if n.origLen == 0 {
		return true
	}
	if n.origLen > len(hay) {
		return false
	}
	if !n.caseSensitive && !n.ascii {
		hay = strings.ToLower(hay)
	}
	return n.scan(hay)
}

// scan looks for the needle in hay (folded already when the needle is
// not ASCII).
func (n *termNeedle) scan(hay string) bool {
	needle := n.text
	from := 0
	for from <= len(hay)-len(needle) {
		var i int
		if n.caseSensitive {
			i = strings.Index(hay[from:], needle)
			if i >= 0 {
				i += from
			}
		} else {
			i = indexFold(hay, needle, from)
		}
		if i < 0 {
			return false
		}
		end := i + len(needle)
		ok := true
		if n.needLeft && i > 0 {
			r, _ := utf8.DecodeLastRuneInString(hay[:i])
			if isTermRune(r) {
				ok = false
			}
		}
		if ok && n.needRight && end < len(hay) {
			r, _ := utf8.DecodeRuneInString(hay[end:])
			if isTermRune(r) {
				ok = false
			}
		}
		if ok {
			return true
		}
		from = i + 1
	}
	return false
}

// containsFold implements contains (case-insensitive substring).
func containsFold(hay, needle string) bool {
	if needle == "" {
		return true
	}
	needle = foldString(needle)
	if !isASCII(needle) {
		return strings.Contains(strings.ToLower(hay), needle)
	}
	return indexFold(hay, needle, 0) >= 0
}

// hasPrefixFold implements startswith.
func hasPrefixFold(s, prefix string) bool {
	if len(prefix) > len(s) && isASCII(prefix) {
		return false
	}
	if isASCII(prefix) {
		for i := 0; i < len(prefix); i++ {
			if lowerASCII(s[i]) != lowerASCII(prefix[i]) {
				return false
			}
		}
		return true
	}
	return strings.HasPrefix(strings.ToLower(s), strings.ToLower(prefix))
}

// hasSuffixFold implements endswith.
func hasSuffixFold(s, suffix string) bool {
	if isASCII(suffix) {
		if len(suffix) > len(s) {
			return false
		}
		off := len(s) - len(suffix)
		for i := 0; i < len(suffix); i++ {
			if lowerASCII(s[off+i]) != lowerASCII(suffix[i]) {
				return false
			}
		}
		return true
	}
	return strings.HasSuffix(strings.ToLower(s), strings.ToLower(suffix))
}

// equalFold implements =~.
func equalFold(a, b string) bool {
	if len(a) == len(b) && isASCII(a) && isASCII(b) {
		for i := 0; i < len(a); i++ {
			if lowerASCII(a[i]) != lowerASCII(b[i]) {
				return false
			}
		}
		return true
	}
	return strings.ToLower(a) == strings.ToLower(b)
}

// stringPredicate returns the function for a binary string operator (without
// its negation) and whether the operator is negated.
func stringPredicate(op string) (func(hay, needle string) bool, bool) {
	neg := strings.HasPrefix(op, "!")
	base := strings.TrimPrefix(op, "!")
	switch base {
	case "=~", "~":
		return equalFold, neg
	case "has":
		return func(h, n string) bool { return hasTerm(h, n, false) }, neg
	case "has_cs":
		return func(h, n string) bool { return hasTerm(h, n, true) }, neg
	case "hasprefix":
		return func(h, n string) bool { return hasPrefixTerm(h, n, false) }, neg
	case "hasprefix_cs":
		return func(h, n string) bool { return hasPrefixTerm(h, n, true) }, neg
	case "hassuffix":
		return func(h, n string) bool { return hasSuffixTerm(h, n, false) }, neg
	case "hassuffix_cs":
		return func(h, n string) bool { return hasSuffixTerm(h, n, true) }, neg
	case "contains":
		return containsFold, neg
	case "contains_cs":
		return strings.Contains, neg
	case "startswith":
		return hasPrefixFold, neg
	case "startswith_cs":
		return strings.HasPrefix, neg
	case "endswith":
		return hasSuffixFold, neg
	case "endswith_cs":
		return strings.HasSuffix, neg
	}
	return nil, false
}
