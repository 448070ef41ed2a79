package binder

import (
	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/diag"
	"github.com/rmmhunt/rmmhunt/kql/parser"
	"github.com/rmmhunt/rmmhunt/kql/scanner"
	"github.com/rmmhunt/rmmhunt/kql/token"
)

// The parser keeps some operators (make-series, top-nested, mv-apply,
// search, find, ...) as raw text in an *ast.GenericOp. opReader reads such
// an operator's tokens and hands pieces of it back to the parser, masking
// the rest of the source with spaces so that every span stays a position
// of the original query text.

// opReader is a cursor over the tokens of one GenericOp, after its name.
type opReader struct {
	b    *binder
	src  string
	toks []token.Token // ends with EOF
	i    int
	op   *ast.GenericOp
}

// newOpReader returns a reader over op's tokens, or nil (with an error
// reported) when the binder has no source text.
func (b *binder) newOpReader(op *ast.GenericOp) *opReader {
	if b.file == nil || int(op.Pos.End) > len(b.file.Src) || !op.Pos.IsValid() {
		b.unsupported(op.Pos, "the %s operator is not supported yet", op.Name)
		return nil
	}
	start := int(op.Pos.Start) + len(op.Name)
	r := &opReader{b: b, src: b.file.Src, op: op}
	f := r.masked(start, int(op.Pos.End), nil)
	r.toks = scanner.Tokens(f, nil)
	return r
}

// masked returns a file with the text of [from, to) and spaces elsewhere
// (line breaks kept); edits replace single bytes inside the range.
func (r *opReader) masked(from, to int, edits map[int]byte) *token.File {
	buf := []byte(r.src)
	for i := range buf {
		if (i < from || i >= to) && buf[i] != '\n' && buf[i] != '\r' {
			buf[i] = ' '
		}
	}
	for i, c := range edits {
		buf[i] = c
	}
	f := token.NewFile(r.b.file.Name, string(buf))
	f.LineBase, f.ColBase = r.b.file.LineBase, r.b.file.ColBase
	return f
}

func (r *opReader) tok() token.Token { return r.toks[r.i] }
func (r *opReader) peek(n int) token.Token {
	if r.i+n < len(r.toks) {
		return r.toks[r.i+n]
	}
	return r.toks[len(r.toks)-1]
}
func (r *opReader) next()       { r.i++ }
func (r *opReader) atEnd() bool { return r.tok().Kind == token.EOF }

// isWord reports whether the current token is the unquoted word w.
func (r *opReader) isWord(w string) bool {
	t := r.tok()
	return t.Kind == token.IDENT && !t.Quoted && t.Value == w
}

// span returns the span of the current token (or the operator's end).
func (r *opReader) span() token.Span {
	t := r.tok()
	if t.Kind == token.EOF {
		return token.Span{Start: r.op.Pos.End, End: r.op.Pos.End}
	}
	return t.Span
}

// fail reports a syntax error at the current token.
func (r *opReader) fail(format string, args ...any) {
	r.b.errorf(r.span(), format, args...)
}

// expectWord consumes the word w or reports an error.
func (r *opReader) expectWord(w string) bool {
	if !r.isWord(w) {
		r.fail("%s: expected %q", r.op.Name, w)
		return false
	}
	r.next()
	return true
}

// scanTo returns the index of the first token at bracket depth 0 from the
// current one for which stop is true (or the EOF token).
func (r *opReader) scanTo(stop func(t token.Token) bool) int { return r.scan(stop, false) }

// scanToClose is scanTo that also stops at a closing bracket that ends the
// enclosing group (depth 0).
func (r *opReader) scanToClose(stop func(t token.Token) bool) int { return r.scan(stop, true) }

// scan implements scanTo and scanToClose.
func (r *opReader) scan(stop func(t token.Token) bool, atClose bool) int {
	depth := 0
	for j := r.i; j < len(r.toks); j++ {
		t := r.toks[j]
		switch t.Kind {
		case token.EOF:
			return j
		case token.LPAREN, token.LBRACK, token.LBRACE:
			depth++
			continue
		case token.RPAREN, token.RBRACK, token.RBRACE:
			if atClose && depth == 0 {
				return j
			}
			depth--
			continue
		}
		if depth == 0 && stop(t) {
			return j
		}
	}
	return len(r.toks) - 1
}

