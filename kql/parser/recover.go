package parser

import "github.com/rmmhunt/rmmhunt/kql/token"

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
