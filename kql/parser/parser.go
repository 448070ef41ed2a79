package parser

import (
	"fmt"
	"unicode/utf8"

	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/diag"
	"github.com/rmmhunt/rmmhunt/kql/scanner"
	"github.com/rmmhunt/rmmhunt/kql/token"
)

// maxDepth bounds the nesting of expressions, so that hostile input cannot
// exhaust the stack.
const maxDepth = 1000

// ParseQuery parses a whole query. The returned query is never nil; when the
// list holds errors the tree lacks the parts that could not be parsed.
func ParseQuery(f *token.File) (*ast.Query, *diag.List) {
	p := newParser(f)
	q := &ast.Query{Pos: p.sourceSpan()}
	p.protect(func() {
		q.Stmts = p.parseStmtList(token.EOF)
	})
	p.diags.Sort()
	return q, p.diags
}

// ParseExpr parses one scalar expression that must span the whole source.
// The expression is nil when it could not be parsed.
func ParseExpr(f *token.File) (ast.Expr, *diag.List) {
	p := newParser(f)
	var x ast.Expr
	p.protect(func() {
		defer p.recoverBailout()
		x = p.parseExpr()
		if p.tok.Kind != token.EOF {
			p.failExpected("end of expression")
		}
	})
	p.diags.Sort()
	return x, p.diags
}

// parser holds the state of one parse.
type parser struct {
	file  *token.File
	src   string
	toks  []token.Token
	pos   int         // index of tok in toks
	tok   token.Token // current token
	diags *diag.List

	prevEnd token.Pos // end of the last consumed token
	depth   int       // expression nesting
	quiet   int       // > 0 while parsing speculatively
	nest    int       // brackets opened and not yet closed by consumed tokens
	braces  int       // the `{` among them
	lastErr token.Pos // start of the last recorded error
	illegal map[token.Pos]bool
}

// bailout is the panic value that abandons the construct being parsed after
// a syntax error; it is recovered at the nearest operator or statement.
type bailout struct{}

func newParser(f *token.File) *parser {
	p := &parser{file: f, src: f.Src, diags: &diag.List{File: f}, lastErr: token.NoPos}
	p.toks = scanner.Tokens(f, p.diags)
	for _, t := range p.toks {
		if t.Kind == token.ILLEGAL {
			if p.illegal == nil {
				p.illegal = map[token.Pos]bool{}
			}
			p.illegal[t.Span.Start] = true
		}
	}
	p.tok = p.toks[0]
	p.prevEnd = 0
	return p
}

// sourceSpan is the span from the first to the end of the last token.
func (p *parser) sourceSpan() token.Span {
	n := len(p.toks)
	if n < 2 {
		return token.Span{Start: 0, End: 0}
	}
	return token.Span{Start: p.toks[0].Span.Start, End: p.toks[n-2].Span.End}
}

// protect runs f and turns any panic other than a bailout into a
// diagnostic, so that the API never panics.
func (p *parser) protect(f func()) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(bailout); ok {
				return
			}
			p.diags.Errorf(p.tok.Span, "internal parser error: %v", r)
		}
	}()
	f()
}

// recoverBailout is deferred by recovery points; it swallows a bailout
// unless the parser is speculating.
func (p *parser) recoverBailout() {
	if r := recover(); r != nil {
		if _, ok := r.(bailout); !ok || p.quiet > 0 {
			panic(r)
		}
	}
}

// ---------------------------------------------------------------------------
// Tokens

// next consumes the current token.
func (p *parser) next() {
	if p.tok.Kind == token.EOF {
		return
	}
	switch p.tok.Kind {
	case token.LPAREN, token.LBRACK, token.LBRACE:
		p.nest++
		if p.tok.Kind == token.LBRACE {
			p.braces++
		}
	case token.RPAREN, token.RBRACK, token.RBRACE:
		if p.nest > 0 {
			p.nest--
		}
		if p.tok.Kind == token.RBRACE && p.braces > 0 {
			p.braces--
		}
	}
	p.prevEnd = p.tok.Span.End
	p.pos++
	p.tok = p.toks[p.pos]
}

