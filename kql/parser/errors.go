package parser

import (
	"fmt"
	"unicode/utf8"

	"github.com/rmmhunt/rmmhunt/kql/token"
)

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
