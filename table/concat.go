package table

import "github.com/rmmhunt/rmmhunt/kql/types"

// Concat joins batches of schema s into one batch, rows in order. A string
// column that is dictionary-encoded in some batch comes out encoded with a
// dictionary of only the values its rows use (in order of first use), so
// that rows taken from large batches stop carrying those batches' whole
// dictionaries.
func Concat(s Schema, bs []*Batch) *Batch {
	n := 0
	for _, b := range bs {
		n += b.N
	}
	out := &Batch{Schema: s, Cols: make([]*Column, len(s)), N: n}
	cols := make([]*Column, len(bs))
	for j := range s {
		for k, b := range bs {
			cols[k] = b.Cols[j]
		}
		out.Cols[j] = concatColumns(s[j].Type, cols, bs)
	}
	return out
}

func concatColumns(t types.Type, cols []*Column, bs []*Batch) *Column {
	n := 0
	anyNull, anyDict := false, false
	for k, c := range cols {
		n += bs[k].N
		anyNull = anyNull || c.Nulls != nil
		anyDict = anyDict || c.Dict != nil
	}
	out := &Column{Type: t}
	if anyNull {
		out.Nulls = make([]bool, 0, n)
		for k, c := range cols {
			if c.Nulls != nil {
				out.Nulls = append(out.Nulls, c.Nulls[:bs[k].N]...)
			} else {
				out.Nulls = append(out.Nulls, make([]bool, bs[k].N)...)
			}
		}
	}
	switch {
	case t.UsesStrings() && anyDict:
		out.Codes = make([]uint32, 0, n)
		index := map[string]uint32{}
		code := func(s string) uint32 {
			k, ok := index[s]
			if !ok {
				k = uint32(len(out.Dict))
				index[s] = k
				out.Dict = append(out.Dict, s)
			}
			return k
		}
		for k, c := range cols {
			m := bs[k].N
			if c.Dict == nil {
				for i := 0; i < m; i++ {
					out.Codes = append(out.Codes, code(c.Strs[i]))
				}
				continue
			}
			// Map each code of this batch's dictionary once.
			remap := make([]int64, len(c.Dict))
			for i := range remap {
				remap[i] = -1
			}
			for _, old := range c.Codes[:m] {
				if remap[old] < 0 {
					remap[old] = int64(code(c.Dict[old]))
				}
				out.Codes = append(out.Codes, uint32(remap[old]))
			}
		}
	case t.UsesInts():
		out.Ints = make([]int64, 0, n)
		for k, c := range cols {
			out.Ints = append(out.Ints, c.Ints[:bs[k].N]...)
		}
	case t.UsesReals():
		out.Reals = make([]float64, 0, n)
		for k, c := range cols {
			out.Reals = append(out.Reals, c.Reals[:bs[k].N]...)
		}
	case t.UsesStrings():
		out.Strs = make([]string, 0, n)
		for k, c := range cols {
			out.Strs = append(out.Strs, c.Strs[:bs[k].N]...)
		}
	default:
		out.Dyn = make([]any, 0, n)
		for k, c := range cols {
			out.Dyn = append(out.Dyn, c.Dyn[:bs[k].N]...)
		}
	}
	return out
}
