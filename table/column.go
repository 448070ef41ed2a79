// Package table is the in-memory columnar data model shared by the readers,
// the store and the engine: typed columns, batches of columns with a schema,
// and whole tables made of batches.
//
// Strings may be dictionary-encoded (Codes into Dict) so that a predicate on a
// low-cardinality column is decided once per distinct value. The package does
// no I/O and knows nothing of KQL syntax.
package table

import (
	"fmt"
	"sync"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// Column is one typed column. Exactly one payload slice is used, chosen by
// Type: Ints for bool/int/long/datetime/timespan, Reals for real/decimal,
// Strs (or Codes+Dict) for string/guid, Dyn for dynamic. Nulls is nil when no
// value is null, otherwise it has one entry per row. Strings are never null.
type Column struct {
	Type  types.Type
	Nulls []bool
	Ints  []int64
	Reals []float64
	Strs  []string
	// Codes and Dict hold a dictionary-encoded string column: row i is
	// Dict[Codes[i]]. When Dict is non-nil, Strs is unused.
	Codes []uint32
	Dict  []string
	Dyn   []any
}

// NewColumn returns an empty column of type t with room for n rows.
func NewColumn(t types.Type, n int) *Column {
	c := &Column{Type: t}
	switch {
	case t.UsesInts():
		c.Ints = make([]int64, 0, n)
	case t.UsesReals():
		c.Reals = make([]float64, 0, n)
	case t.UsesStrings():
		c.Strs = make([]string, 0, n)
	default:
		c.Dyn = make([]any, 0, n)
	}
	return c
}

// Len returns the number of rows.
func (c *Column) Len() int {
	switch {
	case c.Dict != nil:
		return len(c.Codes)
	case c.Type.UsesInts():
		return len(c.Ints)
	case c.Type.UsesReals():
		return len(c.Reals)
	case c.Type.UsesStrings():
		return len(c.Strs)
	}
	return len(c.Dyn)
}

// IsNull reports whether row i is null.
func (c *Column) IsNull(i int) bool { return c.Nulls != nil && c.Nulls[i] }

// Str returns row i of a string or guid column.
func (c *Column) Str(i int) string {
	if c.Dict != nil {
		return c.Dict[c.Codes[i]]
	}
	return c.Strs[i]
}

// Get returns row i as a Value.
func (c *Column) Get(i int) types.Value {
	if c.IsNull(i) {
		return types.NullOf(c.Type)
	}
	switch {
	case c.Type.UsesInts():
		return types.Value{Type: c.Type, I: c.Ints[i]}
	case c.Type.UsesReals():
		return types.Value{Type: c.Type, F: c.Reals[i]}
	case c.Type.UsesStrings():
		return types.Value{Type: c.Type, S: c.Str(i)}
	}
	return types.NewDynamic(c.Dyn[i])
}

// Append adds v, which must be of the column's type or null, at the end.
func (c *Column) Append(v types.Value) {
	if c.Dict != nil {
		c.Decode()
	}
	n := c.Len()
	if v.Null && c.Type != types.String {
		if c.Nulls == nil {
			c.Nulls = make([]bool, n, cap1(n))
		}
		c.Nulls = append(c.Nulls, true)
	} else if c.Nulls != nil {
		c.Nulls = append(c.Nulls, false)
	}
	switch {
	case c.Type.UsesInts():
		if v.Null {
			c.Ints = append(c.Ints, 0)
		} else if v.Type.UsesReals() {
			c.Ints = append(c.Ints, int64(v.F))
		} else {
			c.Ints = append(c.Ints, v.I)
		}
	case c.Type.UsesReals():
		if v.Null {
			c.Reals = append(c.Reals, 0)
		} else if v.Type.UsesInts() {
			c.Reals = append(c.Reals, float64(v.I))
		} else {
			c.Reals = append(c.Reals, v.F)
		}
	case c.Type.UsesStrings():
		if v.Type == types.Dynamic {
			c.Strs = append(c.Strs, v.String())
		} else {
			c.Strs = append(c.Strs, v.S)
		}
	default:
		if v.Null {
			c.Dyn = append(c.Dyn, nil)
		} else {
			c.Dyn = append(c.Dyn, v.ToDynamic())
		}
	}
}

func cap1(n int) int {
	if n < 16 {
		return 16
	}
	return n * 2
}

// AppendNull adds a null (or "" for strings).
func (c *Column) AppendNull() { c.Append(types.NullOf(c.Type)) }

// Decode turns a dictionary-encoded string column into a plain one.
func (c *Column) Decode() {
	if c.Dict == nil {
		return
	}
	strs := make([]string, len(c.Codes))
	for i, code := range c.Codes {
		strs[i] = c.Dict[code]
	}
	c.Strs, c.Codes, c.Dict = strs, nil, nil
}

// Take returns a new column holding the rows at the given indexes, in order.
// A dictionary-encoded column stays encoded (sharing its dictionary).
func (c *Column) Take(idx []int) *Column {
	out := &Column{Type: c.Type}
	if c.Nulls != nil {
		out.Nulls = make([]bool, len(idx))
		for j, i := range idx {
			out.Nulls[j] = c.Nulls[i]
		}
	}
	switch {
	case c.Dict != nil:
		out.Dict = c.Dict
		out.Codes = make([]uint32, len(idx))
		for j, i := range idx {
			out.Codes[j] = c.Codes[i]
		}
	case c.Type.UsesInts():
		out.Ints = make([]int64, len(idx))
		for j, i := range idx {
			out.Ints[j] = c.Ints[i]
		}
	case c.Type.UsesReals():
		out.Reals = make([]float64, len(idx))
		for j, i := range idx {
			out.Reals[j] = c.Reals[i]
		}
	case c.Type.UsesStrings():
		out.Strs = make([]string, len(idx))
		for j, i := range idx {
			out.Strs[j] = c.Strs[i]
		}
	default:
		out.Dyn = make([]any, len(idx))
		for j, i := range idx {
			out.Dyn[j] = c.Dyn[i]
		}
	}
	return out
}

// Slice returns rows [from, to) sharing storage with c.
func (c *Column) Slice(from, to int) *Column {
	out := &Column{Type: c.Type, Dict: c.Dict}
	if c.Nulls != nil {
		out.Nulls = c.Nulls[from:to]
	}
	switch {
	case c.Dict != nil:
		out.Codes = c.Codes[from:to]
	case c.Type.UsesInts():
		out.Ints = c.Ints[from:to]
	case c.Type.UsesReals():
		out.Reals = c.Reals[from:to]
	case c.Type.UsesStrings():
		out.Strs = c.Strs[from:to]
	default:
		out.Dyn = c.Dyn[from:to]
	}
	return out
}

// Const returns a column of n copies of v (typed as t).
func Const(t types.Type, v types.Value, n int) *Column {
	c := &Column{Type: t}
	switch {
	case t.UsesStrings():
		c.Dict = []string{v.S}
		c.Codes = make([]uint32, n)
		if v.Null && t != types.String {
			c.Nulls = make([]bool, n)
			for i := range c.Nulls {
				c.Nulls[i] = true
			}
		}
	case v.Null:
		c.Nulls = make([]bool, n)
		for i := range c.Nulls {
			c.Nulls[i] = true
		}
		switch {
		case t.UsesInts():
			c.Ints = make([]int64, n)
		case t.UsesReals():
			c.Reals = make([]float64, n)
		default:
			c.Dyn = make([]any, n)
		}
	case t.UsesInts():
		c.Ints = make([]int64, n)
		x := v.I
		if v.Type.UsesReals() {
			x = int64(v.F)
		}
		for i := range c.Ints {
			c.Ints[i] = x
		}
	case t.UsesReals():
		c.Reals = make([]float64, n)
		x := v.F
		if v.Type.UsesInts() {
			x = float64(v.I)
		}
		for i := range c.Reals {
			c.Reals[i] = x
		}
	default:
		c.Dyn = make([]any, n)
		d := v.ToDynamic()
		for i := range c.Dyn {
			c.Dyn[i] = d
		}
	}
	return c
}

// NullColumns hands out shared, read-only all-null columns (empty strings
// for string types), so that a reader can stand in for columns a query does
// not read without allocating them for every batch. Its zero value is ready
// to use, and it is safe for concurrent use.
type NullColumns struct {
	mu   sync.Mutex
	cols map[nullKey]*Column
}

type nullKey struct {
	t types.Type
	n int
}

// Get returns an all-null column of type t and n rows. The column must not
// be modified.
func (nc *NullColumns) Get(t types.Type, n int) *Column {
	nc.mu.Lock()
	defer nc.mu.Unlock()
	if nc.cols == nil {
		nc.cols = map[nullKey]*Column{}
	}
	k := nullKey{t, n}
	c := nc.cols[k]
	if c == nil {
		c = Const(t, types.NullOf(t), n)
		nc.cols[k] = c
	}
	return c
}

// Field is a named, typed column of a schema.
type Field struct {
	Name string
	Type types.Type
}

// Schema is an ordered list of fields.
type Schema []Field

// Index returns the position of the field named name, or -1.
func (s Schema) Index(name string) int {
	for i, f := range s {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// String prints the schema as (a:long, b:string).
func (s Schema) String() string {
	out := "("
	for i, f := range s {
		if i > 0 {
			out += ", "
		}
		out += fmt.Sprintf("%s:%s", f.Name, f.Type)
	}
	return out + ")"
}

// Batch is a set of equally long columns with a schema.
type Batch struct {
	Schema Schema
	Cols   []*Column
	N      int
}

// NewBatch returns an empty batch for schema s.
func NewBatch(s Schema, capacity int) *Batch {
	b := &Batch{Schema: s, Cols: make([]*Column, len(s))}
	for i, f := range s {
		b.Cols[i] = NewColumn(f.Type, capacity)
	}
	return b
}

// AppendRow appends one row of values (one per field).
func (b *Batch) AppendRow(vals []types.Value) {
	for i, v := range vals {
		b.Cols[i].Append(v)
	}
	b.N++
}

// Row returns row i as values.
func (b *Batch) Row(i int) []types.Value {
	out := make([]types.Value, len(b.Cols))
	for j, c := range b.Cols {
		out[j] = c.Get(i)
	}
	return out
}

// Take returns the rows at idx as a new batch.
func (b *Batch) Take(idx []int) *Batch {
	out := &Batch{Schema: b.Schema, Cols: make([]*Column, len(b.Cols)), N: len(idx)}
	for i, c := range b.Cols {
		out.Cols[i] = c.Take(idx)
	}
	return out
}

// Table is a named, fully materialised table: a schema and its batches.
type Table struct {
	Name    string
	Schema  Schema
	Batches []*Batch
}

// Rows returns the total row count.
func (t *Table) Rows() int {
	n := 0
	for _, b := range t.Batches {
		n += b.N
	}
	return n
}
