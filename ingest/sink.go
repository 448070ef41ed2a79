package ingest

import (
	"fmt"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/schema"
	"github.com/rmmhunt/rmmhunt/table"
)

// slot is one column of a sink: the documented columns first, in
// documented order, then extra columns in first-seen order.
type slot struct {
	name  string
	typ   types.Type // the declared type; types.Null while an inferred column is untyped
	infer bool       // type taken from the values (unknown columns)
	extra bool       // not a documented column
	seen  bool       // a stored row has carried the column
	note  string     // warning to give when a stored row first carries the column
	key   string     // the name as the input spelled it
}

// sink assembles the rows of one table from one file into batches. A row
// is typed into cells first and appended only when every value is good,
// so a rejected row leaves no trace.
type sink struct {
	f      *fileState
	acc    *tableAcc
	slots  []slot
	index  map[string]int
	cols   []*colBuilder
	cells  []cell
	n      int // rows in the current batch
	stored int // rows stored from this file
	tsSlot int // documented datetime Timestamp, or -1
	tgSlot int // TimeGenerated, or -1
	// rowLine is the line of the row being assembled, for warnings.
	rowLine int
	// byCol maps the ids of keys typed by the parallel reader to slots
	// plus one (0: not yet mapped).
	byCol []int32
}

func newSink(f *fileState, acc *tableAcc) *sink {
	s := &sink{f: f, acc: acc, index: map[string]int{}, tsSlot: -1, tgSlot: -1}
	for _, c := range acc.def.Columns {
		s.addSlot(slot{name: c.Name, typ: c.Type})
	}
	if i, ok := s.index[schema.TimeColumn]; ok && s.slots[i].typ == types.Datetime {
		s.tsSlot = i
	}
	return s
}

// capacity is the initial capacity of a column that receives values.
func (s *sink) capacity() int { return min(s.f.l.batchRows, 1024) }

// addSlot adds a column to the sink; the rows of the current batch read as
// null in it.
func (s *sink) addSlot(sl slot) int {
	i := len(s.slots)
	s.slots = append(s.slots, sl)
	s.index[sl.name] = i
	b := newBuilder(sl.typ, sl.infer, s.capacity())
	b.n = s.n // the rows so far lack the column: nulls, still unallocated
	s.cols = append(s.cols, b)
	s.cells = append(s.cells, cell{})
	if sl.name == schema.SentinelTimeColumn && sl.typ == types.Datetime {
		s.tgSlot = i
	}
	return i
}

// slotFor returns the slot of the column named key, adding an extra column
// when the table does not document it. declared is the type the input
// declares for the column (API schema), or types.Unknown; text says the
// input is text (CSV), whose unknown columns are strings.
func (s *sink) slotFor(key []byte, declared types.Type, text bool) int {
	if i, ok := s.index[string(key)]; ok {
		return i
	}
	return s.newSlot(string(key), declared, text)
}

// slotForName is slotFor for a name held as a string.
func (s *sink) slotForName(name string, declared types.Type, text bool) int {
	if i, ok := s.index[name]; ok {
		return i
	}
	return s.newSlot(name, declared, text)
}

// newSlot maps a name that is not yet a key of s.index.
func (s *sink) newSlot(name string, declared types.Type, text bool) int {
	def := s.acc.def
	// A documented column spelled with other case (Isp/ISP).
	for i, c := range def.Columns {
		if strings.EqualFold(c.Name, name) {
			s.index[name] = i
			s.f.warnOnce(s.rowLine, name, def.Name+"\x00"+name,
				fmt.Sprintf("column %s read as the documented column %s of %s", name, c.Name, def.Name))
			return i
		}
	}
	sl := slot{name: name}
	var note string
	if c, ok := optionalColumn(def, name); ok {
		// A documented Sentinel or streaming column: kept without a note.
		sl.name, sl.typ = c.Name, c.Type
	} else {
		switch {
		case declared != types.Unknown && declared != types.Null:
			sl.typ = declared
		case text:
			sl.typ = types.String
		default:
			sl.typ, sl.infer = types.Null, true
		}
		if sl.infer {
			note = fmt.Sprintf("unknown column %s of %s kept as an extra column, typed from its values", name, def.Name)
		} else {
			note = fmt.Sprintf("unknown column %s of %s kept as an extra %s column", name, def.Name, sl.typ)
		}
	}
	if i, ok := s.index[sl.name]; ok { // optional column matched without case
		s.index[name] = i
		return i
	}
	sl.extra, sl.note, sl.key = true, note, name
	i := s.addSlot(sl)
	s.index[name] = i
	return i
}

