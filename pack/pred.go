package pack

import (
	"fmt"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/parser"
	"github.com/rmmhunt/rmmhunt/kql/token"
)

// Pred is the logic of a where clause recorded as facts: "and" and "or"
// nodes over atoms, each atom one operator applied to one column.
//
// An atom's right side is either string constants (Terms, in the order
// written) or the rows of a tabular let (Ref), as in
// `InitiatingProcessSHA1 in (rmmInitialFileSet)`. Function atoms such as
// isempty(Column) have neither.
type Pred struct {
	// Op is "and", "or", or the atom's operator as KQL spells it: "has",
	// "has_any", "startswith", "=~", "in~", "isempty", ...
	Op string `json:"op"`
	// Args are the operands of "and" and "or" (two or more; nested nodes
	// of the same operator are flattened).
	Args []*Pred `json:"args,omitempty"`
	// Column is the column an atom tests.
	Column string `json:"column,omitempty"`
	// Terms are the string constants of an atom.
	Terms []string `json:"terms,omitempty"`
	// Ref names the tabular let whose first column supplies an atom's
	// values.
	Ref string `json:"ref,omitempty"`
}

// Logical operators of a Pred.
const (
	OpAnd = "and"
	OpOr  = "or"
)

// funcAtoms are the one-argument functions a Pred atom may be.
var funcAtoms = map[string]bool{"isempty": true, "isnotempty": true, "isnull": true, "isnotnull": true}

// IsLogic reports whether p is an "and" or "or" node.
func (p *Pred) IsLogic() bool { return p.Op == OpAnd || p.Op == OpOr }

// Atoms returns p's atoms, left to right.
func (p *Pred) Atoms() []*Pred {
	if p == nil {
		return nil
	}
	if !p.IsLogic() {
		return []*Pred{p}
	}
	var out []*Pred
	for _, a := range p.Args {
		out = append(out, a.Atoms()...)
	}
	return out
}

// Equal reports whether p and q are the same logic with the same terms in
// the same order. Operators compare case-insensitively; column names and
// terms exactly.
func (p *Pred) Equal(q *Pred) bool {
	if p == nil || q == nil {
		return p == q
	}
	if !strings.EqualFold(p.Op, q.Op) || p.Column != q.Column || p.Ref != q.Ref ||
		len(p.Terms) != len(q.Terms) || len(p.Args) != len(q.Args) {
		return false
	}
	for i := range p.Terms {
		if p.Terms[i] != q.Terms[i] {
			return false
		}
	}
	for i := range p.Args {
		if !p.Args[i].Equal(q.Args[i]) {
			return false
		}
	}
	return true
}

// And returns the conjunction of the non-nil preds, flattened; nil when
// there is none, the pred itself when there is one.
func And(ps ...*Pred) *Pred { return join(OpAnd, ps) }

// Or returns the disjunction of the non-nil preds, flattened.
func Or(ps ...*Pred) *Pred { return join(OpOr, ps) }

func join(op string, ps []*Pred) *Pred {
	var args []*Pred
	for _, p := range ps {
		switch {
		case p == nil:
		case p.Op == op:
			args = append(args, p.Args...)
		default:
			args = append(args, p)
		}
	}
	switch len(args) {
	case 0:
		return nil
	case 1:
		return args[0]
	}
	return &Pred{Op: op, Args: args}
}

// Atom returns an atom testing column with op against terms. An atom with
// one term and a list operator is kept as written (has_any with one item
// stays has_any).
func Atom(column, op string, terms ...string) *Pred {
	return &Pred{Op: op, Column: column, Terms: terms}
}

// ParsePred parses the predicate of a where clause (KQL text) into facts.
func ParsePred(text string) (*Pred, error) {
	f := token.NewFile("where", text)
	x, diags := parser.ParseExpr(f)
	if diags != nil && diags.HasErrors() {
		return nil, fmt.Errorf("%s", strings.TrimSpace(diags.Format()))
	}
	return PredFromAST(x)
}

