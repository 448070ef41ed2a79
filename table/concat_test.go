package table

import (
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// TestConcat joins dictionary-encoded, plain and null-holding columns and
// checks every value and the compacted dictionary.
func TestConcat(t *testing.T) {
	s := Schema{{"S", types.String}, {"L", types.Long}, {"R", types.Real}, {"D", types.Dynamic}}
	a := &Batch{Schema: s, N: 3, Cols: []*Column{
		{Type: types.String, Dict: []string{"x", "y", "z", "unused"}, Codes: []uint32{2, 0, 2}},
		{Type: types.Long, Ints: []int64{1, 2, 3}, Nulls: []bool{false, true, false}},
		{Type: types.Real, Reals: []float64{1.5, 2.5, 3.5}},
		{Type: types.Dynamic, Dyn: []any{"a", nil, int64(1)}, Nulls: []bool{false, true, false}},
	}}
	b := &Batch{Schema: s, N: 2, Cols: []*Column{
		{Type: types.String, Strs: []string{"y", "w"}},
		{Type: types.Long, Ints: []int64{4, 5}},
		{Type: types.Real, Reals: []float64{4.5, 5.5}, Nulls: []bool{true, false}},
		{Type: types.Dynamic, Dyn: []any{true, "b"}},
	}}
	got := Concat(s, []*Batch{a, b})
	if got.N != 5 {
		t.Fatalf("N = %d", got.N)
	}
	for i := 0; i < got.N; i++ {
		src, j := a, i
		if i >= a.N {
			src, j = b, i-a.N
		}
		for c := range s {
			if w, g := src.Cols[c].Get(j), got.Cols[c].Get(i); w.String() != g.String() || w.Null != g.Null {
				t.Errorf("row %d column %s: %v, want %v", i, s[c].Name, g, w)
			}
		}
	}
	if d := got.Cols[0].Dict; len(d) != 4 || d[0] != "z" || d[1] != "x" || d[2] != "y" || d[3] != "w" {
		t.Errorf("dictionary %q, want the values used, in order of first use", d)
	}
}
