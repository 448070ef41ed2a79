package ingest

import (
	"fmt"
	"sort"

	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/schema"
	"github.com/rmmhunt/rmmhunt/table"
)

// tableAcc gathers the batches of one table across all files of a load.
type tableAcc struct {
	name     string
	def      *schema.Table
	extras   []string // extra columns in first-seen order
	extraSet map[string]bool
	batches  []*pendingBatch
}

// pendingBatch is a finished batch whose columns are known by name; the
// table's final schema is applied when the load ends.
type pendingBatch struct {
	n     int
	names []string
	cols  []*table.Column
}

func (a *tableAcc) noteExtra(name string) {
	if !a.extraSet[name] {
		a.extraSet[name] = true
		a.extras = append(a.extras, name)
	}
}

// build assembles the table: documented columns, then the extra columns
// that stored rows carried, typed by merging what every batch found
// (untyped extras become strings), and every batch padded and converted to
// that schema.
func (a *tableAcc) build(warn func(string)) *table.Table {
	sch := a.def.Schema()
	for _, name := range a.extras {
		t := types.Null
		var seen []types.Type
		for _, pb := range a.batches {
			for i, n := range pb.names {
				if n == name && pb.cols[i].Type != types.Null {
					if !containsType(seen, pb.cols[i].Type) {
						seen = append(seen, pb.cols[i].Type)
					}
					t = mergeTypes(t, pb.cols[i].Type)
				}
			}
		}
		if t == types.Null {
			t = types.String
		}
		if len(seen) > 1 {
			warn(fmt.Sprintf("column %s of %s holds values of types %v in different batches; kept as %s", name, a.name, seen, t))
		}
		sch = append(sch, table.Field{Name: name, Type: t})
	}
	out := &table.Table{Name: a.name, Schema: sch}
	for _, pb := range a.batches {
		b := &table.Batch{Schema: sch, Cols: make([]*table.Column, len(sch)), N: pb.n}
		byName := make(map[string]*table.Column, len(pb.names))
		for i, n := range pb.names {
			byName[n] = pb.cols[i]
		}
		for i, f := range sch {
			c, ok := byName[f.Name]
			if !ok {
				b.Cols[i] = nullColumn(f.Type, pb.n)
				continue
			}
			b.Cols[i] = convertColumn(c, pb.n, f.Type)
		}
		out.Batches = append(out.Batches, b)
	}
	return out
}

func containsType(ts []types.Type, t types.Type) bool {
	for _, x := range ts {
		if x == t {
			return true
		}
	}
	return false
}

// nullColumn is n nulls ("" for strings) of type t.
func nullColumn(t types.Type, n int) *table.Column {
	if t == types.String {
		return &table.Column{Type: t, Dict: []string{""}, Codes: make([]uint32, n)}
	}
	nulls := make([]bool, n)
	for i := range nulls {
		nulls[i] = true
	}
	c := &table.Column{Type: t, Nulls: nulls}
	switch {
	case t.UsesInts():
		c.Ints = make([]int64, n)
	case t.UsesReals():
		c.Reals = make([]float64, n)
	case t.UsesStrings():
		c.Codes, c.Dict = make([]uint32, n), []string{""}
	default:
		c.Dyn = make([]any, n)
	}
	return c
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
