package engine

import (
	"reflect"

	"github.com/rmmhunt/rmmhunt/kql/binder"
)

// NeededColumns reports, for every Scan of a bound tree, which of its
// columns the query reads (a nil mask, or a Scan left out of the map, means
// every column). Callers that serve a query's scans themselves, such as a
// scan shared by several rules, use it to decode only those columns.
func NeededColumns(root binder.Node) map[*binder.Scan][]bool { return planProjection(root) }

// planProjection finds, before a run starts, which columns of every Scan
// some consumer reads, so that a Source can skip decoding the others (see
// ScanRequest.Needed). An operator it does not model asks for every column
// of its inputs, so the analysis is always safe.
func planProjection(root binder.Node) map[*binder.Scan][]bool {
	p := &projectionWalk{needs: map[*binder.Scan][]bool{}, all: map[*binder.Scan]bool{}, opaque: map[binder.Node]bool{}}
	p.node(root, nil)
	out := map[*binder.Scan][]bool{}
	for s, mask := range p.needs {
		if p.all[s] {
			continue
		}
		out[s] = mask
	}
	return out
}

type projectionWalk struct {
	needs map[*binder.Scan][]bool
	all   map[*binder.Scan]bool
	// opaque holds the operators already walked with every column needed
	// (shared subtrees are walked once).
	opaque map[binder.Node]bool
}

// mask returns a need mask of n columns: a copy of need, or all true when
// need is nil.
func mask(need []bool, n int) []bool {
	out := make([]bool, n)
	for i := range out {
		out[i] = need == nil || i < len(need) && need[i]
	}
	return out
}

// node records that the given output columns of n (nil: all) are read.
func (p *projectionWalk) node(n binder.Node, need []bool) {
	switch x := n.(type) {
	case *binder.Scan:
		if need == nil {
			p.all[x] = true
			return
		}
		cur := p.needs[x]
		if cur == nil {
			cur = make([]bool, len(x.Columns))
			p.needs[x] = cur
		}
		for i, v := range need {
			if v && i < len(cur) {
				cur[i] = true
			}
		}
	case *binder.Filter:
		in := mask(need, len(x.Input.Schema()))
		p.refs(x.Pred, in)
		p.node(x.Input, in)
	case *binder.Project:
		in := make([]bool, len(x.Input.Schema()))
		for i, e := range x.Exprs {
			if need == nil || i < len(need) && need[i] {
				p.refs(e, in)
			}
		}
		p.node(x.Input, in)
	case *binder.Summarize:
		in := make([]bool, len(x.Input.Schema()))
		for _, k := range x.Keys {
			p.refs(k, in)
		}
		for _, a := range x.Aggs {
			for _, e := range a.Args {
				p.refs(e, in)
			}
			for _, e := range a.Extra {
				p.refs(e, in)
			}
		}
		for _, e := range x.Post {
			p.subqueries(e)
		}
		p.node(x.Input, in)
	case *binder.Take:
		p.node(x.Input, need)
	case *binder.Sort:
		in := mask(need, len(x.Input.Schema()))
		for _, k := range x.Keys {
			p.refs(k.X, in)
		}
		p.node(x.Input, in)
	case *binder.Top:
		in := mask(need, len(x.Input.Schema()))
		for _, k := range x.Keys {
			p.refs(k.X, in)
		}
		p.node(x.Input, in)
	case *binder.Count:
		p.node(x.Input, make([]bool, len(x.Input.Schema())))
	case *binder.Distinct:
		in := make([]bool, len(x.Input.Schema()))
		for _, e := range x.Exprs {
			p.refs(e, in)
		}
		p.node(x.Input, in)
	case *binder.Union:
		off := 0
		if x.SourceCol {
			off = 1
		}
		for i, input := range x.Inputs {
			in := make([]bool, len(input.Schema()))
			for k, src := range x.Map[i] {
				if src >= 0 && (need == nil || k+off < len(need) && need[k+off]) {
					in[src] = true
				}
			}
			p.node(input, in)
		}
	case *binder.Join:
		left := make([]bool, len(x.Left.Schema()))
		right := make([]bool, len(x.Right.Schema()))
		for _, k := range x.LeftKeys {
			p.refs(k, left)
		}
		for _, k := range x.RightKeys {
			p.refs(k, right)
		}
		for k, c := range x.LeftCols {
			if need == nil || k < len(need) && need[k] {
				left[c] = true
			}
		}
		for k, c := range x.RightCols {
			o := len(x.LeftCols) + k
			if need == nil || o < len(need) && need[o] {
				right[c] = true
			}
		}
		p.node(x.Left, left)
		p.node(x.Right, right)
	default:
		// Any other operator: every column of every input is read.
		if p.opaque[n] {
			return
		}
		p.opaque[n] = true
		p.children(reflect.ValueOf(n))
	}
}

// refs marks the input columns an expression reads, and walks the
// subqueries inside it with every column needed.
func (p *projectionWalk) refs(e binder.Expr, in []bool) {
	p.expr(reflect.ValueOf(e), in)
}

// subqueries walks the subqueries of an expression over another schema.
func (p *projectionWalk) subqueries(e binder.Expr) { p.expr(reflect.ValueOf(e), nil) }

var (
	nodeType = reflect.TypeOf((*binder.Node)(nil)).Elem()
	exprType = reflect.TypeOf((*binder.Expr)(nil)).Elem()
)

func (p *projectionWalk) expr(v reflect.Value, in []bool) {
	if !v.IsValid() {
		return
	}
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			return
		}
		if v.Type().Implements(nodeType) && !v.Type().Implements(exprType) {
			if n, ok := v.Interface().(binder.Node); ok {
				p.node(n, nil)
				return
			}
		}
		if ref, ok := v.Interface().(*binder.ColumnRef); ok {
			if in != nil && ref.Index >= 0 && ref.Index < len(in) {
				in[ref.Index] = true
			}
			return
		}
		p.expr(v.Elem(), in)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				p.expr(v.Field(i), in)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			p.expr(v.Index(i), in)
		}
	}
}

// children walks every node reachable from v with every column needed,
// including the subqueries of its expressions.
func (p *projectionWalk) children(v reflect.Value) {
	if v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return
	}
	for i := 0; i < v.NumField(); i++ {
		if !v.Type().Field(i).IsExported() {
			continue
		}
		f := v.Field(i)
		p.anyNode(f)
	}
}

func (p *projectionWalk) anyNode(f reflect.Value) {
	switch f.Kind() {
	case reflect.Interface, reflect.Pointer:
		if f.IsNil() {
			return
		}
		if n, ok := f.Interface().(binder.Node); ok {
			if _, isExpr := f.Interface().(binder.Expr); !isExpr {
				p.node(n, nil)
				return
			}
		}
		if e, ok := f.Interface().(binder.Expr); ok {
			p.subqueries(e)
			return
		}
		if f.Kind() == reflect.Pointer && f.Elem().Kind() == reflect.Struct {
			p.children(f)
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < f.Len(); i++ {
			p.anyNode(f.Index(i))
		}
	case reflect.Struct:
		p.children(f)
	}
}
