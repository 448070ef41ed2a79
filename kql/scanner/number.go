package scanner

import (
	"strconv"

	"github.com/rmmhunt/rmmhunt/kql/token"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// scanNumber scans a token that starts with a digit. Following Kusto, the
// alternatives are tried in order: hex long (0x1F), real (1.5, 1e3, 2.),
// timespan (5d, 1.5h), long (42), and finally an identifier that starts with
// digits (3rd), so that a number immediately followed by letters is never
// split in two.
//
// Integer and timespan literals that do not fit in 64 bits are reported;
// the token keeps its kind so that parsing goes on.
func (s *Scanner) scanNumber() token.Token {
	start := s.off
	if n := s.hexLen(start); n > 0 {
		s.off += n
		if _, err := strconv.ParseUint(s.src[start+2:s.off], 16, 64); err != nil {
			s.errorf(start, s.off, "integer literal %s out of range", s.src[start:s.off])
		}
		return token.Token{Kind: token.INT}
	}
	if n := s.realLen(start); n > 0 {
		s.off += n
		return token.Token{Kind: token.REAL}
	}
	if n := s.timespanLen(start); n > 0 {
		s.off += n
		if _, ok := types.ParseTimespanLiteral(s.src[start:s.off]); !ok {
			s.errorf(start, s.off, "timespan literal %s out of range", s.src[start:s.off])
		}
		return token.Token{Kind: token.TIMESPAN}
	}
	d := s.digits(start)
	if !s.isIdentCharAt(start + d) {
		s.off += d
		if _, err := strconv.ParseInt(s.src[start:s.off], 10, 64); err != nil {
			s.errorf(start, s.off, "integer literal %s out of range", s.src[start:s.off])
		}
		return token.Token{Kind: token.INT}
	}
	s.off += d
	s.scanIdentChars()
	return token.Token{Kind: token.IDENT, Value: s.src[start:s.off]}
}

// digits returns the number of ASCII digits at i.
func (s *Scanner) digits(i int) int {
	n := 0
	for i+n < len(s.src) && isDigit(s.src[i+n]) {
		n++
	}
	return n
}

// hexLen returns the length of a 0x literal at i, or 0.
func (s *Scanner) hexLen(i int) int {
	if i+2 >= len(s.src) || s.src[i] != '0' || (s.src[i+1] != 'x' && s.src[i+1] != 'X') || !isHexDigit(s.src[i+2]) {
		return 0
	}
	n := 3
	for i+n < len(s.src) && isHexDigit(s.src[i+n]) {
		n++
	}
	if s.isIdentCharAt(i + n) {
		return 0
	}
	return n
}

// exponentLen returns the length of an exponent (e+12) at i, or 0.
func (s *Scanner) exponentLen(i int) int {
	if i >= len(s.src) || (s.src[i] != 'e' && s.src[i] != 'E') {
		return 0
	}
	n := 1
	if i+n < len(s.src) && (s.src[i+n] == '+' || s.src[i+n] == '-') {
		n++
	}
	d := s.digits(i + n)
	if d == 0 {
		return 0
	}
	return n + d
}

// realLen returns the length of a real literal at i, or 0. A dot followed
// by another dot is a range (1..5), not a decimal point.
func (s *Scanner) realLen(i int) int {
	n := s.digits(i)
	if n == 0 {
		return 0
	}
	if i+n < len(s.src) && s.src[i+n] == '.' && (i+n+1 >= len(s.src) || s.src[i+n+1] != '.') {
		n++
		n += s.digits(i + n)
		n += s.exponentLen(i + n)
	} else {
		e := s.exponentLen(i + n)
		if e == 0 {
			return 0
		}
		n += e
	}
	if s.isIdentCharAt(i + n) {
		return 0
	}
	return n
}

// timespanLen returns the length of a timespan literal (digits, optional
// fraction, unit suffix not followed by an identifier character) at i, or 0.
func (s *Scanner) timespanLen(i int) int {
	n := s.digits(i)
	if n == 0 {
		return 0
	}
	if i+n < len(s.src) && s.src[i+n] == '.' {
		if f := s.digits(i + n + 1); f > 0 {
			n += 1 + f
		}
	}
	j := i + n
	for j < len(s.src) && isASCIILetter(s.src[j]) {
		j++
	}
	if j == i+n || s.isIdentCharAt(j) || !types.IsTimespanSuffix(s.src[i+n:j]) {
		return 0
	}
	return j - i
}