// PredFromAST converts a parsed where predicate into facts. It accepts the
// shapes the RMM rules use: and/or over `Column op 'string'`,
// `Column op ('a', 'b', ...)`, `Column in (letName)` and
// `isempty(Column)`-like calls.
func PredFromAST(x ast.Expr) (*Pred, error) {
	switch e := x.(type) {
	case *ast.ParenExpr:
		return PredFromAST(e.X)
	case *ast.BinaryExpr:
		op := strings.ToLower(e.Op)
		if op == OpAnd || op == OpOr {
			l, err := PredFromAST(e.X)
			if err != nil {
				return nil, err
			}
			r, err := PredFromAST(e.Y)
			if err != nil {
				return nil, err
			}
			return join(op, []*Pred{l, r}), nil
		}
		col, err := columnName(e.X)
		if err != nil {
			return nil, err
		}
		s, ok := stringLit(e.Y)
		if !ok {
			return nil, fmt.Errorf("right side of %s is not a string literal", e.Op)
		}
		return Atom(col, e.Op, s), nil
	case *ast.InExpr:
		col, err := columnName(e.X)
		if err != nil {
			return nil, err
		}
		if len(e.List) == 1 {
			if id, ok := e.List[0].(*ast.Ident); ok {
				return &Pred{Op: e.Op, Column: col, Ref: id.Name}, nil
			}
		}
		var terms []string
		for _, it := range e.List {
			s, ok := stringLit(it)
			if !ok {
				return nil, fmt.Errorf("an item of %s is not a string literal", e.Op)
			}
			terms = append(terms, s)
		}
		return Atom(col, e.Op, terms...), nil
	case *ast.CallExpr:
		name := strings.ToLower(e.Fun.Name)
		if !funcAtoms[name] || len(e.Args) != 1 {
			return nil, fmt.Errorf("unsupported call %s", e.Fun.Name)
		}
		col, err := columnName(e.Args[0])
		if err != nil {
			return nil, err
		}
		return &Pred{Op: name, Column: col}, nil
	}
	return nil, fmt.Errorf("unsupported expression %T", x)
}

func columnName(x ast.Expr) (string, error) {
	if id, ok := x.(*ast.Ident); ok {
		return id.Name, nil
	}
	return "", fmt.Errorf("left side %T is not a column name", x)
}

func stringLit(x ast.Expr) (string, bool) {
	if l, ok := x.(*ast.BasicLit); ok && l.Kind == ast.LitString {
		return l.Value, true
	}
	return "", false
}

// KQL returns p as a KQL predicate on one line.
func (p *Pred) KQL() string {
	var b strings.Builder
	p.write(&b, "", false)
	return b.String()
}

// Format returns p as the published rules lay it out: top-level "and"/"or"
// operands on their own lines, each continuation line starting with indent
// and the operator; nested groups in parentheses.
func (p *Pred) Format(indent string) string {
	var b strings.Builder
	p.write(&b, indent, true)
	return b.String()
}

func (p *Pred) write(b *strings.Builder, indent string, multiline bool) {
	if !p.IsLogic() {
		p.writeAtom(b, indent, multiline)
		return
	}
	for i, a := range p.Args {
		if i > 0 {
			if multiline {
				b.WriteString("\n" + indent + p.Op + " ")
			} else {
				b.WriteString(" " + p.Op + " ")
			}
		}
		if a.IsLogic() {
			b.WriteString("(")
			a.write(b, "", false)
			b.WriteString(")")
			continue
		}
		a.writeAtom(b, indent, multiline)
	}
}

// listBreak is the number of list items above which Format puts each item
// on its own line.
const listBreak = 3

func (p *Pred) writeAtom(b *strings.Builder, indent string, multiline bool) {
	switch {
	case funcAtoms[p.Op]:
		fmt.Fprintf(b, "%s(%s)", p.Op, p.Column)
	case p.Ref != "":
		fmt.Fprintf(b, "%s %s (%s)", p.Column, p.Op, p.Ref)
	case isListOp(p.Op) && multiline && len(p.Terms) > listBreak:
		fmt.Fprintf(b, "%s %s (\n", p.Column, p.Op)
		for i, t := range p.Terms {
			b.WriteString(indent + "    " + Quote(t))
			if i < len(p.Terms)-1 {
				b.WriteString(",")
			}
			b.WriteString("\n")
		}
		b.WriteString(indent + ")")
	case isListOp(p.Op):
		fmt.Fprintf(b, "%s %s (", p.Column, p.Op)
		for i, t := range p.Terms {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(Quote(t))
		}
		b.WriteString(")")
	default:
		t := ""
		if len(p.Terms) > 0 {
			t = p.Terms[0]
		}
		fmt.Fprintf(b, "%s %s %s", p.Column, p.Op, Quote(t))
	}
}

// isListOp reports whether op takes a parenthesised list.
func isListOp(op string) bool {
	switch strings.ToLower(op) {
	case "has_any", "has_all", "in", "!in", "in~", "!in~":
		return true
	}
	return false
}

// Quote returns s as a KQL string literal: a verbatim @'...' literal when
// s holds a backslash and no single quote, otherwise a single-quoted
// literal with backslash escapes.
func Quote(s string) string {
	if strings.Contains(s, `\`) && !strings.ContainsAny(s, "'\n\r") {
		return "@'" + s + "'"
	}
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		switch r {
		case '\'':
			b.WriteString(`\'`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('\'')
	return b.String()
}