// optionalColumn finds a Sentinel or streaming column of def (TimeGenerated,
// TenantId, Type, SourceSystem, MachineGroup) without regard to case.
func optionalColumn(def *schema.Table, name string) (schema.Column, bool) {
	for _, c := range def.Optional {
		if strings.EqualFold(c.Name, name) {
			return c, true
		}
	}
	return schema.Column{}, false
}

// setJSON types the raw JSON value v into the cell of slot i. It returns a
// reason when the value does not fit the column.
func (s *sink) setJSON(i int, v []byte) string {
	c := &s.cells[i]
	*c = cell{set: true}
	sl := &s.slots[i]
	if sl.infer {
		inferJSONCell(v, &s.f.scratch, c)
		return ""
	}
	return jsonCell(sl.typ, v, &s.f.scratch, c)
}

// setText types the text v into the cell of slot i.
func (s *sink) setText(i int, v string) string {
	c := &s.cells[i]
	*c = cell{set: true}
	sl := &s.slots[i]
	if sl.infer {
		if v != "" {
			c.kind, c.s = kStr, v
		}
		return ""
	}
	return textCell(sl.typ, v, c)
}

// abort drops the row being assembled.
func (s *sink) abort() {
	for i := range s.cells {
		s.cells[i] = cell{}
	}
}

// commit appends the assembled row.
func (s *sink) commit() {
	if s.tsSlot >= 0 && s.tgSlot >= 0 && s.cells[s.tsSlot].kind == kNull && s.cells[s.tgSlot].kind != kNull {
		s.cells[s.tsSlot] = s.cells[s.tgSlot]
		s.f.warnOnce(s.rowLine, "Timestamp", "Timestamp\x00"+s.acc.name,
			fmt.Sprintf("%s rows without Timestamp: Timestamp filled from TimeGenerated", s.acc.name))
	}
	for i, b := range s.cols {
		c := &s.cells[i]
		if c.set && !s.slots[i].seen {
			s.firstSeen(i)
		}
		b.add(c)
		*c = cell{}
	}
	s.n++
	s.stored++
	s.f.stats.Stored++
	if s.n >= s.f.l.batchRows {
		s.flush()
	}
}

// firstSeen notes the first stored row that carries a column: extra
// columns join the table's schema in this order, with a warning.
func (s *sink) firstSeen(i int) {
	sl := &s.slots[i]
	sl.seen = true
	if !sl.extra {
		return
	}
	s.acc.noteExtra(sl.name)
	if sl.note != "" {
		s.f.warnOnce(s.rowLine, sl.key, s.acc.name+"\x00"+sl.name, sl.note)
	}
}

// flush hands the current batch to the table accumulator.
func (s *sink) flush() {
	if s.n == 0 {
		return
	}
	pb := &pendingBatch{n: s.n, names: make([]string, len(s.slots)), cols: make([]*table.Column, len(s.slots))}
	capacity := s.capacity()
	if s.n >= s.f.l.batchRows {
		// A full batch: the next is likely full too, so its columns
		// are made at full size rather than grown.
		capacity = s.f.l.batchRows
	}
	for i, b := range s.cols {
		pb.names[i] = s.slots[i].name
		pb.cols[i] = b.finish()
		t := s.slots[i].typ
		if s.slots[i].infer {
			t = types.Null
		}
		b.reset(t, capacity)
	}
	s.n = 0
	s.f.l.emit(s.acc, pb)
}
