package scanner

import (
	"fmt"
	"unicode/utf8"

	"github.com/rmmhunt/rmmhunt/kql/diag"
	"github.com/rmmhunt/rmmhunt/kql/token"
)

// ErrorHandler receives each lexical error with the span it covers.
type ErrorHandler func(span token.Span, msg string)

// Scanner produces the tokens of one source file, one at a time.
type Scanner struct {
	src string
	off int
	err ErrorHandler

	// typedPending is set after a typed-literal keyword (datetime, guid, ...)
	// that is immediately followed by "(": the next token is that "(".
	typedPending bool
	// typedBody is set after such a "(": the next token is the raw body.
	typedBody bool
}

// New returns a Scanner over f. err may be nil, in which case errors are
// only visible as ILLEGAL tokens.
func New(f *token.File, err ErrorHandler) *Scanner {
	return &Scanner{src: f.Src, err: err}
}

// Tokens scans the whole of f and returns its tokens, the last one being
// EOF. Lexical errors are appended to d when d is not nil.
func Tokens(f *token.File, d *diag.List) []token.Token {
	var eh ErrorHandler
	if d != nil {
		eh = func(span token.Span, msg string) { d.Errorf(span, "%s", msg) }
	}
	s := New(f, eh)
	var toks []token.Token
	for {
		t := s.Scan()
		toks = append(toks, t)
		if t.Kind == token.EOF {
			return toks
		}
	}
}

// typedLiteralKeywords are the type keywords that start a typed literal when they are
// immediately followed by "(".
var typedLiteralKeywords = map[string]bool{
	"datetime": true, "date": true, "timespan": true, "time": true, "guid": true,
	"long": true, "int": true, "real": true, "double": true, "decimal": true,
	"bool": true, "boolean": true,
}

// IsTypedLiteralKeyword reports whether name is a type keyword that starts
// a typed literal (datetime(...), guid(...), long(...), ...) when "(" follows
// it without space; the scanner then returns the body as one raw STRING.
func IsTypedLiteralKeyword(name string) bool { return typedLiteralKeywords[name] }

func (s *Scanner) errorf(start, end int, format string, args ...any) {
	if s.err != nil {
		s.err(token.Span{Start: token.Pos(start), End: token.Pos(end)}, fmt.Sprintf(format, args...))
	}
}

// peek returns the byte at off+i, or 0 past the end.
func (s *Scanner) peek(i int) byte {
	if s.off+i < len(s.src) {
		return s.src[s.off+i]
	}
	return 0
}

// skipTrivia skips white space and comments and reports whether any was
// found. White space is Kusto's set: tab, space, CR, LF, form feed, and the
// Unicode spaces listed in isUnicodeSpace (including the zero-width space
// and the byte order mark).
func (s *Scanner) skipTrivia() bool {
	start := s.off
	for s.off < len(s.src) {
		c := s.src[s.off]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			s.off++
		case c == '/' && s.peek(1) == '/':
			for s.off < len(s.src) && s.src[s.off] != '\n' && s.src[s.off] != '\r' {
				s.off++
			}
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRuneInString(s.src[s.off:])
			if !isUnicodeSpace(r) {
				return s.off > start
			}
			s.off += n
		default:
			return s.off > start
		}
	}
	return s.off > start
}

// isUnicodeSpace reports whether r is one of the non-ASCII characters Kusto
// treats as white space.
func isUnicodeSpace(r rune) bool {
	switch r {
	case '\u00a0', '\u1680', '\u180e', '\u2000', '\u2001', '\u2002', '\u2003', '\u2004',
		'\u2005', '\u2006', '\u2007', '\u2008', '\u2009', '\u200a', '\u200b', '\u202f',
		'\u205f', '\u3000', '\ufeff':
		return true
	}
	return false
}

// Scan returns the next token. After the end of the source it keeps
// returning EOF.
func (s *Scanner) Scan() token.Token {
	if s.typedBody {
		s.typedBody = false
		if t, ok := s.scanTypedBody(); ok {
			return t
		}
	}
	pending := s.typedPending
	s.typedPending = false
	space := s.skipTrivia()
	start := s.off
	t := s.scanToken()
	t.SpaceBefore = space
	t.Span = token.Span{Start: token.Pos(start), End: token.Pos(s.off)}
	t.Text = s.src[start:s.off]
	if t.Value == "" && t.Kind != token.STRING && t.Kind != token.IDENT {
		t.Value = t.Text
	}
	if pending && t.Kind == token.LPAREN {
		s.typedBody = true
	}
	return t
}

