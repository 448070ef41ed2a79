package printer

import (
	"fmt"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/scanner"
	"github.com/rmmhunt/rmmhunt/kql/token"
)

// basicLit prints a literal.
func (p *printer) basicLit(x *ast.BasicLit) {
	if x.Kind == ast.LitString {
		p.write(quoteString(x.Value))
		return
	}
	p.write(x.Value)
}

// quoteString returns a KQL string literal with value s: verbatim @"..."
// when s holds a backslash and no control character, an escaped "..."
// otherwise.
func quoteString(s string) string {
	if strings.Contains(s, `\`) && !hasControl(s) {
		return `@"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return escaped(s, '"')
}

// escaped returns s as a non-verbatim literal quoted with q. Bytes of
// multi-byte characters are copied as they are, so invalid UTF-8 survives.
func escaped(s string, q byte) string {
	var b strings.Builder
	b.WriteByte(q)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == q || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case c < 0x20 || c == 0x7f:
			fmt.Fprintf(&b, `\u%04x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte(q)
	return b.String()
}

func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return true
		}
	}
	return false
}

// ident prints a name: bare when it was written bare and scans back as the
// same name, bracket-quoted otherwise.
func (p *printer) ident(id *ast.Ident) {
	if id == nil {
		return
	}
	if !id.Quoted && isBareName(id.Name) {
		p.write(id.Name)
		return
	}
	p.write("[" + escaped(id.Name, '\'') + "]")
}

// isBareName reports whether name can be written without brackets: it
// scans back as that one name ($table and wildcard patterns such as
// Device* included).
func isBareName(name string) bool {
	if name == "" {
		return false
	}
	toks := scanner.Tokens(token.NewFile("", name), nil)
	toks = toks[:len(toks)-1] // EOF
	if len(toks) == 1 && toks[0].Kind == token.IDENT {
		t := toks[0]
		return !t.Quoted && t.Value == name && name != "in~"
	}
	if len(toks) == 0 {
		return false
	}
	star := false
	for i, t := range toks {
		if i > 0 && t.SpaceBefore {
			return false
		}
		switch {
		case t.Kind == token.STAR:
			star = true
		case t.Kind == token.IDENT && !t.Quoted && t.Value == t.Text:
		case t.Kind == token.DOLLAR && i == 0 && len(toks) == 2:
		default:
			return false
		}
	}
	return star || toks[0].Kind == token.DOLLAR
}
