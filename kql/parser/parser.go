package parser

import (
	"fmt"

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
	p := &parser{src: f.Src, diags: &diag.List{File: f}, lastErr: token.NoPos}
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
