package binder

import (
	"strconv"

	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/builtins"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// bindSummarize binds `summarize Aggs by Keys`. The output has the keys
// first, then the aggregate columns, in source order.
func (b *binder) bindSummarize(sc *scope, in Node, x *ast.SummarizeOp) Node {
	inSchema := in.Schema()
	row := &rowScope{schema: inSchema}
	s := &Summarize{Input: in}
	names := newNameSet()
	ok := true

	// Keys.
	var keyNames []string
	for _, k := range x.By {
		e := b.bindScalar(sc, row, k.X)
		if isUnknown(e) {
			ok = false
			continue
		}
		if e.Type() == types.Dynamic {
			b.errorf(k.Pos, "summarize cannot group by a dynamic value; convert it with tostring()")
			ok = false
			continue
		}
		name := names.forItem(k)
		t := e.Type()
		if t == types.Null {
			t = types.String
		}
		s.Keys = append(s.Keys, e)
		s.Inter = append(s.Inter, table.Field{Name: name, Type: t})
		keyNames = append(keyNames, name)
	}

	// Aggregates. Each item is either an aggregate call, or scalar code
	// around aggregate calls (sum(x) / count()).
	type item struct {
		direct bool
		aggIdx int      // direct: index into s.Aggs
		expr   ast.Expr // wrapped: the rewritten expression
		names  []string // final names (wrapped: one)
	}
	var items []item
	hidden := 0
	for _, a := range x.Aggs {
		if call, isCall := unparen(a.X).(*ast.CallExpr); isCall && isAggregateCall(sc, call) {
			agg, cols := b.bindAgg(sc, row, call, keyNames)
			if agg == nil {
				ok = false
				continue
			}
			var finalNames []string
			for i, c := range cols {
				name := c.Name
				if i < len(a.Names) {
					name = a.Names[i].Name
				}
				finalNames = append(finalNames, names.add(name))
				s.Inter = append(s.Inter, table.Field{Name: finalNames[i], Type: c.Type})
			}
			if len(a.Names) > len(cols) {
				b.errorf(a.Pos, "%d names given for %d columns", len(a.Names), len(cols))
				ok = false
			}
			s.Aggs = append(s.Aggs, agg)
			items = append(items, item{direct: true, aggIdx: len(s.Aggs) - 1, names: finalNames})
			continue
		}
		// Wrapped aggregates: replace each aggregate call by a hidden column.
		found := false
		rewritten := rewriteAggs(a.X, func(call *ast.CallExpr) ast.Expr {
			if !isAggregateCall(sc, call) {
				return nil
			}
			found = true
			agg, cols := b.bindAgg(sc, row, call, keyNames)
			if agg == nil {
				ok = false
				return &ast.Ident{Name: "\x00failed", Pos: call.Pos}
			}
			if len(cols) != 1 {
				b.errorf(call.Pos, "%s produces several columns and cannot be used inside an expression", call.Fun.Name)
				ok = false
				return &ast.Ident{Name: "\x00failed", Pos: call.Pos}
			}
			hidden++
			hn := "\x00agg" + strconv.Itoa(hidden)
			s.Aggs = append(s.Aggs, agg)
			s.Inter = append(s.Inter, table.Field{Name: hn, Type: cols[0].Type})
			return &ast.Ident{Name: hn, Pos: call.Pos}
		})
		if !found {
			if ok {
				b.errorf(a.Pos, "summarize needs an aggregate function here (such as count() or make_set(x))")
			}
			ok = false
			continue
		}
		name := names.forItem(a)
		items = append(items, item{expr: rewritten, names: []string{name}})
	}
	if !ok {
		return nil
	}

	// Output columns. Without wrapped items the output is Inter.
	wrapped := false
	for _, it := range items {
		if !it.direct {
			wrapped = true
		}
	}
	if !wrapped {
		s.Columns = s.Inter
		return s
	}
	interRow := &rowScope{schema: s.Inter}
	for i := range s.Keys {
		f := s.Inter[i]
		s.Post = append(s.Post, &ColumnRef{Index: i, Name: f.Name, T: f.Type})
		s.Columns = append(s.Columns, f)
	}
	for _, it := range items {
		if it.direct {
			for _, n := range it.names {
				i := s.Inter.Index(n)
				f := s.Inter[i]
				s.Post = append(s.Post, &ColumnRef{Index: i, Name: f.Name, T: f.Type})
				s.Columns = append(s.Columns, f)
			}
			continue
		}
		e := b.bindScalar(sc, interRow, it.expr)
		if isUnknown(e) {
			return nil
		}
		t := e.Type()
		if t == types.Null {
			t = types.Dynamic
		}
		s.Post = append(s.Post, e)
		s.Columns = append(s.Columns, table.Field{Name: it.names[0], Type: t})
	}
	return s
}

func unparen(e ast.Expr) ast.Expr {
	for {
		p, ok := e.(*ast.ParenExpr)
		if !ok {
			return e
		}
		e = p.X
	}
}

func isAggregateCall(sc *scope, call *ast.CallExpr) bool {
	if bd := sc.lookup(call.Fun.Name); bd != nil && bd.fn != nil {
		return false
	}
	f, ok := builtins.Lookup(call.Fun.Name)
	if !ok || f.Kind != builtins.Aggregate {
		return false
	}
	// hll_merge(a, b) is the scalar function of the same name.
	if f.ScalarForm != nil && f.MaxArgs >= 0 && len(call.Args) > f.MaxArgs {
		return false
	}
	return true
}

// rewriteAggs returns a copy of e where every call for which repl returns a
// non-nil expression is replaced by it.
func rewriteAggs(e ast.Expr, repl func(*ast.CallExpr) ast.Expr) ast.Expr {
	switch x := e.(type) {
	case *ast.CallExpr:
		if r := repl(x); r != nil {
			return r
		}
		c := *x
		c.Args = make([]ast.Expr, len(x.Args))
		for i, a := range x.Args {
			c.Args[i] = rewriteAggs(a, repl)
		}
		return &c
	case *ast.BinaryExpr:
		c := *x
		c.X = rewriteAggs(x.X, repl)
		c.Y = rewriteAggs(x.Y, repl)
		return &c
	case *ast.UnaryExpr:
		c := *x
		c.X = rewriteAggs(x.X, repl)
		return &c
	case *ast.ParenExpr:
		c := *x
		c.X = rewriteAggs(x.X, repl)
		return &c
	case *ast.SelectorExpr:
		c := *x
		c.X = rewriteAggs(x.X, repl)
		return &c
	case *ast.IndexExpr:
		c := *x
		c.X = rewriteAggs(x.X, repl)
		c.Index = rewriteAggs(x.Index, repl)
		return &c
	case *ast.InExpr:
		c := *x
		c.X = rewriteAggs(x.X, repl)
		c.List = make([]ast.Expr, len(x.List))
		for i, a := range x.List {
			c.List[i] = rewriteAggs(a, repl)
		}
		return &c
	case *ast.BetweenExpr:
		c := *x
		c.X = rewriteAggs(x.X, repl)
		c.Lo = rewriteAggs(x.Lo, repl)
		c.Hi = rewriteAggs(x.Hi, repl)
		return &c
	}
	return e
}

// bindAgg binds one aggregate call. It returns the call and the default
// names and types of the columns it produces.
func (b *binder) bindAgg(sc *scope, row *rowScope, x *ast.CallExpr, keyNames []string) (*AggCall, table.Schema) {
	f, ok := builtins.Lookup(x.Fun.Name)
	if !ok {
		b.unsupported(x.Fun.Pos, "aggregate function %s is not supported yet", x.Fun.Name)
		return nil, nil
	}
	if f.Unsupported {
		reportUnsupportedFunc(b, x, f)
		return nil, nil
	}
	if !b.checkArity(f, x) {
		return nil, nil
	}
	name := f.CanonicalName()
	agg := &AggCall{Name: name, Pos: x.Pos, Columns: 1}
	if name == "make_set" && x.Fun.Name == "makeset" || name == "make_list" && x.Fun.Name == "makelist" {
		agg.Name = name + "_legacy" // default size limit 128
	}
	// arg_max/arg_min: the first argument is the value to maximise, the
	// rest (or *) are the columns returned.
	if name == "arg_max" || name == "arg_min" {
		return b.bindArgMax(sc, row, x, f, agg, keyNames)
	}
	if name == "take_any" && len(x.Args) == 1 {
		if _, star := x.Args[0].(*ast.StarExpr); star {
			// take_any(*): every column but the group keys, all from the
			// same row, under their own names.
			keys := map[string]bool{}
			for _, k := range keyNames {
				keys[k] = true
			}
			var cols table.Schema
			for i, c := range row.schema {
				if keys[c.Name] {
					continue
				}
				agg.Args = append(agg.Args, &ColumnRef{Index: i, Name: c.Name, T: c.Type, Pos: x.Args[0].Span()})
				cols = append(cols, c)
			}
			if len(cols) == 0 {
				b.errorf(x.Args[0].Span(), "take_any(*): every column is a group key")
				return nil, nil
			}
			agg.Columns = len(cols)
			agg.T = cols[0].Type
			return agg, cols
		}
	}
	if name == "take_any" && len(x.Args) > 1 {
		var cols table.Schema
		for _, a := range x.Args {
			if _, star := a.(*ast.StarExpr); star {
				b.errorf(a.Span(), "take_any takes * alone or a list of expressions")
				return nil, nil
			}
			e := b.bindScalar(sc, row, a)
			if isUnknown(e) {
				return nil, nil
			}
			agg.Args = append(agg.Args, e)
			n := exprName(a)
			if n == "" {
				n = "any_"
			}
			cols = append(cols, table.Field{Name: n, Type: e.Type()})
		}
		agg.Columns = len(cols)
		agg.T = cols[0].Type
		return agg, cols
	}
	var argTypes []types.Type
	for i, a := range x.Args {
		if _, star := a.(*ast.StarExpr); star {
			b.errorf(a.Span(), "%s does not take *", x.Fun.Name)
			return nil, nil
		}
		e := b.bindScalar(sc, row, a)
		if isUnknown(e) {
			return nil, nil
		}
		if k := f.ArgKindAt(i); !k.Accepts(e.Type()) {
			b.errorf(a.Span(), "argument %d of %s must be %s, got %s", i+1, x.Fun.Name, k, e.Type())
			return nil, nil
		}
		agg.Args = append(agg.Args, e)
		argTypes = append(argTypes, e.Type())
	}
	switch name {
	case "countif", "dcountif", "sumif", "avgif", "minif", "maxif", "make_set_if", "make_list_if":
		pi := 1
		if name == "countif" {
			pi = 0
		}
		if pi < len(argTypes) && argTypes[pi] != types.Bool && argTypes[pi] != types.Dynamic && argTypes[pi] != types.Null {
			b.errorf(x.Args[pi].Span(), "the condition of %s must be bool, got %s", x.Fun.Name, argTypes[pi])
			return nil, nil
		}
	case "sum", "avg", "stdev", "variance":
		if t := argTypes[0]; !t.IsNumeric() && t != types.Dynamic && t != types.Null && !(t == types.Timespan && (name == "sum" || name == "avg")) {
			b.errorf(x.Args[0].Span(), "%s needs a number, got %s", x.Fun.Name, t)
			return nil, nil
		}
	case "min", "max", "percentile", "percentiles", "percentiles_array", "percentilew", "percentilesw", "percentilesw_array":
		if argTypes[0] == types.Dynamic {
			b.errorf(x.Args[0].Span(), "%s cannot order dynamic values; convert the argument first", x.Fun.Name)
			return nil, nil
		}
	}
	// Size limits, accuracies and percentiles must be constants; they are
	// folded so that the engine reads them from Const nodes.
	if first := constAggArgs(name); first > 0 {
		for i := first; i < len(agg.Args); i++ {
			c, ok := fold(agg.Args[i])
			if !ok {
				b.errorf(agg.Args[i].Span(), "argument %d of %s must be a constant", i+1, x.Fun.Name)
				return nil, nil
			}
			agg.Args[i] = &Const{V: c, Pos: agg.Args[i].Span()}
		}
	}
	t, err := f.Result(argTypes)
	if err != nil {
		b.errorf(x.Pos, "%s %v", x.Fun.Name, err)
		return nil, nil
	}
	if t == types.Null {
		t = types.Dynamic
	}
	agg.T = t
	switch name {
	case "percentile", "percentiles", "percentilew", "percentilesw":
		return b.percentileColumns(x, agg, t)
	}
	return agg, table.Schema{{Name: aggName(x, f), Type: t}}
}

// constAggArgs returns the position of an aggregate's first argument that
// must be constant (all following ones too), or 0 when there is none.
func constAggArgs(name string) int {
	switch name {
	case "make_set", "make_set_legacy", "make_list", "make_list_legacy", "make_list_with_nulls", "make_bag", "dcount",
		"hll", "percentile", "percentiles", "percentiles_array":
		return 1
	case "make_set_if", "make_list_if", "make_bag_if", "dcountif", "hll_if", "percentilew", "percentilesw", "percentilesw_array":
		return 2
	}
	return 0
}

// percentileColumns names the columns of percentile(s)(w): one column
// percentile_<value>_<p> per requested percentile, where <p> is the literal
// with characters not valid in a name replaced by _ (99.5 gives 99_5).
func (b *binder) percentileColumns(x *ast.CallExpr, agg *AggCall, t types.Type) (*AggCall, table.Schema) {
	first := 1
	if agg.Name == "percentilew" || agg.Name == "percentilesw" {
		first = 2
	}
	value := exprName(x.Args[0])
	var cols table.Schema
	for i := first; i < len(agg.Args); i++ {
		c := agg.Args[i].(*Const).V
		if c.Null || !c.Type.IsNumeric() {
			b.errorf(agg.Args[i].Span(), "a percentile must be a number")
			return nil, nil
		}
		p := c.AsFloat()
		if p < 0 || p > 100 {
			b.errorf(agg.Args[i].Span(), "a percentile must be between 0 and 100, got %s", c.String())
			return nil, nil
		}
		cols = append(cols, table.Field{Name: "percentile_" + value + "_" + nameFragment(c.String()), Type: t})
	}
	agg.Columns = len(cols)
	return agg, cols
}

// nameFragment replaces the characters of s that cannot appear in a column
// name with underscores.
func nameFragment(s string) string {
	out := []byte(s)
	for i, c := range out {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			out[i] = '_'
		}
	}
	return string(out)
}

