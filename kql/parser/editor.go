package parser

import (
	"github.com/rmmhunt/rmmhunt/kql/ast"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/scanner"
	"github.com/rmmhunt/rmmhunt/kql/token"
)

// EditorQueries splits a text the way Kusto's query editors (Kusto.Explorer,
// the Azure Data Explorer web UI, Log Analytics) delimit the queries of one
// query window: a blank line between two tokens ends a query. Hunting-query
// repositories often publish several queries in one text this way.
//
// A block that cannot stand alone stays with the block before it: one that
// starts with "|", or that follows a block ending in ";" (let statements
// before their query), "," or an operator, or with brackets still open. Blank
// lines inside string literals and comment-only blocks never split.
//
// It returns one span per query, covering its first to last token; a text
// with one query (or none) gives one span covering the whole text.
func EditorQueries(f *token.File) []token.Span {
	toks := scanner.Tokens(f, nil)
	whole := []token.Span{{Start: 0, End: token.Pos(len(f.Src))}}
	if len(toks) <= 1 {
		return whole
	}
	var out []token.Span
	start := 0 // index of the first token of the current query
	depth := 0
	for i := 0; i+1 < len(toks); i++ {
		t := toks[i]
		switch t.Kind {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			if depth > 0 {
				depth--
			}
		}
		next := toks[i+1]
		if next.Kind == token.EOF {
			break
		}
		if t.Span.End > next.Span.Start || !hasBlankLine(f.Src[t.Span.End:next.Span.Start]) {
			continue
		}
		if depth > 0 || next.Kind == token.PIPE || continues(t) {
			continue
		}
		out = append(out, token.Span{Start: toks[start].Span.Start, End: t.Span.End})
		start = i + 1
	}
	if len(out) == 0 {
		return whole
	}
	last := len(toks) - 2 // the token before EOF
	out = append(out, token.Span{Start: toks[start].Span.Start, End: toks[last].Span.End})
	return out
}

// continues reports whether a query cannot end with token t.
func continues(t token.Token) bool {
	switch t.Kind {
	case token.SEMI, token.COMMA, token.PIPE, token.DOT, token.DOTDOT, token.COLON,
		token.ASSIGN, token.EQ, token.NE, token.TILDEEQ, token.BANGTILDE, token.LT,
		token.LE, token.GT, token.GE, token.PLUS, token.MINUS, token.STAR, token.SLASH,
		token.PERCENT, token.BANG, token.DOLLAR, token.ARROW, token.AT:
		return true
	case token.IDENT:
		switch strings.ToLower(t.Text) {
		case "and", "or", "by", "on", "with", "of", "in", "to", "let":
			return true
		}
	}
	return false
}

// hasBlankLine reports whether the text between two tokens holds a line with
// nothing but white space. Comments count as text, so a comment line between
// two blank lines does not make them one.
func hasBlankLine(gap string) bool {
	lines := strings.Split(gap, "\n")
	if len(lines) < 3 {
		return false
	}
	// The first and last elements are the rests of the tokens' own lines.
	for _, l := range lines[1 : len(lines)-1] {
		if strings.TrimSpace(l) == "" {
			return true
		}
	}
	return false
}

// EditorQueryFile returns a File for the query at span of f: the same name
// and length, with every byte outside span blanked (newlines kept), so that
// diagnostics keep the positions of the whole text.
func EditorQueryFile(f *token.File, span token.Span) *token.File {
	b := []byte(f.Src)
	for i := range b {
		if (i < int(span.Start) || i >= int(span.End)) && b[i] != '\n' && b[i] != '\r' {
			b[i] = ' '
		}
	}
	nf := token.NewFile(f.Name, string(b))
	nf.LineBase, nf.ColBase = f.LineBase, f.ColBase
	return nf
}

// SplitEditorQueries returns the queries of f as Kusto's editors delimit
// them (see EditorQueries), each as a File with the positions of the whole
// text and its parsed tree, when f does not parse as one query but is two
// or more queries that each parse. ok is false otherwise.
func SplitEditorQueries(f *token.File) (files []*token.File, trees []*ast.Query, ok bool) {
	if _, d := ParseQuery(f); d == nil || !d.HasErrors() {
		return nil, nil, false
	}
	spans := EditorQueries(f)
	if len(spans) < 2 {
		return nil, nil, false
	}
	for _, sp := range spans {
		pf := EditorQueryFile(f, sp)
		t, d := ParseQuery(pf)
		if d != nil && d.HasErrors() {
			return nil, nil, false
		}
		files = append(files, pf)
		trees = append(trees, t)
	}
	return files, trees, true
}
