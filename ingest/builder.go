package ingest

import (
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// cellKind says which field of a cell holds its value.
type cellKind uint8

const (
	kNull cellKind = iota // absent, JSON null, or "" for a non-string column
	kBool                 // i is 0 or 1
	kInt                  // i: int, long, datetime or timespan ticks
	kReal                 // f
	kStr                  // b (JSON, valid until the next row) or s (CSV)
	kDyn                  // d, a dynamic payload
)

// cell is one typed value of the row being assembled.
type cell struct {
	kind cellKind
	set  bool // the row carried this column (even as null)
	i    int64
	f    float64
	b    []byte
	s    string
	d    any
}

// str returns the text of a kStr cell without copying when it is a string.
func (c *cell) text() string {
	if c.b != nil {
		return string(c.b)
	}
	return c.s
}

// Dictionary encoding of string columns is dropped when a column turns out
// to have many distinct values: checked each time the dictionary reaches a
// power of two of at least dictCheckSize entries.
const dictCheckSize = 4096

// colBuilder accumulates one column of a batch. A builder with infer set
// starts untyped (types.Null) and takes the type of its values, widening
// long to real and anything mixed to dynamic. Until its first non-null
// value a builder only counts rows (many documented columns are absent from
// every row of a file), and an all-null column is made at its final size.
type colBuilder struct {
	col   table.Column
	infer bool
	n     int
	lazy  bool // every value so far is null; nothing is allocated
	hint  int  // initial capacity once values arrive
	dict  map[string]uint32
	// empty is the dictionary code of "" plus one (0: not yet coded), as
	// absent string columns are the commonest value.
	empty uint32
	// last is the dictionary code of the last string added plus one, and
	// lastStr that string: a value often repeats the row before.
	last    uint32
	lastStr string
}

func newBuilder(t types.Type, infer bool, capacity int) *colBuilder {
	b := &colBuilder{infer: infer}
	b.reset(t, capacity)
	return b
}

// reset empties the builder for a new batch of type t.
func (b *colBuilder) reset(t types.Type, capacity int) {
	*b = colBuilder{infer: b.infer, lazy: true, hint: capacity, col: table.Column{Type: t}}
}

// materialize allocates the column and fills in the nulls counted so far.
func (b *colBuilder) materialize() {
	n := b.n
	b.lazy = false
	b.n = 0
	capacity := max(b.hint, 2*n)
	t := b.col.Type
	switch {
	case t.UsesInts():
		b.col.Ints = make([]int64, 0, capacity)
	case t.UsesReals():
		b.col.Reals = make([]float64, 0, capacity)
	case t.UsesStrings():
		b.col.Codes = make([]uint32, 0, capacity)
		b.col.Dict = []string{}
		b.dict = map[string]uint32{}
	case t == types.Dynamic:
		b.col.Dyn = make([]any, 0, capacity)
	}
	for range n {
		b.addNull()
	}
}

// cellType is the column type an inferred builder gives a cell.
func cellType(k cellKind) types.Type {
	switch k {
	case kBool:
		return types.Bool
	case kInt:
		return types.Long
	case kReal:
		return types.Real
	case kStr:
		return types.String
	}
	return types.Dynamic
}

// add appends c; for a typed builder c has already been converted to the
// column's type.
func (b *colBuilder) add(c *cell) {
	if c.kind == kNull {
		b.addNull()
		return
	}
	if b.infer {
		if want := cellType(c.kind); want != b.col.Type {
			if b.lazy {
				b.col.Type = want
			} else {
				b.widen(want)
			}
		}
	}
	if b.lazy {
		b.materialize()
	}
	col := &b.col
	switch t := col.Type; {
	case t.UsesInts():
		col.Ints = append(col.Ints, c.i)
	case t.UsesReals():
		if c.kind == kInt {
			col.Reals = append(col.Reals, float64(c.i))
		} else {
			col.Reals = append(col.Reals, c.f)
		}
	case t.UsesStrings():
		b.addString(c)
	default:
		col.Dyn = append(col.Dyn, cellPayload(c))
	}
	if col.Nulls != nil {
		col.Nulls = append(col.Nulls, false)
	}
	b.n++
}

func cellPayload(c *cell) any {
	switch c.kind {
	case kBool:
		return c.i != 0
	case kInt:
		return c.i
	case kReal:
		return c.f
	case kStr:
		return c.text()
	case kDyn:
		return c.d
	}
	return nil
}

func (b *colBuilder) addString(c *cell) {
	col := &b.col
	if b.dict == nil {
		col.Strs = append(col.Strs, c.text())
		return
	}
	var code uint32
	var ok bool
	if c.b != nil {
		if b.last > 0 && string(c.b) == b.lastStr {
			col.Codes = append(col.Codes, b.last-1)
			return
		}
		code, ok = b.dict[string(c.b)]
	} else {
		code, ok = b.dict[c.s]
	}
	if !ok {
		s := c.text()
		if c.b == nil {
			s = strings.Clone(s) // do not pin the whole CSV record
		}
		code = uint32(len(col.Dict))
		col.Dict = append(col.Dict, s)
		b.dict[s] = code
		if n := len(col.Dict); n >= dictCheckSize && n&(n-1) == 0 && n > (b.n+1)/2 {
			col.Codes = append(col.Codes, code)
			b.dropDict()
			return
		}
	}
	b.last, b.lastStr = code+1, col.Dict[code]
	col.Codes = append(col.Codes, code)
}

// dropDict turns the dictionary-encoded column into a plain one.
func (b *colBuilder) dropDict() {
	b.col.Decode()
	b.dict = nil
}

// addNull appends a null ("" for strings).
func (b *colBuilder) addNull() {
	if b.lazy {
		b.n++
		return
	}
	col := &b.col
	t := col.Type
	if t == types.String {
		if b.empty > 0 {
			col.Codes = append(col.Codes, b.empty-1)
		} else {
			b.addString(&cell{kind: kStr, s: ""})
			if code, ok := b.dict[""]; ok {
				b.empty = code + 1
			}
		}
		if col.Nulls != nil {
			col.Nulls = append(col.Nulls, false)
		}
		b.n++
		return
	}
	if col.Nulls == nil {
		col.Nulls = make([]bool, b.n, max(b.n*2, 16))
	}
	col.Nulls = append(col.Nulls, true)
	switch {
	case t == types.Null:
	case t.UsesInts():
		col.Ints = append(col.Ints, 0)
	case t.UsesReals():
		col.Reals = append(col.Reals, 0)
	case t.UsesStrings():
		b.addString(&cell{kind: kStr, s: ""})
	default:
		col.Dyn = append(col.Dyn, nil)
	}
	b.n++
}

// widen changes the type of an inferred column so that a value of type
// want fits: an untyped column takes want, long becomes real, and any
// other mix becomes dynamic.
func (b *colBuilder) widen(want types.Type) {
	to := mergeTypes(b.col.Type, want)
	if to == b.col.Type {
		return
	}
	col := convertColumn(&b.col, b.n, to)
	b.dict = nil
	b.col = *col
}

// mergeTypes is the narrowest type holding values of both a and b; Null
// (untyped, all null so far) merges into anything.
func mergeTypes(a, b types.Type) types.Type {
	switch {
	case a == b:
		return a
	case a == types.Null:
		return b
	case b == types.Null:
		return a
	case a.IsInteger() && b.IsInteger():
		return types.Long
	case a.IsNumeric() && b.IsNumeric():
		return types.Real
	}
	return types.Dynamic
}

// convertColumn returns c's n rows as a column of type to. Untyped (all
// null) columns become all null; long becomes real; any type becomes
// dynamic (strings "" as null).
func convertColumn(c *table.Column, n int, to types.Type) *table.Column {
	if c.Type == to {
		return c
	}
	if c.Type.IsInteger() && to.IsInteger() {
		out := *c
		out.Type = to
		return &out
	}
	out := table.NewColumn(to, n)
	for i := 0; i < n; i++ {
		if c.Type == types.Null || c.IsNull(i) {
			out.AppendNull()
			continue
		}
		v := c.Get(i)
		switch {
		case to == types.Dynamic:
			if v.Type == types.String && v.S == "" {
				out.AppendNull()
			} else {
				out.Append(types.NewDynamic(v.ToDynamic()))
			}
		case to == types.String:
			out.Append(types.NewString(v.String()))
		default:
			out.Append(v)
		}
	}
	return out
}

// finish returns the built column (an untyped one when an inferred column
// saw only nulls); the builder must be reset before reuse.
func (b *colBuilder) finish() *table.Column {
	if b.lazy {
		if b.col.Type == types.Null {
			return &table.Column{Type: types.Null}
		}
		return nullColumn(b.col.Type, b.n)
	}
	col := b.col
	return &col
}