// peek returns the token n positions ahead (0 is the current one).
func (p *parser) peek(n int) token.Token {
	if i := p.pos + n; i < len(p.toks) {
		return p.toks[i]
	}
	return p.toks[len(p.toks)-1]
}

// reset moves back to token index i, where the bracket nesting was nest
// with braces braces (used after speculation).
func (p *parser) reset(i, nest, braces int) {
	p.nest, p.braces = nest, braces
	p.pos = i
	p.tok = p.toks[i]
	if i > 0 {
		p.prevEnd = p.toks[i-1].Span.End
	} else {
		p.prevEnd = 0
	}
}

// is reports whether the current token has kind k.
func (p *parser) is(k token.Kind) bool { return p.tok.Kind == k }

// isKw reports whether t is the unquoted word w.
func isKw(t token.Token, w string) bool {
	return t.Kind == token.IDENT && !t.Quoted && t.Value == w
}

// isKeyword reports whether the current token is the unquoted word w.
func (p *parser) isKeyword(w string) bool { return isKw(p.tok, w) }

// glued reports whether the token n ahead follows the previous one without
// space.
func (p *parser) glued(n int) bool { return !p.peek(n).SpaceBefore }

// expect consumes a token of kind k or fails.
func (p *parser) expect(k token.Kind) token.Token {
	t := p.tok
	if t.Kind != k {
		p.failExpected(fmt.Sprintf("%q", k.String()))
	}
	p.next()
	return t
}

// expectKeyword consumes the word w or fails.
func (p *parser) expectKeyword(w string) token.Token {
	t := p.tok
	if !isKw(t, w) {
		p.failExpected(fmt.Sprintf("%q", w))
	}
	p.next()
	return t
}

// spanFrom returns the span from start to the end of the last consumed
// token.
func (p *parser) spanFrom(start token.Pos) token.Span {
	end := p.prevEnd
	if end < start {
		end = start
	}
	return token.Span{Start: start, End: end}
}

// ---------------------------------------------------------------------------
// Errors

// fail records an error at span and abandons the current construct.
func (p *parser) fail(span token.Span, format string, args ...any) {
	if p.quiet == 0 {
		p.record(span, format, args...)
	}
	panic(bailout{})
}

// failUnsupported records that valid KQL at span is not supported and
// abandons the current construct.
func (p *parser) failUnsupported(span token.Span, format string, args ...any) {
	if p.quiet == 0 && span.Start != p.lastErr {
		p.lastErr = span.Start
		p.diags.Unsupportedf(span, format, args...)
	}
	panic(bailout{})
}

// record records an error without abandoning anything. Errors on an
// ILLEGAL token (already reported by the scanner) and second errors at the
// same position are dropped.
func (p *parser) record(span token.Span, format string, args ...any) {
	if p.quiet > 0 {
		return
	}
	if span.Start == p.lastErr || p.illegal[span.Start] {
		return
	}
	p.lastErr = span.Start
	p.diags.Errorf(span, format, args...)
}

// failExpected fails with `expected WHAT but found TOKEN` at the current
// token.
// At the end of the query the error points just after the last token, so
// that it shows on the line where the text stops.
func (p *parser) failExpected(what string) {
	span := p.tok.Span
	if p.tok.Kind == token.EOF {
		span = token.Span{Start: p.prevEnd, End: p.prevEnd}
	}
	p.fail(span, "expected %s but found %s", what, describe(p.tok))
}

// describe names a token for a diagnostic.
func describe(t token.Token) string {
	switch t.Kind {
	case token.EOF:
		return "end of query"
	case token.STRING:
		s := t.Text
		if utf8.RuneCountInString(s) > 24 {
			r := []rune(s)
			s = string(r[:24]) + "..."
		}
		return "string " + s
	}
	s := t.Text
	if utf8.RuneCountInString(s) > 24 {
		s = string([]rune(s)[:24]) + "..."
	}
	return fmt.Sprintf("%q", s)
}

