package engine

import (
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// Late materialisation.
//
// A chain of plain Filters directly over a Scan hands its predicates to
// the Source (ScanRequest.Filter): a Source that can read columns one at a
// time reads the columns the predicates use, evaluates them, and reads
// the other columns only for the rows that pass (or not at all for a row
// group where none does). The Filters still run over whatever the Source
// returns, so a Source that ignores the hint gives the same answer.

// lateScan opens the scan under the Filter chain ending in x with the
// chain's predicates as the request's Filter. It returns ok=false when x
// is not such a chain, or a predicate reads the row in a way the column
// marking cannot follow. preds are the chain's predicates, innermost
// first.
func (r *runState) lateScan(x *binder.Filter) (it BatchIterator, preds []binder.Expr, ok bool, err error) {
	var n binder.Node = x
	for {
		f, isFilter := n.(*binder.Filter)
		if !isFilter || f.Window {
			break
		}
		preds = append([]binder.Expr{f.Pred}, preds...)
		n = f.Input
	}
	s, isScan := n.(*binder.Scan)
	if !isScan {
		return nil, nil, false, nil
	}
	cols := make([]bool, len(s.Columns))
	for _, p := range preds {
		if !markColumns(p, cols) {
			return nil, nil, false, nil
		}
	}
	all := true
	for _, c := range cols {
		all = all && c
	}
	if all {
		return nil, nil, false, nil // nothing to read late
	}
	// The Source may filter several batches at once: compute the
	// predicates' constants (toscalar, in-lists, regular expressions)
	// here, so that its goroutines only read the run's caches.
	for _, p := range preds {
		r.prime(p)
	}
	req := r.scanRequest(s)
	req.FilterCols = cols
	req.Filter = func(b *table.Batch) ([]int, error) { return r.selectRows(b, preds) }
	it, err = r.src.Scan(r.ctx, req)
	return it, preds, true, err
}

// prime computes the values of e that do not depend on the row and that
// the run caches. Errors are left for the evaluation to report (it may
// never happen, when no row is read).
func (r *runState) prime(e binder.Expr) {
	switch x := e.(type) {
	case *binder.Scalar:
		_, _ = r.scalar(x)
	case *binder.Now:
		if x.Offset != nil {
			r.prime(x.Offset)
		}
	case *binder.Call:
		if _, ok := r.ev.constant(x); ok {
			return
		}
		for _, a := range x.Args {
			r.prime(a)
		}
		if x.Name == "matches regex" && len(x.Args) == 2 {
			if v, ok := r.ev.constant(x.Args[1]); ok && !v.Null {
				_, _ = r.regex(v.String())
			}
		}
	case *binder.Between:
		r.prime(x.X)
		r.prime(x.Lo)
		r.prime(x.Hi)
	case *binder.InList:
		r.prime(x.X)
		for _, it := range x.Items {
			r.prime(it)
		}
		_, _ = r.ev.prepareIn(x)
	}
}

// selectRows returns the rows of b (whose unread columns are nil) that
// pass every predicate, evaluated in order on the rows still in.
func (r *runState) selectRows(b *table.Batch, preds []binder.Expr) ([]int, error) {
	var sel []int // nil: every row of b
	cur := b
	for _, p := range preds {
		c, err := r.ev.eval(p, cur)
		if err != nil {
			return nil, err
		}
		sel = selection(c, cur.N, sel)
		if len(sel) == 0 {
			return sel, nil
		}
		if len(sel) < b.N {
			cur = takeRead(b, sel)
		}
	}
	if sel == nil {
		sel = make([]int, b.N)
		for i := range sel {
			sel[i] = i
		}
	}
	return sel, nil
}

// truth reports whether row i of a predicate's result is true.
func truth(c *table.Column, i int) bool {
	if c.IsNull(i) {
		return false
	}
	if c.Type == types.Dynamic {
		v, ok := c.Dyn[i].(bool)
		return ok && v
	}
	return c.Ints[i] != 0
}

// takeRead takes rows idx of the columns of b that were read.
func takeRead(b *table.Batch, idx []int) *table.Batch {
	out := &table.Batch{Schema: b.Schema, Cols: make([]*table.Column, len(b.Cols)), N: len(idx)}
	for i, c := range b.Cols {
		if c != nil {
			out.Cols[i] = c.Take(idx)
		}
	}
	return out
}

// markColumns marks the scan columns e reads; it returns false when e
// holds an expression whose reads it does not know.
func markColumns(e binder.Expr, cols []bool) bool {
	switch x := e.(type) {
	case nil:
		return true
	case *binder.ColumnRef:
		if x.Index < 0 || x.Index >= len(cols) {
			return false
		}
		cols[x.Index] = true
		return true
	case *binder.Const:
		return true
	case *binder.Now:
		return markColumns(x.Offset, cols)
	case *binder.Call:
		if strings.HasPrefix(x.Name, "pack") || strings.HasPrefix(x.Name, "bag_pack") {
			return false
		}
		for _, a := range x.Args {
			if !markColumns(a, cols) {
				return false
			}
		}
		return true
	case *binder.Between:
		return markColumns(x.X, cols) && markColumns(x.Lo, cols) && markColumns(x.Hi, cols)
	case *binder.InList:
		// Tabular items are other queries: they read no column of the row.
		if !markColumns(x.X, cols) {
			return false
		}
		for _, it := range x.Items {
			if !markColumns(it, cols) {
				return false
			}
		}
		return true
	}
	return false
}