func (b *binder) bindArgMax(sc *scope, row *rowScope, x *ast.CallExpr, f *builtins.Func, agg *AggCall, keyNames []string) (*AggCall, table.Schema) {
	primary := b.bindScalar(sc, row, x.Args[0])
	if isUnknown(primary) {
		return nil, nil
	}
	if primary.Type() == types.Dynamic {
		b.errorf(x.Args[0].Span(), "%s cannot order dynamic values; convert the argument first", x.Fun.Name)
		return nil, nil
	}
	// The deprecated argmax/argmin name the returned columns after the
	// maximised one: argmax(Timestamp, Name) gives Timestamp, Timestamp_Name.
	deprecated := x.Fun.Name == "argmax" || x.Fun.Name == "argmin"
	agg.Args = []Expr{primary}
	agg.T = primary.Type()
	primaryName := exprName(x.Args[0])
	first := aggName(x, f)
	if deprecated && primaryName != "" {
		first = primaryName
	}
	cols := table.Schema{{Name: first, Type: primary.Type()}}
	skip := map[string]bool{}
	for _, k := range keyNames {
		skip[k] = true
	}
	if primaryName != "" {
		skip[primaryName] = true
	}
	returned := func(n string) string {
		if deprecated {
			return first + "_" + n
		}
		return n
	}
	for i, a := range x.Args[1:] {
		if _, star := a.(*ast.StarExpr); star {
			for j, fld := range row.schema {
				if skip[fld.Name] {
					continue
				}
				skip[fld.Name] = true
				agg.Extra = append(agg.Extra, &ColumnRef{Index: j, Name: fld.Name, T: fld.Type})
				cols = append(cols, table.Field{Name: returned(fld.Name), Type: fld.Type})
			}
			continue
		}
		e := b.bindScalar(sc, row, a)
		if isUnknown(e) {
			return nil, nil
		}
		n := exprName(a)
		switch {
		case n != "":
			n = returned(n)
		case deprecated:
			n = first + "_arg" + strconv.Itoa(i+1)
		default:
			n = f.Prefix + "_" + primaryName + "_arg" + strconv.Itoa(i+1)
		}
		agg.Extra = append(agg.Extra, e)
		cols = append(cols, table.Field{Name: n, Type: e.Type()})
	}
	agg.Columns = len(cols)
	return agg, cols
}