// words returns a stop function for the given unquoted words (and, when
// comma is set, a comma).
func words(comma bool, ws ...string) func(t token.Token) bool {
	return func(t token.Token) bool {
		if comma && t.Kind == token.COMMA {
			return true
		}
		if t.Kind != token.IDENT || t.Quoted {
			return false
		}
		for _, w := range ws {
			if t.Value == w {
				return true
			}
		}
		return false
	}
}

// exprUntil parses the tokens from the current one up to (not including)
// index end as one expression and moves past them. It returns nil after
// reporting an error.
func (r *opReader) exprUntil(end int) ast.Expr {
	if end <= r.i {
		r.fail("%s: expected an expression", r.op.Name)
		return nil
	}
	from, to := int(r.toks[r.i].Span.Start), int(r.toks[end-1].Span.End)
	f := r.masked(from, to, nil)
	x, d := parser.ParseExpr(f)
	r.i = end
	if r.report(d) || x == nil {
		return nil
	}
	return x
}

// namedUntil parses `[Name =] Expr` up to index end.
func (r *opReader) namedUntil(end int) *ast.NamedExpr {
	start := r.tok().Span.Start
	var names []*ast.Ident
	if t := r.tok(); t.Kind == token.IDENT && r.peek(1).Kind == token.ASSIGN && r.i+2 < end {
		names = append(names, &ast.Ident{Name: t.Value, Quoted: t.Quoted, Pos: t.Span})
		r.next()
		r.next()
	}
	x := r.exprUntil(end)
	if x == nil {
		return nil
	}
	return &ast.NamedExpr{Names: names, X: x, Pos: token.Span{Start: start, End: x.Span().End}}
}

// report copies a sub-parse's diagnostics; it reports whether there were
// errors.
func (r *opReader) report(d *diag.List) bool {
	if d == nil {
		return false
	}
	for _, it := range d.Items {
		r.b.diags.Items = append(r.b.diags.Items, it)
	}
	return d.HasErrors()
}

// implicitSourceName is the name given to the implicit input of a
// subquery (mv-apply ... on (subquery), partition by K (subquery)): it
// replaces the token before the parenthesis in the re-parsed text, so it
// has that token's length.
func implicitSourceName(n int) string {
	if n <= 1 {
		return "_"
	}
	name := "_S"
	for len(name) < n {
		name += "_"
	}
	return name
}

// subquery parses `( operators )` at the current token as a pipeline over
// an implicit source, and returns it with the source's name. before is
// the index of the token before the parenthesis (such as the `on`
// keyword), whose place the source name takes.
func (r *opReader) subquery(before int) (ast.Expr, string) {
	if r.tok().Kind != token.LPAREN {
		r.fail("%s: expected \"(\"", r.op.Name)
		return nil, ""
	}
	open := r.i
	depth, closeIdx := 0, -1
	for j := open; j < len(r.toks) && closeIdx < 0; j++ {
		switch r.toks[j].Kind {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			depth--
		}
		if depth == 0 {
			closeIdx = j
		}
	}
	if closeIdx < 0 {
		r.fail("%s: unclosed \"(\"", r.op.Name)
		return nil, ""
	}
	bt := r.toks[before]
	from, n := int(bt.Span.Start), int(bt.Span.End-bt.Span.Start)
	name := implicitSourceName(n)
	to := int(r.toks[closeIdx].Span.End)
	edits := map[int]byte{
		int(r.toks[open].Span.Start):     '|',
		int(r.toks[closeIdx].Span.Start): ' ',
	}
	for i := 0; i < n; i++ {
		edits[from+i] = name[i]
	}
	f := r.masked(from, to, edits)
	q, d := parser.ParseQuery(f)
	r.i = closeIdx + 1
	if r.report(d) {
		return nil, ""
	}
	if len(q.Stmts) != 1 {
		r.b.errorf(token.Span{Start: bt.Span.Start, End: token.Pos(to)}, "%s: expected one subquery", r.op.Name)
		return nil, ""
	}
	st, ok := q.Stmts[0].(*ast.ExprStmt)
	if !ok {
		r.b.errorf(q.Stmts[0].Span(), "%s: expected a subquery", r.op.Name)
		return nil, ""
	}
	return st.X, name
}
