package binder

import (
	"path"
	"strconv"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/diag"
	"github.com/rmmhunt/rmmhunt/kql/token"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// bindTabular binds a tabular expression; nil on error (already reported).
func (b *binder) bindTabular(sc *scope, e ast.Expr) Node {
	switch x := e.(type) {
	case *ast.Ident:
		if bd := sc.lookup(x.Name); bd != nil {
			if bd.tabular != nil {
				return bd.tabular
			}
			if bd.failed {
				return nil
			}
			if bd.fn != nil {
				return b.callUserTabular(sc, &ast.CallExpr{Fun: x, Pos: x.Pos}, bd)
			}
			b.errorf(x.Pos, "%s is a scalar value, not a table", x.Name)
			return nil
		}
		return b.bindScan(x)
	case *ast.ParenExpr:
		return b.bindTabular(sc, x.X)
	case *ast.PipeExpr:
		in := b.bindTabular(sc, x.Source)
		if in == nil {
			// Still bind the operator's syntax-only parts? No: its names
			// would all be unknown. Stop here.
			return nil
		}
		before := len(b.diags.Errors())
		out := b.bindOperator(sc, in, x.Op)
		if out == nil && len(b.diags.Errors()) > before && keepsSchema(x.Op) {
			// The operator failed but its output has its input's schema:
			// go on with the input so that later operators are checked too
			// (the query does not run: Bind reports the errors).
			return in
		}
		return out
	case *ast.DatatableExpr:
		return b.bindDatatable(sc, x)
	case *ast.SourceOpExpr:
		return b.bindSourceOp(sc, x.Op)
	case *ast.CallExpr:
		switch x.Fun.Name {
		case "materialize":
			if len(x.Args) != 1 {
				b.errorf(x.Pos, "materialize takes one tabular argument")
				return nil
			}
			in := b.bindTabular(sc, x.Args[0])
			if in == nil {
				return nil
			}
			return &Materialize{Input: in}
		case "view":
			b.unsupported(x.Pos, "view is not supported here")
			return nil
		}
		if bd := sc.lookup(x.Fun.Name); bd != nil && bd.fn != nil {
			return b.callUserTabular(sc, x, bd)
		}
		if sc.lookup(x.Fun.Name) == nil && isDefenderFunction(x.Fun.Name) {
			if bd := b.defenderBinding(x.Fun.Name, x.Fun.Pos); bd != nil {
				return b.callUserTabular(sc, x, bd)
			}
			return nil
		}
		if x.Fun.Name == "_GetWatchlist" || x.Fun.Name == "_GetWatchlistAlias" {
			b.unsupported(x.Pos, "%s (Sentinel watchlists) is not supported yet", x.Fun.Name)
			return nil
		}
		if x.Fun.Name == "database" || x.Fun.Name == "cluster" || x.Fun.Name == "table" || x.Fun.Name == "workspace" {
			b.unsupported(x.Pos, "%s() references are not supported offline", x.Fun.Name)
			return nil
		}
		b.errorf(x.Fun.Pos, "%s is not a tabular function", x.Fun.Name)
		return nil
	case *ast.FuncLit:
		b.errorf(x.Pos, "a function literal is not a table")
		return nil
	}
	b.errorf(e.Span(), "expected a tabular expression")
	return nil
}

func (b *binder) callUserTabular(sc *scope, x *ast.CallExpr, bd *binding) Node {
	return b.callUserTabularWith(sc, x, bd, nil)
}

func (b *binder) bindScan(x *ast.Ident) Node {
	info, ok := b.cat.Table(x.Name)
	if !ok {
		msg := "unknown table or name " + x.Name
		if s := closestName(x.Name, b.cat.TableNames()); s != "" {
			msg += " (did you mean " + s + "?)"
		}
		b.errorf(x.Pos, "%s", msg)
		return nil
	}
	scan := &Scan{Table: info.Name, Pos: x.Pos}
	for _, f := range info.Columns {
		scan.Columns = append(scan.Columns, f)
		scan.Source = append(scan.Source, f.Name)
	}
	for alias, target := range info.Aliases {
		if b.mentioned[alias] {
			if i := info.Columns.Index(target); i >= 0 {
				scan.Columns = append(scan.Columns, table.Field{Name: alias, Type: info.Columns[i].Type})
				scan.Source = append(scan.Source, target)
			}
		}
	}
	for _, f := range info.Optional {
		if b.mentioned[f.Name] && scan.Columns.Index(f.Name) < 0 {
			scan.Columns = append(scan.Columns, f)
			scan.Source = append(scan.Source, f.Name)
		}
	}
	return scan
}

func (b *binder) bindDatatable(sc *scope, x *ast.DatatableExpr) Node {
	v := &Values{}
	for _, p := range x.Columns {
		t := types.String
		if p.Type != nil {
			tt, ok := types.Parse(p.Type.Name)
			if !ok {
				b.errorf(p.Type.Pos, "unknown type %s", p.Type.Name)
				return nil
			}
			t = tt
		}
		v.Columns = append(v.Columns, table.Field{Name: p.Name.Name, Type: t})
	}
	n := len(v.Columns)
	if n == 0 {
		b.errorf(x.Pos, "datatable needs at least one column")
		return nil
	}
	if len(x.Values)%n != 0 {
		b.errorf(x.Pos, "datatable has %d values, which is not a multiple of its %d columns", len(x.Values), n)
		return nil
	}
	for i := 0; i < len(x.Values); i += n {
		row := make([]types.Value, n)
		for j := 0; j < n; j++ {
			e := b.bindScalar(sc, nil, x.Values[i+j])
			c, ok := fold(e)
			if !ok {
				if !isUnknown(e) {
					b.errorf(x.Values[i+j].Span(), "datatable values must be constants")
				}
				return nil
			}
			cv, ok := convertConst(c, v.Columns[j].Type)
			if !ok {
				b.errorf(x.Values[i+j].Span(), "value %s does not fit column %s of type %s", c.String(), v.Columns[j].Name, v.Columns[j].Type)
				return nil
			}
			row[j] = cv
		}
		v.Rows = append(v.Rows, row)
	}
	return v
}

// convertConst converts a literal to column type t (datatable cells).
func convertConst(c types.Value, t types.Type) (types.Value, bool) {
	if c.Type == t {
		return c, true
	}
	if c.Null || c.Type == types.Null {
		return types.NullOf(t), true
	}
	switch {
	case t == types.Dynamic:
		return types.NewDynamic(c.ToDynamic()), true
	case t == types.Real && c.Type.IsInteger():
		return types.NewReal(float64(c.I)), true
	case t == types.Int && c.Type == types.Long:
		return types.Value{Type: types.Int, I: c.I}, true
	case t == types.Long && c.Type == types.Int:
		return types.Value{Type: types.Long, I: c.I}, true
	case t == types.Guid && c.Type == types.String:
		return types.NewGuid(strings.ToLower(c.S)), true
	}
	return c, false
}

func (b *binder) bindSourceOp(sc *scope, op ast.Operator) Node {
	switch x := op.(type) {
	case *ast.UnionOp:
		return b.bindUnion(sc, nil, x)
	case *ast.PrintOp:
		// print is a projection over a single row with no columns.
		base := &Values{Rows: [][]types.Value{{}}}
		row := &rowScope{}
		p := &Project{Input: base}
		ts := newTupleSplit(base)
		names := newNameSet()
		ok := true
		for i, c := range x.Columns {
			e, done, good := b.bindProjectItem(sc, row, c, p, ts, names)
			ok = ok && good
			if done {
				continue
			}
			name := ""
			if len(c.Names) > 0 {
				name = c.Names[0].Name
			} else {
				name = "print_" + strconv.Itoa(i)
			}
			t := e.Type()
			if t == types.Null {
				t = types.Dynamic
			}
			p.Exprs = append(p.Exprs, e)
			p.Columns = append(p.Columns, table.Field{Name: names.add(name), Type: t})
		}
		if !ok {
			return nil
		}
		p.Input = ts.input()
		return p
	case *ast.GenericOp:
		return b.bindSourceGeneric(sc, x)
	case *ast.RangeOp:
		return b.bindRange(sc, x)
	case *ast.EvaluateOp:
		return b.bindEvaluate(sc, nil, x)
	}
	b.unsupported(op.Span(), "this operator is not supported as a query source yet")
	return nil
}

// bindOperator binds one pipeline operator over input in.
func (b *binder) bindOperator(sc *scope, in Node, op ast.Operator) Node {
	out := b.bindOperator1(sc, in, op)
	if out != nil && !b.checkWindows(in, out) {
		return nil
	}
	return out
}

func (b *binder) bindOperator1(sc *scope, in Node, op ast.Operator) Node {
	row := &rowScope{schema: in.Schema()}
	switch x := op.(type) {
	case *ast.WhereOp:
		pred := b.bindScalar(sc, row, x.Pred)
		if isUnknown(pred) {
			return nil
		}
		if t := pred.Type(); t != types.Bool && t != types.Dynamic && t != types.Null {
			b.errorf(x.Pred.Span(), "where needs a bool predicate, but this is %s", t)
			return nil
		}
		return &Filter{Input: in, Pred: pred}
	case *ast.ProjectOp:
		return b.bindProject(sc, in, x)
	case *ast.SummarizeOp:
		return b.bindSummarize(sc, in, x)
	case *ast.TakeOp:
		n, ok := b.constLong(sc, x.N, "take")
		if !ok {
			return nil
		}
		return &Take{Input: in, N: n}
	case *ast.SortOp:
		keys, ok := b.bindSortKeys(sc, row, x.Keys)
		if !ok {
			return nil
		}
		return &Sort{Input: in, Keys: keys}
	case *ast.TopOp:
		n, ok := b.constLong(sc, x.N, "top")
		if !ok {
			return nil
		}
		keys, ok := b.bindSortKeys(sc, row, x.Keys)
		if !ok {
			return nil
		}
		return &Top{Input: in, N: n, Keys: keys}
	case *ast.CountOp:
		return &Count{Input: in}
	case *ast.DistinctOp:
		return b.bindDistinct(sc, in, x)
	case *ast.UnionOp:
		return b.bindUnion(sc, in, x)
	case *ast.JoinOp:
		return b.bindJoin(sc, in, x)
	case *ast.AsOp:
		if x.Name != nil {
			sc.names[x.Name.Name] = &binding{tabular: in}
		}
		return in
	case *ast.GenericOp:
		if x.Name == "render" {
			b.diags.Add(diag.Note, x.Pos, "render is accepted and ignored: rmmhunt prints tables, not charts")
			return in
		}
		return b.bindGenericOp(sc, in, x)
	case *ast.MvExpandOp:
		return b.bindMvExpand(sc, in, x)
	case *ast.ParseOp:
		return b.bindParse(sc, in, x)
	case *ast.InvokeOp:
		return b.bindInvoke(sc, in, x)
	case *ast.EvaluateOp:
		return b.bindEvaluate(sc, in, x)
	}
	b.unsupported(op.Span(), "this operator is not supported yet")
	return nil
}

func (b *binder) constLong(sc *scope, e ast.Expr, what string) (int64, bool) {
	v := b.bindScalar(sc, nil, e)
	if isUnknown(v) {
		return 0, false
	}
	c, ok := fold(v)
	if !ok || !c.Type.IsNumeric() {
		b.errorf(e.Span(), "%s needs a constant number of rows", what)
		return 0, false
	}
	n := c.I
	if c.Type.UsesReals() {
		n = int64(c.F)
	}
	if n < 0 {
		b.errorf(e.Span(), "%s needs a non-negative number of rows", what)
		return 0, false
	}
	return n, true
}

func (b *binder) bindSortKeys(sc *scope, row *rowScope, keys []*ast.SortKey) ([]SortKey, bool) {
	var out []SortKey
	ok := true
	for _, k := range keys {
		e := b.bindScalar(sc, row, k.X)
		if isUnknown(e) {
			ok = false
			continue
		}
		nullsFirst := !k.Desc
		switch k.Nulls {
		case "first":
			nullsFirst = true
		case "last":
			nullsFirst = false
		}
		out = append(out, SortKey{X: e, Desc: k.Desc, NullsFirst: nullsFirst})
	}
	return out, ok
}

// bindProject handles project, extend, project-away, project-keep,
// project-rename and project-reorder.
func (b *binder) bindProject(sc *scope, in Node, x *ast.ProjectOp) Node {
	inSchema := in.Schema()
	row := &rowScope{schema: inSchema}
	passAll := func(keep func(i int) bool) ([]Expr, table.Schema) {
		var exprs []Expr
		var cols table.Schema
		for i, f := range inSchema {
			if keep(i) {
				exprs = append(exprs, &ColumnRef{Index: i, Name: f.Name, T: f.Type})
				cols = append(cols, f)
			}
		}
		return exprs, cols
	}
	switch x.Kind {
	case "project":
		p := &Project{Input: in}
		ts := newTupleSplit(in)
		names := newNameSet()
		ok := true
		for _, c := range x.Columns {
			if id, isID := c.X.(*ast.Ident); isID && len(c.Names) == 0 && strings.Contains(id.Name, "*") {
				matched := false
				for i, f := range inSchema {
					if globMatch(id.Name, f.Name) {
						matched = true
						p.Exprs = append(p.Exprs, &ColumnRef{Index: i, Name: f.Name, T: f.Type, Pos: id.Pos})
						p.Columns = append(p.Columns, table.Field{Name: names.add(f.Name), Type: f.Type})
					}
				}
				if !matched {
					b.errorf(id.Pos, "no column matches %s", id.Name)
					ok = false
				}
				continue
			}
			e, done, good := b.bindProjectItem(sc, row, c, p, ts, names)
			ok = ok && good
			if done {
				continue
			}
			if len(c.Names) > 1 {
				b.errorf(c.Pos, "project assigns one name per expression")
				ok = false
				continue
			}
			name := names.forItem(c)
			p.Exprs = append(p.Exprs, e)
			p.Columns = append(p.Columns, table.Field{Name: name, Type: e.Type()})
		}
		if !ok {
			return nil
		}
		p.Input = ts.input()
		return p
	case "extend":
		cur := in
		for _, c := range x.Columns {
			cur = b.bindExtendOne(sc, cur, c)
			if cur == nil {
				return nil
			}
		}
		return cur
	case "project-away", "project-keep":
		drop := map[int]bool{}
		keepSet := map[int]bool{}
		for _, c := range x.Columns {
			pat := ""
			if id, ok := c.X.(*ast.Ident); ok {
				pat = id.Name
			} else {
				b.errorf(c.Pos, "%s takes column names or wildcard patterns", x.Kind)
				return nil
			}
			matched := false
			for i, f := range inSchema {
				if globMatch(pat, f.Name) {
					matched = true
					drop[i] = true
					keepSet[i] = true
				}
			}
			if !matched && !strings.Contains(pat, "*") {
				b.errorf(c.Pos, "unknown column %s%s", pat, suggestColumn(pat, inSchema, nil))
				return nil
			}
		}
		var exprs []Expr
		var cols table.Schema
		if x.Kind == "project-away" {
			exprs, cols = passAll(func(i int) bool { return !drop[i] })
		} else {
			exprs, cols = passAll(func(i int) bool { return keepSet[i] })
		}
		return &Project{Input: in, Exprs: exprs, Columns: cols}
	case "project-rename":
		exprs, cols := passAll(func(int) bool { return true })
		for _, c := range x.Columns {
			id, ok := c.X.(*ast.Ident)
			if !ok || len(c.Names) != 1 {
				b.errorf(c.Pos, "project-rename takes NewName = ExistingName")
				return nil
			}
			i := inSchema.Index(id.Name)
			if i < 0 {
				b.errorf(id.Pos, "unknown column %s%s", id.Name, suggestColumn(id.Name, inSchema, nil))
				return nil
			}
			cols[i].Name = c.Names[0].Name
		}
		return &Project{Input: in, Exprs: exprs, Columns: cols}
	case "project-reorder":
		var order []int
		used := map[int]bool{}
		for _, c := range x.Columns {
			id, ok := c.X.(*ast.Ident)
			if !ok {
				b.errorf(c.Pos, "project-reorder takes column names or patterns")
				return nil
			}
			var matched []int
			named := false // the name is a column, perhaps listed already
			for i, f := range inSchema {
				if globMatch(id.Name, f.Name) {
					named = true
					if !used[i] {
						matched = append(matched, i)
					}
				}
			}
			if !named && !strings.Contains(id.Name, "*") {
				b.errorf(id.Pos, "unknown column %s%s", id.Name, suggestColumn(id.Name, inSchema, nil))
				return nil
			}
			for _, i := range matched {
				used[i] = true
				order = append(order, i)
			}
		}
		for i := range inSchema {
			if !used[i] {
				order = append(order, i)
			}
		}
		p := &Project{Input: in}
		for _, i := range order {
			f := inSchema[i]
			p.Exprs = append(p.Exprs, &ColumnRef{Index: i, Name: f.Name, T: f.Type})
			p.Columns = append(p.Columns, f)
		}
		return p
	}
	b.unsupported(x.Pos, "the %s operator is not supported yet", x.Kind)
	return nil
}

// bindExtendOne binds one extend column over in: a named column that exists
// is replaced in place; otherwise the column is appended.
func (b *binder) bindExtendOne(sc *scope, in Node, c *ast.NamedExpr) Node {
	inSchema := in.Schema()
	row := &rowScope{schema: inSchema}
	b.tupleOK = true
	e := b.bindScalar(sc, row, c.X)
	if isUnknown(e) {
		return nil
	}
	if call, isTuple := asTupleCall(e); isTuple {
		return b.extendTuple(in, c, call)
	}
	if len(c.Names) > 1 {
		b.errorf(c.Pos, "extend (%s, ...) = expression: only a function that returns several columns can be assigned to several names", c.Names[0].Name)
		return nil
	}
	t := e.Type()
	if t == types.Null {
		t = types.Dynamic
	}
	p := &Project{Input: in}
	names := newNameSet()
	for i, f := range inSchema {
		names.add(f.Name)
		p.Exprs = append(p.Exprs, &ColumnRef{Index: i, Name: f.Name, T: f.Type})
		p.Columns = append(p.Columns, f)
	}
	if len(c.Names) == 1 {
		name := c.Names[0].Name
		if i := inSchema.Index(name); i >= 0 {
			p.Exprs[i] = e
			p.Columns[i] = table.Field{Name: name, Type: t}
			return p
		}
		p.Exprs = append(p.Exprs, e)
		p.Columns = append(p.Columns, table.Field{Name: names.add(name), Type: t})
		return p
	}
	name := exprName(c.X)
	if name == "" {
		name = names.generated()
	} else {
		name = names.add(name)
	}
	p.Exprs = append(p.Exprs, e)
	p.Columns = append(p.Columns, table.Field{Name: name, Type: t})
	return p
}

// extendTuple binds an extend item whose expression is a tuple-valued
// call: each kept output replaces the column of its name, or is appended.
func (b *binder) extendTuple(in Node, c *ast.NamedExpr, call *Call) Node {
	inSchema := in.Schema()
	ts := newTupleSplit(in)
	cols, ok := b.tupleColumns(c, call, ts.add(call), false)
	if !ok {
		return nil
	}
	p := &Project{Input: ts.input()}
	names := newNameSet()
	for i, f := range inSchema {
		names.add(f.Name)
		p.Exprs = append(p.Exprs, &ColumnRef{Index: i, Name: f.Name, T: f.Type})
		p.Columns = append(p.Columns, f)
	}
	for _, tc := range cols {
		if len(c.Names) > 0 {
			if i := p.Columns.Index(tc.Name); i >= 0 {
				p.Exprs[i] = tc.X
				p.Columns[i] = table.Field{Name: tc.Name, Type: tc.T}
				continue
			}
		}
		p.Exprs = append(p.Exprs, tc.X)
		p.Columns = append(p.Columns, table.Field{Name: names.add(tc.Name), Type: tc.T})
	}
	return p
}

func globMatch(pattern, name string) bool {
	if !strings.Contains(pattern, "*") {
		return pattern == name
	}
	ok, err := path.Match(pattern, name)
	return err == nil && ok
}

func (b *binder) bindDistinct(sc *scope, in Node, x *ast.DistinctOp) Node {
	inSchema := in.Schema()
	row := &rowScope{schema: inSchema}
	d := &Distinct{Input: in}
	if len(x.Columns) == 1 {
		if _, star := x.Columns[0].X.(*ast.StarExpr); star {
			for i, f := range inSchema {
				if f.Type == types.Dynamic {
					b.errorf(x.Pos, "distinct * cannot use the dynamic column %s; convert it with tostring()", f.Name)
					return nil
				}
				d.Exprs = append(d.Exprs, &ColumnRef{Index: i, Name: f.Name, T: f.Type})
				d.Columns = append(d.Columns, f)
			}
			return d
		}
	}
	names := newNameSet()
	for _, c := range x.Columns {
		e := b.bindScalar(sc, row, c.X)
		if isUnknown(e) {
			return nil
		}
		if e.Type() == types.Dynamic {
			b.errorf(c.Pos, "distinct cannot use a dynamic value; convert it with tostring()")
			return nil
		}
		name := names.forItem(c)
		d.Exprs = append(d.Exprs, e)
		d.Columns = append(d.Columns, table.Field{Name: name, Type: e.Type()})
	}
	return d
}

// spanOf is a helper for operators without their own span.
func spanOf(n ast.Node) token.Span {
	if n == nil {
		return token.Span{Start: token.NoPos}
	}
	return n.Span()
}

// keepsSchema reports whether an operator's output schema is its input's, so
// that binding can continue past it when it fails.
func keepsSchema(op ast.Operator) bool {
	switch op.(type) {
	case *ast.WhereOp, *ast.SortOp, *ast.TakeOp, *ast.TopOp:
		return true
	}
	return false
}
