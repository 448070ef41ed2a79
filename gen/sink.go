package gen

import (
	"fmt"

	"github.com/rmmhunt/rmmhunt/ingest"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/schema"
	"github.com/rmmhunt/rmmhunt/table"
)

// BatchSink receives generated rows as column batches instead of files
// (see Options.Sink); a store.Writer is one.
type BatchSink interface {
	// Write receives rows of table (one of the three generated tables).
	// The sink owns b.
	Write(table string, b *table.Batch) error
}

// sinkBatchRows is the size of the batches handed to a BatchSink.
const sinkBatchRows = 1 << 16

// colSink builds the column batches of one table. The row renderers call
// the same obj methods as for JSON; in sink mode the members land in
// columns typed by the table's documented schema, converted as the JSON
// readers convert the streaming API's text (so a store written this way
// holds what writing the JSON and ingesting it would). Members whose
// value the renderer writes as JSON text are typed with ingest.JSONValue.
type colSink struct {
	table   string
	sink    BatchSink
	sch     table.Schema
	idx     map[string]int
	cols    []*table.Column
	set     []bool
	order   []int // the column met at each member position of the last row
	pos     int
	n       int
	rows    int // rows made in all
	pending int // column whose JSON value is being written to obj.b, or -1
	scratch []byte
}

func newColSink(name string, sink BatchSink) *colSink {
	s := &colSink{table: name, sink: sink, idx: map[string]int{}, pending: -1}
	if doc, ok := schema.Default().Lookup(name); ok {
		s.sch = append(s.sch, doc.Schema()...)
	}
	for i, f := range s.sch {
		s.idx[f.Name] = i
	}
	s.reset()
	return s
}

func (s *colSink) reset() {
	s.cols = make([]*table.Column, len(s.sch))
	for i, f := range s.sch {
		s.cols[i] = table.NewColumn(f.Type, sinkBatchRows)
	}
	s.set = make([]bool, len(s.sch))
	s.n = 0
}

// column returns the column of member k, met at the next member position;
// a member the schema does not document becomes a string column, as the
// readers type extra string members.
func (s *colSink) column(k string) int {
	if s.pos < len(s.order) {
		if c := s.order[s.pos]; s.sch[c].Name == k {
			s.pos++
			return c
		}
	}
	c, ok := s.idx[k]
	if !ok {
		c = s.addColumn(k)
	}
	s.remember(c)
	return c
}

// column2 is column for the member named prefix+suffix.
func (s *colSink) column2(prefix, suffix string) int {
	if s.pos < len(s.order) {
		c := s.order[s.pos]
		name := s.sch[c].Name
		if len(name) == len(prefix)+len(suffix) && name[:len(prefix)] == prefix && name[len(prefix):] == suffix {
			s.pos++
			return c
		}
	}
	return s.column(prefix + suffix)
}

func (s *colSink) remember(c int) {
	if s.pos < len(s.order) {
		s.order[s.pos] = c
	} else {
		s.order = append(s.order, c)
	}
	s.pos++
}

func (s *colSink) addColumn(k string) int {
	c := len(s.sch)
	s.sch = append(s.sch, table.Field{Name: k, Type: types.String})
	s.idx[k] = c
	col := table.NewColumn(types.String, sinkBatchRows)
	for range s.n {
		col.Strs = append(col.Strs, "")
	}
	s.cols = append(s.cols, col)
	s.set = append(s.set, false)
	return c
}

// put stores v in column c of the current row.
func (s *colSink) put(c int, v types.Value) {
	if s.set[c] {
		return // a repeated member: the first one counts
	}
	s.set[c] = true
	s.cols[c].Append(v)
}

// flushPending types the JSON value written for the pending member.
func (s *colSink) flushPending(o *obj) error {
	if s.pending < 0 {
		return nil
	}
	c := s.pending
	s.pending = -1
	s.scratch = s.scratch[:0]
	v, err := ingest.JSONValue(s.sch[c].Type, o.b, &s.scratch)
	o.b = o.b[:0]
	if err != nil {
		return fmt.Errorf("gen: %s.%s: %v", s.table, s.sch[c].Name, err)
	}
	if v.Type.UsesStrings() && !v.Null {
		v.S = intern(v.S)
	}
	s.put(c, v)
	return nil
}

// interned holds strings met in JSON-typed members, so that repeated
// values share memory.
var interned = map[string]string{}

func intern(s string) string {
	if v, ok := interned[s]; ok {
		return v
	}
	if len(interned) > 1<<20 {
		clear(interned)
	}
	v := string([]byte(s))
	interned[v] = v
	return v
}

// startRow begins a row.
func (s *colSink) startRow() { s.pos = 0 }

// endRow completes the current row (absent members are null) and hands a
// full batch to the sink.
func (s *colSink) endRow(o *obj) error {
	if err := s.flushPending(o); err != nil {
		return err
	}
	for c, ok := range s.set {
		if ok {
			s.set[c] = false
			continue
		}
		s.cols[c].AppendNull()
	}
	s.n++
	s.rows++
	if s.n >= sinkBatchRows {
		return s.flush()
	}
	return nil
}

// flush hands the rows built so far to the sink.
func (s *colSink) flush() error {
	if s.n == 0 {
		return nil
	}
	b := &table.Batch{Schema: append(table.Schema(nil), s.sch...), Cols: s.cols, N: s.n}
	s.reset()
	return s.sink.Write(s.table, b)
}

// Typed members in sink mode. Each returns false when the member must be
// written as JSON text and typed by the generic path instead.

func (o *obj) sinkKey(k string) {
	s := o.s
	if err := s.flushPending(o); err != nil && o.err == nil {
		o.err = err
	}
	s.pending = s.column(k)
	o.b = o.b[:0]
}

func (o *obj) sinkStr(k, v string) bool {
	s := o.s
	c := s.column(k)
	if s.sch[c].Type != types.String {
		s.pos--
		return false
	}
	s.put(c, types.Value{Type: types.String, S: v})
	return true
}

func (o *obj) sinkInt(k string, v int64, t types.Type) bool {
	s := o.s
	c := s.column(k)
	ct := s.sch[c].Type
	ok := ct == t || (t == types.Long && ct == types.Int) && v == int64(int32(v))
	if !ok {
		s.pos--
		return false
	}
	s.put(c, types.Value{Type: ct, I: v})
	return true
}
