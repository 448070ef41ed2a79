package binder

import (
	"strconv"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

func paramWord(p *ast.OpParam) string {
	switch v := p.Value.(type) {
	case *ast.Ident:
		return v.Name
	case *ast.BasicLit:
		return v.Value
	}
	return ""
}

// bindUnion binds `union` (in is the piped input, or nil for a source union).
func (b *binder) bindUnion(sc *scope, in Node, x *ast.UnionOp) Node {
	kind := "outer"
	fuzzy := false
	withSource := ""
	for _, p := range x.Params {
		switch strings.ToLower(p.Name) {
		case "kind":
			kind = paramWord(p)
			if kind != "inner" && kind != "outer" {
				b.errorf(p.Pos, "union kind must be inner or outer, got %s", kind)
				return nil
			}
		case "isfuzzy":
			fuzzy = strings.EqualFold(paramWord(p), "true")
		case "withsource":
			withSource = paramWord(p)
		default:
			if !strings.HasPrefix(p.Name, "hint.") {
				b.diags.Warnf(p.Pos, "union parameter %s ignored", p.Name)
			}
		}
	}
	u := &Union{}
	var legNames []string
	if in != nil {
		u.Inputs = append(u.Inputs, in)
		legNames = append(legNames, "union_arg0")
	}
	for _, t := range x.Tables {
		if id, ok := t.(*ast.Ident); ok && strings.Contains(id.Name, "*") {
			matched := false
			for _, name := range b.cat.TableNames() {
				if globMatch(id.Name, name) {
					matched = true
					n := b.bindScan(&ast.Ident{Name: name, Pos: id.Pos})
					u.Inputs = append(u.Inputs, n)
					legNames = append(legNames, name)
				}
			}
			if !matched && !fuzzy {
				b.errorf(id.Pos, "no table matches %s", id.Name)
				return nil
			}
			continue
		}
		if id, ok := t.(*ast.Ident); ok && fuzzy && sc.lookup(id.Name) == nil {
			if _, exists := b.cat.Table(id.Name); !exists {
				continue
			}
		}
		n := b.bindTabular(sc, t)
		if n == nil {
			return nil
		}
		u.Inputs = append(u.Inputs, n)
		if id, ok := t.(*ast.Ident); ok {
			legNames = append(legNames, id.Name)
		} else {
			legNames = append(legNames, "union_arg"+strconv.Itoa(len(legNames)))
		}
	}
	if len(u.Inputs) == 0 {
		b.errorf(x.Pos, "union has no table to read")
		return nil
	}
	// Column unification: by name; a name seen with several types becomes
	// one column per type, named name_type.
	typesOf := map[string][]types.Type{}
	var order []string
	for _, n := range u.Inputs {
		for _, f := range n.Schema() {
			ts, seen := typesOf[f.Name]
			if !seen {
				order = append(order, f.Name)
			}
			has := false
			for _, t := range ts {
				if t == f.Type {
					has = true
				}
			}
			if !has {
				typesOf[f.Name] = append(ts, f.Type)
			}
		}
	}
	type outCol struct {
		name string
		src  string
		t    types.Type
	}
	var cols []outCol
	for _, name := range order {
		ts := typesOf[name]
		if len(ts) == 1 {
			cols = append(cols, outCol{name, name, ts[0]})
			continue
		}
		for _, t := range ts {
			cols = append(cols, outCol{name + "_" + t.String(), name, t})
		}
	}
	if kind == "inner" {
		var kept []outCol
		for _, c := range cols {
			all := true
			for _, n := range u.Inputs {
				i := n.Schema().Index(c.src)
				if i < 0 || n.Schema()[i].Type != c.t {
					all = false
				}
			}
			if all {
				kept = append(kept, c)
			}
		}
		cols = kept
	}
	if withSource != "" {
		u.SourceCol = true
		u.SourceName = legNames
		u.Columns = append(u.Columns, table.Field{Name: withSource, Type: types.String})
	}
	for _, c := range cols {
		u.Columns = append(u.Columns, table.Field{Name: c.name, Type: c.t})
	}
	for _, n := range u.Inputs {
		s := n.Schema()
		m := make([]int, len(cols))
		for j, c := range cols {
			m[j] = -1
			if i := s.Index(c.src); i >= 0 && s[i].Type == c.t {
				m[j] = i
			}
		}
		u.Map = append(u.Map, m)
	}
	return u
}

var joinKinds = map[string]string{
	"innerunique": "innerunique", "inner": "inner", "leftouter": "leftouter", "rightouter": "rightouter",
	"fullouter": "fullouter", "outer": "leftouter", "leftsemi": "leftsemi", "leftanti": "leftanti",
	"anti": "leftanti", "leftantisemi": "leftanti", "rightsemi": "rightsemi", "rightanti": "rightanti",
	"rightantisemi": "rightanti", "semi": "leftsemi",
}

// bindJoin binds join and lookup.
func (b *binder) bindJoin(sc *scope, left Node, x *ast.JoinOp) Node {
	kind := "innerunique"
	if x.Lookup {
		kind = "leftouter"
	}
	for _, p := range x.Params {
		switch {
		case p.Name == "kind":
			k, ok := joinKinds[paramWord(p)]
			if !ok {
				b.errorf(p.Pos, "unknown join kind %s", paramWord(p))
				return nil
			}
			if x.Lookup && k != "leftouter" && k != "inner" {
				b.errorf(p.Pos, "lookup supports kind=leftouter or kind=inner, not %s", paramWord(p))
				return nil
			}
			kind = k
		case strings.HasPrefix(p.Name, "hint."), p.Name == "withsource":
		default:
			b.diags.Warnf(p.Pos, "join parameter %s ignored", p.Name)
		}
	}
	right := b.bindTabular(sc, x.Right)
	if right == nil {
		return nil
	}
	ls, rs := left.Schema(), right.Schema()
	j := &Join{Kind: kind, Left: left, Right: right}
	rightKeyCols := map[int]bool{}
	for _, cond := range joinConds(x.On) {
		switch c := cond.(type) {
		case *ast.Ident:
			li, ri := ls.Index(c.Name), rs.Index(c.Name)
			if li < 0 || ri < 0 {
				side := "left"
				if li >= 0 {
					side = "right"
				}
				b.errorf(c.Pos, "join key %s is not a column of the %s side", c.Name, side)
				return nil
			}
			j.LeftKeys = append(j.LeftKeys, &ColumnRef{Index: li, Name: c.Name, T: ls[li].Type, Pos: c.Pos})
			j.RightKeys = append(j.RightKeys, &ColumnRef{Index: ri, Name: c.Name, T: rs[ri].Type, Pos: c.Pos})
			rightKeyCols[ri] = true
		case *ast.BinaryExpr:
			if c.Op != "==" {
				b.errorf(c.OpPos, "join conditions must be equalities (==), got %s", c.Op)
				return nil
			}
			l, lside := b.joinSide(c.X, ls, rs)
			r, rside := b.joinSide(c.Y, ls, rs)
			if l == nil || r == nil {
				return nil
			}
			if lside == rside {
				b.errorf(c.Span(), "a join condition compares $left with $right")
				return nil
			}
			if lside == "right" {
				l, r = r, l
			}
			j.LeftKeys = append(j.LeftKeys, l)
			j.RightKeys = append(j.RightKeys, r)
			if cr, ok := r.(*ColumnRef); ok && x.Lookup {
				rightKeyCols[cr.Index] = true
			}
		default:
			b.errorf(cond.Span(), "unsupported join condition")
			return nil
		}
	}
	if len(j.LeftKeys) == 0 {
		b.errorf(x.Pos, "join needs an on clause")
		return nil
	}
	for i := range j.LeftKeys {
		lt, rt := j.LeftKeys[i].Type(), j.RightKeys[i].Type()
		if lt != rt && !(lt.IsNumeric() && rt.IsNumeric()) {
			b.errorf(j.LeftKeys[i].Span(), "join keys have different types: %s and %s", lt, rt)
			return nil
		}
	}
	names := newNameSet()
	addLeft := func() {
		for i, f := range ls {
			j.LeftCols = append(j.LeftCols, i)
			j.Columns = append(j.Columns, table.Field{Name: names.add(f.Name), Type: f.Type})
		}
	}
	addRight := func(skipKeys bool) {
		for i, f := range rs {
			if skipKeys && rightKeyCols[i] {
				continue
			}
			j.RightCols = append(j.RightCols, i)
			j.Columns = append(j.Columns, table.Field{Name: names.add(f.Name), Type: f.Type})
		}
	}
	switch kind {
	case "leftsemi", "leftanti":
		addLeft()
	case "rightsemi", "rightanti":
		addRight(false)
	default:
		addLeft()
		addRight(x.Lookup)
	}
	return j
}

// joinSide binds $left.X or $right.Y and says which side it is.
func (b *binder) joinSide(e ast.Expr, ls, rs table.Schema) (Expr, string) {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		b.errorf(e.Span(), "join conditions compare $left.Column with $right.Column")
		return nil, ""
	}
	d, ok := sel.X.(*ast.DollarIdent)
	if !ok {
		b.errorf(e.Span(), "join conditions compare $left.Column with $right.Column")
		return nil, ""
	}
	s := ls
	if d.Name == "right" {
		s = rs
	} else if d.Name != "left" {
		b.errorf(d.Pos, "expected $left or $right, got $%s", d.Name)
		return nil, ""
	}
	i := s.Index(sel.Sel.Name)
	if i < 0 {
		b.errorf(sel.Sel.Pos, "unknown column %s on the %s side of the join%s", sel.Sel.Name, d.Name, suggestColumn(sel.Sel.Name, s, nil))
		return nil, ""
	}
	return &ColumnRef{Index: i, Name: sel.Sel.Name, T: s[i].Type, Pos: sel.Pos}, d.Name
}

// joinConds flattens join conditions: parentheses are dropped and
// conditions joined with `and` are split.
func joinConds(on []ast.Expr) []ast.Expr {
	var out []ast.Expr
	var add func(e ast.Expr)
	add = func(e ast.Expr) {
		switch x := e.(type) {
		case *ast.ParenExpr:
			add(x.X)
		case *ast.BinaryExpr:
			if x.Op == "and" {
				add(x.X)
				add(x.Y)
				return
			}
			out = append(out, x)
		default:
			out = append(out, e)
		}
	}
	for _, e := range on {
		add(e)
	}
	return out
}
