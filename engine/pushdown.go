package engine

import (
	"math"
	"reflect"
	"sync"

	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/schema"
)

// TimeRange bounds the time of the rows a scan must return: a Source may
// leave out rows whose time lies outside [Min, Max] (inclusive datetime
// ticks) and rows whose time is null. It is a hint: the engine still
// applies the predicate it was derived from to every row it gets, so a
// Source that ignores it returns the same answer, only slower.
//
// Column is the scan's output column the bounds constrain and Source the
// stored column that feeds it when the data has no column named Column
// (TimeGenerated reads Timestamp); see ScanRequest.
type TimeRange struct {
	Column, Source string
	Min, Max       int64
}

// Empty reports whether no time satisfies the range.
func (t *TimeRange) Empty() bool { return t.Min > t.Max }

// Overlaps reports whether [lo, hi] meets the range.
func (t *TimeRange) Overlaps(lo, hi int64) bool { return lo <= t.Max && hi >= t.Min }

// scanUse records how a Scan node is consumed: the predicates of the
// Filters placed directly over it, or open when some consumer reads it
// unfiltered.
type scanUse struct {
	preds []binder.Expr
	open  bool
}

// planPushdown finds, before a run starts, every Scan of the bound tree
// and the Filters directly over it, so that the Scan can ask its Source
// for the time range those Filters allow (see scanRequest).
func (r *runState) planPushdown(root binder.Node) {
	w := &pushdownWalk{uses: map[*binder.Scan]*scanUse{}, seen: map[uintptr]bool{}}
	w.value(reflect.ValueOf(&root).Elem())
	r.scanUses = w.uses
}

// scanRequest builds the request of a Scan node, with the time range its
// Filter allows when one can be derived.
func (r *runState) scanRequest(x *binder.Scan) ScanRequest {
	req := binder2Scan(x)
	req.Needed = r.needed[x]
	u := r.scanUses[x]
	if u == nil || u.open || len(u.preds) == 0 {
		return req
	}
	// A Scan under several Filters (a tabular let used twice) needs the
	// union of their ranges; one unconstrained Filter leaves it open.
	var out *TimeRange
	for _, p := range u.preds {
		tr := r.timeRange(x, p)
		if tr == nil {
			return req
		}
		if out == nil {
			c := *tr
			out = &c
			continue
		}
		if out.Column != tr.Column {
			return req
		}
		out.Min, out.Max = min(out.Min, tr.Min), max(out.Max, tr.Max)
	}
	req.Time = out
	return req
}

// timeRange derives the time range of pred over scan x: pred must be a
// comparison (<, <=, >, >=, ==, between) of a time column of the scan with
// a constant datetime, or a conjunction with at least one such term. It
// returns nil when pred does not bound time.
func (r *runState) timeRange(x *binder.Scan, pred binder.Expr) *TimeRange {
	tr := &TimeRange{Min: math.MinInt64, Max: math.MaxInt64}
	if !r.bound(x, pred, tr) || tr.Column == "" {
		return nil
	}
	return tr
}

// timeColumn reports whether column i of the scan is a datetime read from
// the stored Timestamp column, and returns its name and source.
func timeColumn(x *binder.Scan, i int) (name, src string, ok bool) {
	if i < 0 || i >= len(x.Columns) || x.Columns[i].Type != types.Datetime {
		return "", "", false
	}
	name = x.Columns[i].Name
	if i < len(x.Source) {
		src = x.Source[i]
	}
	if name == schema.TimeColumn || src == schema.TimeColumn {
		return name, src, true
	}
	return "", "", false
}

// bound narrows tr by pred and reports whether pred constrained it.
func (r *runState) bound(x *binder.Scan, pred binder.Expr, tr *TimeRange) bool {
	switch e := pred.(type) {
	case *binder.Call:
		if e.Name == "and" && len(e.Args) == 2 {
			a := r.bound(x, e.Args[0], tr)
			b := r.bound(x, e.Args[1], tr)
			return a || b
		}
		if len(e.Args) != 2 {
			return false
		}
		op := e.Name
		col, val := e.Args[0], e.Args[1]
		if _, ok := col.(*binder.ColumnRef); !ok {
			col, val = val, col
			switch op { // c OP col is col OP' c
			case "<":
				op = ">"
			case "<=":
				op = ">="
			case ">":
				op = "<"
			case ">=":
				op = "<="
			}
		}
		ref, ok := col.(*binder.ColumnRef)
		if !ok || !r.useColumn(x, ref, tr) {
			return false
		}
		v, ok := r.constTime(val)
		if !ok {
			return false
		}
		switch op {
		case ">":
			tr.narrow(addTicks(v, 1), math.MaxInt64)
		case ">=":
			tr.narrow(v, math.MaxInt64)
		case "<":
			tr.narrow(math.MinInt64, addTicks(v, -1))
		case "<=":
			tr.narrow(math.MinInt64, v)
		case "==":
			tr.narrow(v, v)
		default:
			return false
		}
		return true
	case *binder.Between:
		ref, ok := e.X.(*binder.ColumnRef)
		if e.Not || !ok || !r.useColumn(x, ref, tr) {
			return false
		}
		lo, ok := r.constTime(e.Lo)
		if !ok {
			return false
		}
		hv, ok := r.ev.constant(e.Hi)
		if !ok {
			return false
		}
		var hi int64
		switch {
		case hv.Null:
			hi = math.MinInt64 // null bound: no row matches
		case hv.Type == types.Datetime:
			hi = hv.I
		case hv.Type == types.Timespan:
			hi = addTicks(lo, hv.I)
		default:
			return false
		}
		tr.narrow(lo, hi)
		return true
	}
	return false
}