// try runs f speculatively: errors are not recorded and, if f fails, the
// position is restored and try returns false.
func (p *parser) try(f func()) (ok bool) {
	save, depth, nest, braces := p.pos, p.depth, p.nest, p.braces
	p.quiet++
	defer func() {
		p.quiet--
		if r := recover(); r != nil {
			if _, isB := r.(bailout); !isB {
				panic(r)
			}
			p.reset(save, nest, braces)
			p.depth = depth
			ok = false
		}
	}()
	f()
	return true
}

// enter guards recursion depth; the returned function must be deferred.
func (p *parser) enter() func() {
	p.depth++
	if p.depth > maxDepth {
		p.fail(p.tok.Span, "expression nested too deeply")
	}
	return func() { p.depth-- }
}

// ---------------------------------------------------------------------------
// Recovery

// isCloser reports whether k closes a bracket.
func isCloser(k token.Kind) bool {
	return k == token.RPAREN || k == token.RBRACK || k == token.RBRACE
}

// isOpener reports whether k opens a bracket.
func isOpener(k token.Kind) bool {
	return k == token.LPAREN || k == token.LBRACK || k == token.LBRACE
}

// mark records the bracket nesting at the start of a construct, for
// recovery.
type mark struct{ nest, braces int }

func (p *parser) mark() mark { return mark{p.nest, p.braces} }

// skipOperator skips the text of an operator kept raw: up to the next `|`
// or `;` outside the brackets it opens, a closing bracket of an enclosing
// construct, or the end of the query.
func (p *parser) skipOperator(m mark) {
	for {
		k := p.tok.Kind
		switch {
		case k == token.EOF:
			return
		case p.nest <= m.nest && (k == token.PIPE || k == token.SEMI || isCloser(k)):
			return
		}
		p.next()
	}
}

// skipToOpEnd skips the rest of an operator that failed to parse: up to the
// next `|` outside the brackets the operator opened, a closing bracket of
// an enclosing construct, a `;` outside the braces it opened (an unclosed
// parenthesis does not hide the end of a statement), or the end of the
// query. A stray closing bracket at the top level is skipped.
func (p *parser) skipToOpEnd(m mark) {
	for {
		k := p.tok.Kind
		switch {
		case k == token.EOF:
			return
		case k == token.SEMI && p.braces <= m.braces:
			return
		case p.nest <= m.nest && k == token.PIPE:
			return
		case p.nest <= m.nest && isCloser(k) && m.nest > 0:
			return
		}
		p.next()
	}
}

// skipStmt skips to the `;` that ends a statement which failed to parse,
// or, in a function body, to the `}` that closes the body; then it forgets
// the brackets left open by the broken statement.
func (p *parser) skipStmt(m mark) {
	defer func() { p.nest, p.braces = m.nest, m.braces }()
	for {
		k := p.tok.Kind
		switch {
		case k == token.EOF:
			return
		case p.braces <= m.braces && k == token.SEMI:
			return
		case p.braces <= m.braces && m.braces > 0 && k == token.RBRACE:
			return
		}
		p.next()
	}
}

// commaList parses `item, item, ...` up to (not including) closer; the
// list may be empty but may not end with a comma.
func (p *parser) commaList(closer token.Kind, item func()) {
	if p.is(closer) {
		return
	}
	for {
		item()
		if !p.is(token.COMMA) {
			return
		}
		p.next()
	}
}

// commaListTrailing is commaList allowing a comma before closer, as Kusto
// does for datatable values.
func (p *parser) commaListTrailing(closer token.Kind, item func()) {
	for !p.is(closer) {
		item()
		if !p.is(token.COMMA) {
			return
		}
		p.next()
	}
}
