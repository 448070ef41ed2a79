package engine

import (
	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// inList is the prepared right side of in / has_any / has_all.
type inList struct {
	values   []types.Value
	set      map[string]bool // in, in~: keys of the values
	needles  []string        // has_any, has_all: the values' text
	hasAny   *termSet        // has_any: the needles, prepared
	hasAll   []termNeedle    // has_all: the needles, prepared
	anyNull  bool            // a null element was listed
	constant bool
}

// prepareIn evaluates the constant items and tabular sources of x once.
func (ev *evaluator) prepareIn(x *binder.InList) (*inList, error) {
	ev.run.mu.Lock()
	l, ok := ev.run.inLists[x]
	ev.run.mu.Unlock()
	if ok {
		return l, nil
	}
	l = &inList{constant: true}
	add := func(v types.Value) {
		if v.Type == types.Dynamic {
			if arr, ok := v.D.([]any); ok {
				for _, e := range arr {
					l.addValue(types.DynamicScalar(e))
				}
				return
			}
		}
		l.addValue(v)
	}
	for _, it := range x.Items {
		v, ok := ev.constant(it)
		if !ok {
			l.constant = false
			break
		}
		add(v)
	}
	if !l.constant {
		return l, nil
	}
	for _, n := range x.Tabular {
		t, err := ev.run.exec(n)
		if err != nil {
			return nil, err
		}
		for _, b := range t.Batches {
			c := b.Cols[0]
			for i := 0; i < b.N; i++ {
				add(c.Get(i))
			}
		}
	}
	fold := x.Op == "in~" || x.Op == "!in~"
	l.set = make(map[string]bool, len(l.values))
	for _, v := range l.values {
		if isNullish(v) {
			continue
		}
		l.set[setKey(v, fold)] = true
		l.needles = append(l.needles, v.String())
	}
	switch x.Op {
	case "has_any":
		l.hasAny = newTermSet(l.needles)
	case "has_all":
		for _, nd := range l.needles {
			l.hasAll = append(l.hasAll, newTermNeedle(nd, false, true, true))
		}
	}
	ev.run.mu.Lock()
	ev.run.inLists[x] = l
	ev.run.mu.Unlock()
	return l, nil
}

func (l *inList) addValue(v types.Value) {
	if isNullish(v) {
		l.anyNull = true
	}
	l.values = append(l.values, v)
}

// evalIn evaluates in, !in, in~, !in~, has_any and has_all.
func (ev *evaluator) evalIn(x *binder.InList, b *table.Batch) (*table.Column, error) {
	l, err := ev.prepareIn(x)
	if err != nil {
		return nil, err
	}
	if !l.constant {
		return ev.evalInRows(x, b)
	}
	lhs, err := ev.operand(x.X, b)
	if err != nil {
		return nil, err
	}
	n := b.N
	var pred func(s string) bool // on text, for string-like operands
	switch x.Op {
	case "has_any":
		if l.anyNull {
			return boolColumn(n, func(int) bool { return true }), nil
		}
		pred = l.hasAny.any
	case "has_all":
		needles := l.hasAll
		pred = func(s string) bool {
			for i := range needles {
				if !needles[i].in(s) {
					return false
				}
			}
			return true
		}
	}
	if pred != nil {
		return applyTextPred(lhs, n, pred, false), nil
	}
	neg := x.Op == "!in" || x.Op == "!in~"
	fold := x.Op == "in~" || x.Op == "!in~"
	member := func(v types.Value) bool {
		if isNullish(v) {
			return false
		}
		return l.set[setKey(v, fold)]
	}
	if !lhs.isConst && lhs.col.Dict != nil {
		return dictPredicate(lhs.col, n, func(s string) bool { return member(types.NewString(s)) != neg }), nil
	}
	return boolColumn(n, func(i int) bool {
		v := lhs.get(i)
		if isNullish(v) {
			return neg
		}
		return member(v) != neg
	}), nil
}

// applyTextPred applies a predicate on the text of each row, once per
// distinct value of a dictionary-encoded column. Null rows give neg.
func applyTextPred(lhs *operand, n int, pred func(string) bool, neg bool) *table.Column {
	if lhs.isConst {
		v := !lhs.v.Null && pred(lhs.v.String())
		return boolColumn(n, func(int) bool { return v != neg })
	}
	c := lhs.col
	if c.Dict != nil {
		return dictPredicate(c, n, func(s string) bool { return pred(s) != neg })
	}
	if c.Type == types.String {
		return boolColumn(n, func(i int) bool { return pred(c.Strs[i]) != neg })
	}
	return boolColumn(n, func(i int) bool {
		if lhs.isNull(i) {
			return neg
		}
		return pred(lhs.text(i)) != neg
	})
}

// evalInRows handles lists whose items depend on the row.
func (ev *evaluator) evalInRows(x *binder.InList, b *table.Batch) (*table.Column, error) {
	lhs, err := ev.operand(x.X, b)
	if err != nil {
		return nil, err
	}
	items := make([]*operand, len(x.Items))
	for i, it := range x.Items {
		o, err := ev.operand(it, b)
		if err != nil {
			return nil, err
		}
		items[i] = o
	}
	fold := x.Op == "in~" || x.Op == "!in~"
	neg := x.Op == "!in" || x.Op == "!in~"
	return boolColumn(b.N, func(i int) bool {
		v := lhs.get(i)
		var vals []types.Value
		for _, it := range items {
			iv := it.get(i)
			if arr, ok := iv.D.([]any); ok && iv.Type == types.Dynamic {
				for _, e := range arr {
					vals = append(vals, types.DynamicScalar(e))
				}
				continue
			}
			vals = append(vals, iv)
		}
		switch x.Op {
		case "has_any":
			for _, iv := range vals {
				if isNullish(iv) || hasTerm(v.String(), iv.String(), false) {
					return true
				}
			}
			return false
		case "has_all":
			for _, iv := range vals {
				if !isNullish(iv) && !hasTerm(v.String(), iv.String(), false) {
					return false
				}
			}
			return true
		}
		if isNullish(v) {
			return neg
		}
		k := setKey(v, fold)
		for _, iv := range vals {
			if !isNullish(iv) && setKey(iv, fold) == k {
				return !neg
			}
		}
		return neg
	}), nil
}