// useColumn reports whether ref is the scan's time column and fixes it as
// the column tr constrains (a predicate on two time columns bounds only the
// first one met).
func (r *runState) useColumn(x *binder.Scan, ref *binder.ColumnRef, tr *TimeRange) bool {
	name, src, ok := timeColumn(x, ref.Index)
	if !ok {
		return false
	}
	if tr.Column == "" {
		tr.Column, tr.Source = name, src
		return true
	}
	return tr.Column == name
}

// constTime evaluates a constant datetime expression (literals, now(),
// ago(), arithmetic over them). A null constant yields a bound no row meets.
func (r *runState) constTime(e binder.Expr) (int64, bool) {
	if e.Type() != types.Datetime {
		return 0, false
	}
	v, ok := r.ev.constant(e)
	if !ok || v.Type != types.Datetime && !v.Null {
		return 0, false
	}
	if v.Null {
		return math.MinInt64, true
	}
	return v.I, true
}

func (t *TimeRange) narrow(lo, hi int64) {
	t.Min = max(t.Min, lo)
	t.Max = min(t.Max, hi)
}

// addTicks adds d to v, saturating instead of overflowing.
func addTicks(v, d int64) int64 {
	s := v + d
	if d > 0 && s < v {
		return math.MaxInt64
	}
	if d < 0 && s > v {
		return math.MinInt64
	}
	return s
}

// pushdownWalk visits every node and expression reachable from a bound
// tree. It uses reflection so that operators added to the binder later
// are walked too: a Scan it cannot see under a known Filter is simply not
// given a range.
type pushdownWalk struct {
	uses map[*binder.Scan]*scanUse
	seen map[uintptr]bool
}

var (
	scanPtrType   = reflect.TypeOf((*binder.Scan)(nil))
	filterPtrType = reflect.TypeOf((*binder.Filter)(nil))
	binderPkg     = scanPtrType.Elem().PkgPath()

	walkableMu sync.Mutex
	walkable   = map[reflect.Type]bool{}
)

func (w *pushdownWalk) use(s *binder.Scan) *scanUse {
	u := w.uses[s]
	if u == nil {
		u = &scanUse{}
		w.uses[s] = u
	}
	return u
}

func (w *pushdownWalk) value(v reflect.Value) {
	switch v.Kind() {
	case reflect.Interface:
		if !v.IsNil() {
			w.value(v.Elem())
		}
	case reflect.Pointer:
		if v.IsNil() || !v.CanInterface() {
			return
		}
		switch v.Type() {
		case scanPtrType:
			w.use(v.Interface().(*binder.Scan)).open = true
			return
		case filterPtrType:
			f := v.Interface().(*binder.Filter)
			if s, ok := f.Input.(*binder.Scan); ok {
				u := w.use(s)
				if window := reflect.ValueOf(f).Elem().FieldByName("Window"); window.IsValid() && window.Kind() == reflect.Bool && window.Bool() {
					u.open = true
				} else {
					u.preds = append(u.preds, f.Pred)
				}
				if w.seen[v.Pointer()] {
					return
				}
				w.seen[v.Pointer()] = true
				w.value(reflect.ValueOf(&f.Pred).Elem())
				return
			}
		}
		if w.seen[v.Pointer()] {
			return
		}
		w.seen[v.Pointer()] = true
		if mayHoldNodes(v.Type().Elem()) {
			w.value(v.Elem())
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if mayHoldNodes(v.Type().Field(i).Type) {
				w.value(v.Field(i))
			}
		}
	case reflect.Slice, reflect.Array:
		if !mayHoldNodes(v.Type().Elem()) {
			return
		}
		for i := 0; i < v.Len(); i++ {
			w.value(v.Index(i))
		}
	case reflect.Map:
		if !mayHoldNodes(v.Type().Elem()) {
			return
		}
		it := v.MapRange()
		for it.Next() {
			w.value(it.Value())
		}
	}
}

// mayHoldNodes reports whether a value of type t can reach a binder node:
// interfaces, binder types, and containers of those.
func mayHoldNodes(t reflect.Type) bool {
	walkableMu.Lock()
	defer walkableMu.Unlock()
	return mayHoldNodesLocked(t)
}

func mayHoldNodesLocked(t reflect.Type) bool {
	if ok, known := walkable[t]; known {
		return ok
	}
	walkable[t] = false // cycles through this type add nothing
	ok := false
	switch t.Kind() {
	case reflect.Interface:
		ok = true
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		ok = mayHoldNodesLocked(t.Elem())
	case reflect.Struct:
		if t.PkgPath() == binderPkg {
			for i := 0; i < t.NumField(); i++ {
				if mayHoldNodesLocked(t.Field(i).Type) {
					ok = true
					break
				}
			}
		}
	}
	walkable[t] = ok
	return ok
}
