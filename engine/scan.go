package engine

import (
	"sort"

	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// scanState is the state of one step: the records of steps 0..k of the
// sequence in progress (nil where a step has none) and its match id.
type scanState struct {
	recs [][]types.Value
	id   int64
}

// scanPending is a record held back by a step with output=last.
type scanPending struct {
	seq int
	rec []types.Value
	id  int64
}

// scanOp runs the scan operator over its input in order, following the
// "Scan logic" of the Kusto scan operator reference:
//
//   - each input record is evaluated against the steps from the last to
//     the first;
//   - Check 1: when the previous step's state is nonempty and the record
//     meets the step's condition (evaluated with that state), the step's
//     state is cleared, the previous step's state is promoted to it, the
//     assignments (with that state) extend the record, which is output and
//     added to the step's state; Check 2 is then skipped;
//   - Check 2: when the step has an active sequence, or is the first step,
//     and the record meets the condition with the step's own state, the
//     assignments extend the record, which replaces the step's record in
//     its state and is output (output=all); on the first step with no
//     sequence in progress a new sequence begins and the match id goes up
//     by one (the first is 0).
//
// A state value StepName.Column that the state does not hold reads as the
// column's declared default (null for input columns), as the documented
// cumulative-sum example needs (s1.cumulative_x is 0 on the first row).
// A new sequence begins only when the first step's state is empty, which
// is what the documented sessions example shows (its first step matches
// every record, and the match id changes only after the second step has
// taken the sequence). output=none never outputs a step's matches;
// output=last holds back each match of the step and outputs the last one
// when the step's sequence moves on or is replaced, or at the end of the
// input.
func (r *runState) scanOp(x *binder.ScanOp) (BatchIterator, error) {
	in, err := r.single(x.Input)
	if err != nil {
		return nil, err
	}
	nIn := len(x.Input.Schema())
	nBase := nIn + len(x.Declared)
	rowSchema := append(table.Schema(nil), x.Columns[:nBase]...)
	for _, ref := range x.StateRefs {
		rowSchema = append(rowSchema, x.Columns[ref.Col])
	}
	defaults := make([]types.Value, nBase)
	for c := 0; c < nBase; c++ {
		if c < nIn {
			defaults[c] = types.NullOf(x.Columns[c].Type)
		} else {
			d := x.Declared[c-nIn]
			defaults[c] = coerce(d.Default, d.Type)
		}
	}
	// eval evaluates the expressions on the record base with state st.
	row := make([]types.Value, len(rowSchema))
	eval := func(exprs []binder.Expr, base []types.Value, st *scanState) ([]types.Value, error) {
		copy(row, base)
		for i, ref := range x.StateRefs {
			v := defaults[ref.Col]
			if st != nil && ref.Step < len(st.recs) && st.recs[ref.Step] != nil {
				v = st.recs[ref.Step][ref.Col]
			}
			row[nBase+i] = v
		}
		b := table.NewBatch(rowSchema, 1)
		b.AppendRow(row)
		out := make([]types.Value, len(exprs))
		for i, e := range exprs {
			o, err := r.ev.operand(e, b)
			if err != nil {
				return nil, err
			}
			out[i] = o.get(0)
		}
		return out, nil
	}
	conds := make([][]binder.Expr, len(x.Steps))
	assigns := make([][]binder.Expr, len(x.Steps))
	for k, s := range x.Steps {
		conds[k] = []binder.Expr{s.Cond}
		for _, a := range s.Assign {
			assigns[k] = append(assigns[k], a.X)
		}
	}
	matches := func(k int, base []types.Value, st *scanState) (bool, error) {
		v, err := eval(conds[k], base, st)
		if err != nil {
			return false, err
		}
		return !v[0].Null && v[0].Type == types.Bool && v[0].Bool(), nil
	}
	extend := func(k int, base []types.Value, st *scanState) ([]types.Value, error) {
		ext := append([]types.Value(nil), base...)
		if len(assigns[k]) == 0 {
			return ext, nil
		}
		vals, err := eval(assigns[k], base, st)
		if err != nil {
			return nil, err
		}
		for i, a := range x.Steps[k].Assign {
			d := x.Declared[a.Col]
			ext[nIn+a.Col] = coerce(vals[i], d.Type)
		}
		return ext, nil
	}

	out := table.NewBatch(x.Columns, in.N)
	outRow := make([]types.Value, len(x.Columns))
	emitRow := func(rec []types.Value, id int64) {
		copy(outRow, rec)
		if x.MatchID != "" {
			outRow[nBase] = types.NewLong(id)
		}
		out.AppendRow(outRow)
	}
	pending := make([]*scanPending, len(x.Steps))
	flush := func(k int) {
		if p := pending[k]; p != nil {
			emitRow(p.rec, p.id)
			pending[k] = nil
		}
	}
	emit := func(k, seq int, rec []types.Value, id int64) {
		switch x.Steps[k].Output {
		case "all":
			emitRow(rec, id)
		case "last":
			pending[k] = &scanPending{seq: seq, rec: rec, id: id}
		}
	}
	states := make([]*scanState, len(x.Steps))
	matchID := int64(-1)
	base := make([]types.Value, nBase)
	for i := 0; i < in.N; i++ {
		for c := 0; c < nIn; c++ {
			base[c] = in.Cols[c].Get(i)
		}
		copy(base[nIn:], defaults[nIn:])
		for k := len(x.Steps) - 1; k >= 0; k-- {
			if k > 0 && states[k-1] != nil {
				prev := states[k-1]
				ok, err := matches(k, base, prev)
				if err != nil {
					return nil, err
				}
				if ok {
					ext, err := extend(k, base, prev)
					if err != nil {
						return nil, err
					}
					flush(k - 1)
					flush(k)
					recs := make([][]types.Value, k+1)
					copy(recs, prev.recs)
					recs[k] = ext
					states[k] = &scanState{recs: recs, id: prev.id}
					states[k-1] = nil
					emit(k, i, ext, prev.id)
					continue
				}
			}
			st := states[k]
			if st == nil && k > 0 {
				continue
			}
			ok, err := matches(k, base, st)
			if err != nil || !ok {
				if err != nil {
					return nil, err
				}
				continue
			}
			ext, err := extend(k, base, st)
			if err != nil {
				return nil, err
			}
			if st == nil {
				matchID++
				st = &scanState{recs: [][]types.Value{ext}, id: matchID}
				states[0] = st
			} else {
				st.recs[k] = ext
			}
			emit(k, i, ext, st.id)
		}
	}
	var rest []*scanPending
	for _, p := range pending {
		if p != nil {
			rest = append(rest, p)
		}
	}
	sort.SliceStable(rest, func(a, b int) bool { return rest[a].seq < rest[b].seq })
	for _, p := range rest {
		emitRow(p.rec, p.id)
	}
	return sliceIter([]*table.Batch{out}), nil
}