// scanTypedBody scans the raw body of a typed literal up to (not including) the
// closing parenthesis or the end of the line. It returns false for a blank
// body, which produces no token.
func (s *Scanner) scanTypedBody() (token.Token, bool) {
	start := s.off
	for s.off < len(s.src) && s.src[s.off] != ')' && s.src[s.off] != '\n' && s.src[s.off] != '\r' {
		s.off++
	}
	text := s.src[start:s.off]
	val := trimSpace(text)
	if val == "" {
		s.off = start
		return token.Token{}, false
	}
	return token.Token{
		Kind:     token.STRING,
		Span:     token.Span{Start: token.Pos(start), End: token.Pos(s.off)},
		Text:     text,
		Value:    val,
		Verbatim: true,
	}, true
}

func trimSpace(s string) string {
	i, j := 0, len(s)
	for i < j && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	for j > i && (s[j-1] == ' ' || s[j-1] == '\t') {
		j--
	}
	return s[i:j]
}

// scanToken scans one token starting at s.off (trivia already skipped). Span
// and Text are filled in by Scan.
func (s *Scanner) scanToken() token.Token {
	if s.off >= len(s.src) {
		return token.Token{Kind: token.EOF}
	}
	c := s.src[s.off]
	switch {
	case isDigit(c):
		return s.scanNumber()
	case c == '_' || isASCIILetter(c):
		return s.scanIdentOrPrefixedString()
	case c >= utf8.RuneSelf:
		r, n := utf8.DecodeRuneInString(s.src[s.off:])
		s.off += n
		if r == utf8.RuneError && n == 1 {
			s.errorf(s.off-n, s.off, "invalid UTF-8 encoding")
		} else {
			s.errorf(s.off-n, s.off, "illegal character %q", r)
		}
		return token.Token{Kind: token.ILLEGAL}
	}
	switch c {
	case '"', '\'':
		return s.scanString(s.off, false)
	case '`':
		if s.hasPrefix("```") {
			return s.scanString(s.off, false)
		}
	case '@':
		if q := s.peek(1); q == '"' || q == '\'' || q == '`' && s.hasPrefixAt(1, "```") {
			return s.scanString(s.off, false)
		}
		s.off++
		return token.Token{Kind: token.AT}
	case '[':
		if t, ok := s.scanBracketIdent(); ok {
			return t
		}
	}
	return s.scanOperator()
}

func (s *Scanner) hasPrefix(p string) bool { return s.hasPrefixAt(0, p) }

func (s *Scanner) hasPrefixAt(i int, p string) bool {
	return s.off+i <= len(s.src) && len(s.src)-s.off-i >= len(p) && s.src[s.off+i:s.off+i+len(p)] == p
}

// scanIdentOrPrefixedString scans an identifier, or an obfuscated string
// h"..." / H@"...".
func (s *Scanner) scanIdentOrPrefixedString() token.Token {
	start := s.off
	if c := s.src[s.off]; c == 'h' || c == 'H' {
		switch q := s.peek(1); {
		case q == '"' || q == '\'' || s.hasPrefixAt(1, "```"):
			return s.scanString(start, true)
		case q == '@' && (s.peek(2) == '"' || s.peek(2) == '\'' || s.hasPrefixAt(2, "```")):
			return s.scanString(start, true)
		}
	}
	s.scanIdentChars()
	name := s.src[start:s.off]
	if name == "in" && s.peek(0) == '~' {
		s.off++
		return token.Token{Kind: token.IDENT, Value: "in~"}
	}
	if typedLiteralKeywords[name] && s.peek(0) == '(' {
		s.typedPending = true
	}
	return token.Token{Kind: token.IDENT, Value: name}
}

// scanIdentChars advances over identifier characters. As in Kusto these
// are ASCII letters, digits and underscore only; other names must be
// bracket-quoted.
func (s *Scanner) scanIdentChars() {
	for s.off < len(s.src) && isIdentByte(s.src[s.off]) {
		s.off++
	}
}

// isIdentCharAt reports whether an identifier character is at byte i.
func (s *Scanner) isIdentCharAt(i int) bool {
	return i < len(s.src) && isIdentByte(s.src[i])
}

// scanBracketIdent scans ['name'] or ["name"] written without spaces. It
// leaves the offset unchanged and returns false when the text is anything
// else (for example the start of a dynamic array ['a', 'b']).
func (s *Scanner) scanBracketIdent() (token.Token, bool) {
	start := s.off
	q := s.peek(1)
	if q != '"' && q != '\'' {
		return token.Token{}, false
	}
	end, val, ok := scanQuoted(s.src, start+1, false)
	if !ok || end >= len(s.src) || s.src[end] != ']' {
		return token.Token{}, false
	}
	s.off = end + 1
	return token.Token{Kind: token.IDENT, Value: val, Quoted: true}, true
}

func isDigit(c byte) bool         { return c >= '0' && c <= '9' }
func isASCIILetter(c byte) bool   { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isIdentByte(c byte) bool     { return isASCIILetter(c) || isDigit(c) || c == '_' }
func isHexDigit(c byte) bool      { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }
func isLineBreakByte(c byte) bool { return c == '\n' || c == '\r' }
