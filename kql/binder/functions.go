package binder

import (
	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// callUserTabularWith inlines a call of a let-defined function that
// returns a table. When first is not nil it is the function's first
// (tabular) argument, the piped input of `invoke`; the call's own
// arguments then fill the remaining parameters.
func (b *binder) callUserTabularWith(sc *scope, x *ast.CallExpr, bd *binding, first Node) Node {
	inner, ok := b.bindFnScope(sc, x, bd, first)
	if !ok {
		return nil
	}
	body := bd.fn.Body
	if len(body) == 0 {
		b.errorf(x.Pos, "function %s has an empty body", x.Fun.Name)
		return nil
	}
	for _, st := range body[:len(body)-1] {
		if l, ok := st.(*ast.LetStmt); ok {
			b.bindLet(inner, l)
		}
	}
	last, ok := body[len(body)-1].(*ast.ExprStmt)
	if !ok {
		b.errorf(x.Pos, "function %s does not end with an expression", x.Fun.Name)
		return nil
	}
	if !b.isTabular(inner, last.X) {
		b.errorf(x.Pos, "function %s returns a scalar, not a table", x.Fun.Name)
		return nil
	}
	return b.bindTabular(inner, last.X)
}

// bindFnScope binds a user function's arguments into a new scope whose
// parent is the function's defining scope. Tabular parameters take tables
// (checked against a declared schema `(a:long, ...)`, which the table must
// contain); a missing argument takes the parameter's default.
func (b *binder) bindFnScope(sc *scope, x *ast.CallExpr, bd *binding, first Node) (*scope, bool) {
	inner := bd.fnScope.child()
	params := bd.fn.Params
	args := x.Args
	offset := 0
	if first != nil {
		offset = 1
	}
	if len(args)+offset > len(params) {
		b.errorf(x.Pos, "%s takes %d arguments, got %d", x.Fun.Name, len(params), len(args)+offset)
		return nil, false
	}
	for i, p := range params {
		isTable := p.Type != nil && p.Type.Name == ""
		if i == 0 && first != nil {
			if !b.checkTableParam(x, p, first) {
				return nil, false
			}
			inner.names[p.Name.Name] = &binding{tabular: first}
			continue
		}
		var arg ast.Expr
		if j := i - offset; j < len(args) {
			arg = args[j]
			if n, ok := arg.(*ast.NamedExpr); ok && len(n.Names) == 1 {
				arg = n.X
			}
		} else if p.Default != nil {
			arg = p.Default
		} else {
			b.errorf(x.Pos, "%s: missing argument %s", x.Fun.Name, p.Name.Name)
			return nil, false
		}
		if isTable {
			n := b.bindTabular(sc, arg)
			if n == nil || !b.checkTableParam(x, p, n) {
				return nil, false
			}
			inner.names[p.Name.Name] = &binding{tabular: n}
			continue
		}
		e := b.bindScalar(sc, nil, arg)
		if isUnknown(e) {
			return nil, false
		}
		if p.Type != nil && p.Type.Name != "" {
			if want, ok := types.Parse(p.Type.Name); ok && !argFits(e.Type(), want) {
				b.errorf(arg.Span(), "%s: argument %s must be %s, got %s", x.Fun.Name, p.Name.Name, want, e.Type())
				return nil, false
			}
		}
		inner.names[p.Name.Name] = &binding{scalar: e}
	}
	return inner, true
}

// argFits reports whether a value of type got can be passed for a
// parameter of type want.
func argFits(got, want types.Type) bool {
	switch {
	case got == want, got == types.Null, got == types.Dynamic, want == types.Dynamic:
		return true
	case got.IsNumeric() && want.IsNumeric():
		return true
	case want == types.Guid && got == types.String:
		return true
	}
	return false
}

// checkTableParam checks a table passed for tabular parameter p: it must
// have every declared column, with a compatible type.
func (b *binder) checkTableParam(x *ast.CallExpr, p *ast.Param, n Node) bool {
	if p.Type == nil || p.Type.Name != "" {
		b.errorf(x.Pos, "%s: parameter %s is a scalar, but a table was given", x.Fun.Name, p.Name.Name)
		return false
	}
	s := n.Schema()
	for _, c := range p.Type.Columns {
		want := types.String
		if c.Type != nil {
			t, ok := types.Parse(c.Type.Name)
			if !ok {
				b.errorf(c.Type.Pos, "unknown type %s", c.Type.Name)
				return false
			}
			want = t
		}
		i := s.Index(c.Name.Name)
		if i < 0 {
			b.errorf(x.Pos, "%s: the table passed for %s has no column %s", x.Fun.Name, p.Name.Name, c.Name.Name)
			return false
		}
		if got := s[i].Type; got != want && !(got.IsNumeric() && want.IsNumeric()) {
			b.errorf(x.Pos, "%s: column %s of the table passed for %s is %s, not %s", x.Fun.Name, c.Name.Name, p.Name.Name, got, want)
			return false
		}
	}
	return true
}
