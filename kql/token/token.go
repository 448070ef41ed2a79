// Package token defines the lexical tokens of KQL and the compact source
// positions used by every stage of the front end.
//
// A position is a byte offset into one query text (Pos). It is turned into a
// line and column only when a diagnostic is printed, through File.Position.
// The package knows nothing of syntax trees or evaluation.
package token

import (
	"fmt"
	"sort"
	"unicode/utf8"
)

// Pos is a byte offset into a query source. NoPos (-1) means "unknown".
type Pos int

// NoPos is the zero-information position.
const NoPos Pos = -1

// IsValid reports whether p is a known position.
func (p Pos) IsValid() bool { return p >= 0 }

// Span is a half-open byte range [Start, End) of a query source.
type Span struct {
	Start, End Pos
}

// IsValid reports whether the span has a known start.
func (s Span) IsValid() bool { return s.Start.IsValid() }

// Join returns the smallest span that covers s and t. An invalid span is
// ignored.
func (s Span) Join(t Span) Span {
	if !s.IsValid() {
		return t
	}
	if !t.IsValid() {
		return s
	}
	if t.Start < s.Start {
		s.Start = t.Start
	}
	if t.End > s.End {
		s.End = t.End
	}
	return s
}

// Position is a human-readable source position: file name, 1-based line and
// 1-based column counted in characters (runes).
type Position struct {
	Filename string
	Offset   int
	Line     int
	Column   int
}

// String formats the position as file:line:col (file omitted when empty).
func (p Position) String() string {
	if p.Filename == "" {
		return fmt.Sprintf("%d:%d", p.Line, p.Column)
	}
	return fmt.Sprintf("%s:%d:%d", p.Filename, p.Line, p.Column)
}

// File is one query source. LineBase shifts reported line numbers, so that a
// query embedded in a YAML file reports the YAML file's lines; ColBase does the
// same for columns of an indented block.
type File struct {
	Name     string
	Src      string
	LineBase int // added to every line number (0 for a standalone query)
	ColBase  int // added to every column (0 for a standalone query)
	lines    []int
}

// NewFile returns a File for src named name.
func NewFile(name, src string) *File {
	f := &File{Name: name, Src: src}
	f.lines = append(f.lines, 0)
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' {
			f.lines = append(f.lines, i+1)
		}
	}
	return f
}

// Position converts a byte offset into a Position.
func (f *File) Position(p Pos) Position {
	if f == nil || !p.IsValid() {
		return Position{}
	}
	off := int(p)
	if off > len(f.Src) {
		off = len(f.Src)
	}
	i := sort.Search(len(f.lines), func(i int) bool { return f.lines[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	col := utf8.RuneCountInString(f.Src[f.lines[i]:off]) + 1
	return Position{Filename: f.Name, Offset: off, Line: i + 1 + f.LineBase, Column: col + f.ColBase}
}

// Line returns the text of the 1-based line n of the source (after LineBase
// is removed), without its line terminator.
func (f *File) Line(n int) string {
	n -= f.LineBase
	if n < 1 || n > len(f.lines) {
		return ""
	}
	start := f.lines[n-1]
	end := len(f.Src)
	if n < len(f.lines) {
		end = f.lines[n] - 1
	}
	s := f.Src[start:end]
	if len(s) > 0 && s[len(s)-1] == '\r' {
		s = s[:len(s)-1]
	}
	return s
}

// Kind is the lexical class of a token.
type Kind int

// Token kinds.
const (
	ILLEGAL Kind = iota
	EOF

	IDENT    // Timestamp, where, ['quoted name'] (keywords are idents too; see the parser)
	INT      // 42
	REAL     // 4.2, 1e3
	STRING   // "x", 'x', @"x", ```x``` (value already unescaped in Token.Value)
	TIMESPAN // 5d, 1.5h, 100ms

	// Operators and punctuation.
	PIPE      // |
	COMMA     // ,
	SEMI      // ;
	LPAREN    // (
	RPAREN    // )
	LBRACK    // [
	RBRACK    // ]
	LBRACE    // {
	RBRACE    // }
	DOT       // .
	DOTDOT    // ..
	COLON     // :
	ASSIGN    // =
	EQ        // ==
	NE        // != or <>
	TILDEEQ   // =~
	BANGTILDE // !~
	LT        // <
	LE        // <=
	GT        // >
	GE        // >=
	PLUS      // +
	MINUS     // -
	STAR      // *
	SLASH     // /
	PERCENT   // %
	BANG      // ! (only as the prefix of a negated word operator such as !has)
	DOLLAR    // $ (in $left / $right)
	ARROW     // =>
	QUESTION  // ?
	AT        // @ (alone; @"..." is a STRING)
)

var kindNames = [...]string{
	ILLEGAL: "ILLEGAL", EOF: "end of query", IDENT: "identifier", INT: "integer",
	REAL: "real", STRING: "string", TIMESPAN: "timespan",
	PIPE: "|", COMMA: ",", SEMI: ";", LPAREN: "(", RPAREN: ")", LBRACK: "[", RBRACK: "]",
	LBRACE: "{", RBRACE: "}", DOT: ".", DOTDOT: "..", COLON: ":", ASSIGN: "=", EQ: "==",
	NE: "!=", TILDEEQ: "=~", BANGTILDE: "!~", LT: "<", LE: "<=", GT: ">", GE: ">=",
	PLUS: "+", MINUS: "-", STAR: "*", SLASH: "/", PERCENT: "%", BANG: "!", DOLLAR: "$",
	ARROW: "=>", QUESTION: "?", AT: "@",
}

// String returns the token kind as it is written in a diagnostic.
func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Token is one lexical token.
type Token struct {
	Kind Kind
	Span Span
	// Text is the raw source text of the token.
	Text string
	// Value is the decoded value: the unescaped string for STRING (adjacent
	// literals are not joined here), the name for IDENT (brackets and quotes of
	// ['x'] removed), the number text for INT/REAL/TIMESPAN.
	Value string
	// Quoted is true for an identifier written as ['x'] or ["x"]; such a name
	// is never a keyword.
	Quoted bool
	// Verbatim is true for @"..." and ```...``` strings.
	Verbatim bool
	// Obfuscated is true for h"..." strings.
	Obfuscated bool
	// SpaceBefore is true when white space or a comment precedes the token.
	SpaceBefore bool
}
