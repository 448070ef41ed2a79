package ingest

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/format"

	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/schema"
)

// This file reads Parquet files: those the store writes (datetimes as
// microsecond timestamps plus an INT32 <name>__100ns column holding the
// 100 ns digit, the KQL schema in the rmmhunt.schema metadata entry) and
// those of other tools (timestamps in ms, µs or ns, INT96 timestamps,
// dates, integers of any width, doubles, decimals, strings, JSON, UUIDs,
// nested lists, maps and structs, which become JSON text). Row groups are
// read a few rows at a time, never whole.

// Names the store gives its Parquet files (see package store).
const (
	pqSubMicroSuffix = "__100ns"
	pqSchemaKey      = "rmmhunt.schema"
)

// pqRowsPerRead is the number of rows read from a row group at a time.
const pqRowsPerRead = 256

// srcReader is the random-access view of an input, for Parquet files.
type srcReader struct {
	r    io.ReaderAt
	base int64 // offset of the input's first byte in r
	size int64
}

// readerAtOf returns the random-access view of r when it has one (files,
// bytes.Reader), or nil.
func readerAtOf(r io.Reader) *srcReader {
	var count *atomic.Int64
	if c, ok := r.(*countingReader); ok {
		r, count = c.r, c.n
	}
	ra, ok := r.(io.ReaderAt)
	sk, ok2 := r.(io.Seeker)
	if !ok || !ok2 {
		return nil
	}
	cur, err := sk.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil
	}
	end, err := sk.Seek(0, io.SeekEnd)
	if _, err2 := sk.Seek(cur, io.SeekStart); err != nil || err2 != nil {
		return nil
	}
	if count != nil {
		ra = &countingReaderAt{r: ra, n: count}
	}
	return &srcReader{r: ra, base: cur, size: end - cur}
}

// countingReaderAt adds the bytes read through it to n.
type countingReaderAt struct {
	r io.ReaderAt
	n *atomic.Int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	k, err := c.r.ReadAt(p, off)
	c.n.Add(int64(k))
	return k, err
}

// offsetReaderAt reads r from base on.
type offsetReaderAt struct {
	r    io.ReaderAt
	base int64
}

func (o offsetReaderAt) ReadAt(p []byte, off int64) (int, error) { return o.r.ReadAt(p, o.base+off) }

// readParquetInput reads a Parquet input: in place when it is a plain file
// (or another random-access reader), else (gzip, a pipe) from a temporary
// copy.
func (f *fileState) readParquetInput(br *bufio.Reader) error {
	if f.src != nil && !f.stats.Compressed {
		var ra io.ReaderAt = f.src.r
		if f.src.base != 0 {
			ra = offsetReaderAt{f.src.r, f.src.base}
		}
		return f.readParquet(ra, f.src.size)
	}
	tmp, err := os.CreateTemp("", "rmmhunt-*.parquet")
	if err != nil {
		return fmt.Errorf("cannot copy the Parquet input to a temporary file: %v", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	n, err := io.Copy(tmp, br)
	if err != nil {
		return fmt.Errorf("cannot copy the Parquet input to a temporary file: %v", describeReadErr(err, f.stats.Compressed))
	}
	return f.readParquet(tmp, n)
}

// pqKind is how a Parquet leaf column's values read.
type pqKind uint8

const (
	pqBool      pqKind = iota
	pqInt              // signed integers of any width
	pqUint32           // unsigned INT32
	pqUint64           // unsigned INT64
	pqReal             // FLOAT, DOUBLE
	pqTimestamp        // INT64 in units of unit since the Unix epoch
	pqInt96            // legacy INT96 timestamps (Spark, Impala)
	pqDate             // INT32 days since the Unix epoch
	pqTime             // time of day in units of unit
	pqDecimal          // scaled integer (INT32, INT64) or big-endian bytes
	pqString           // UTF-8 text
	pqJSON             // JSON text
	pqBytes            // other binary data
	pqUUID             // 16 bytes
)

// pqLeaf describes one leaf column.
type pqLeaf struct {
	kind  pqKind
	unit  int64 // nanoseconds per unit (timestamps, times)
	scale int   // decimal scale
}

// pqNode is a node of a Parquet schema, with the levels at which its values
// are defined and repeated.
type pqNode struct {
	name     string
	leaf     int // leaf column index, -1 for a group
	pl       pqLeaf
	optional bool
	repeated bool
	list     bool // LIST annotation
	isMap    bool // MAP annotation
	def, rep int  // definition and repetition levels of the node itself
	children []*pqNode
	leaves   []int // leaf columns under the node (itself, for a leaf)
}

// pqCol is one top-level column of a Parquet file.
type pqCol struct {
	node     *pqNode
	name     string
	declared types.Type // the type of a column the table does not document
	flat     bool       // a single, non-repeated leaf
	rem      int        // leaf of the store's 100 ns digit column, or -1
}

// buildPQNode converts a parquet.Node into a pqNode; next numbers leaves.
func buildPQNode(name string, n parquet.Node, def, rep int, next *int) (*pqNode, error) {
	p := &pqNode{name: name, leaf: -1, optional: n.Optional(), repeated: n.Repeated()}
	if p.optional || p.repeated {
		def++
	}
	if p.repeated {
		rep++
	}
	p.def, p.rep = def, rep
	if def > 255 || rep > 255 {
		return nil, errors.New("schema nested too deeply")
	}
	if n.Leaf() {
		p.leaf = *next
		*next++
		p.leaves = []int{p.leaf}
		p.pl = leafKind(n)
		return p, nil
	}
	if lt := n.Type().LogicalType(); lt != nil {
		switch lt.Value.(type) {
		case *format.ListType:
			p.list = true
		case *format.MapType:
			p.isMap = true
		}
	}
	if ct := n.Type().ConvertedType(); ct != nil {
		switch *ct {
		case deprecated.List:
			p.list = true
		case deprecated.Map, deprecated.MapKeyValue:
			p.isMap = true
		}
	}
	for _, c := range n.Fields() {
		cn, err := buildPQNode(c.Name(), c, def, rep, next)
		if err != nil {
			return nil, err
		}
		p.children = append(p.children, cn)
		p.leaves = append(p.leaves, cn.leaves...)
	}
	if len(p.leaves) == 0 {
		return nil, fmt.Errorf("group %s has no columns", name)
	}
	return p, nil
}

// leafKind tells how a leaf's values read from its physical and logical
// types.
func leafKind(n parquet.Node) pqLeaf {
	t := n.Type()
	if lt := t.LogicalType(); lt != nil && lt.Value != nil {
		switch v := lt.Value.(type) {
		case *format.TimestampType:
			if v.Unit.Value != nil {
				return pqLeaf{kind: pqTimestamp, unit: int64(v.Unit.Value.Duration())}
			}
		case *format.TimeType:
			if v.Unit.Value != nil {
				return pqLeaf{kind: pqTime, unit: int64(v.Unit.Value.Duration())}
			}
		case *format.DateType:
			return pqLeaf{kind: pqDate}
		case *format.DecimalType:
			return pqLeaf{kind: pqDecimal, scale: int(v.Scale)}
		case *format.IntType:
			if !v.IsSigned {
				if t.Kind() == parquet.Int32 {
					return pqLeaf{kind: pqUint32}
				}
				return pqLeaf{kind: pqUint64}
			}
			return pqLeaf{kind: pqInt}
		case *format.StringType, *format.EnumType:
			return pqLeaf{kind: pqString}
		case *format.JsonType:
			return pqLeaf{kind: pqJSON}
		case *format.UUIDType:
			return pqLeaf{kind: pqUUID}
		}
	}
	if ct := t.ConvertedType(); ct != nil {
		switch *ct {
		case deprecated.TimestampMillis:
			return pqLeaf{kind: pqTimestamp, unit: 1e6}
		case deprecated.TimestampMicros:
			return pqLeaf{kind: pqTimestamp, unit: 1e3}
		case deprecated.TimeMillis:
			return pqLeaf{kind: pqTime, unit: 1e6}
		case deprecated.TimeMicros:
			return pqLeaf{kind: pqTime, unit: 1e3}
		case deprecated.Date:
			return pqLeaf{kind: pqDate}
		case deprecated.Decimal:
			return pqLeaf{kind: pqDecimal, scale: schemaScale(n)}
		case deprecated.Uint32:
			return pqLeaf{kind: pqUint32}
		case deprecated.Uint64:
			return pqLeaf{kind: pqUint64}
		case deprecated.UTF8, deprecated.Enum:
			return pqLeaf{kind: pqString}
		case deprecated.Json:
			return pqLeaf{kind: pqJSON}
		}
	}
	switch t.Kind() {
	case parquet.Boolean:
		return pqLeaf{kind: pqBool}
	case parquet.Int32, parquet.Int64:
		return pqLeaf{kind: pqInt}
	case parquet.Int96:
		return pqLeaf{kind: pqInt96}
	case parquet.Float, parquet.Double:
		return pqLeaf{kind: pqReal}
	case parquet.ByteArray:
		return pqLeaf{kind: pqString} // Binary columns of other tools usually hold text
	}
	return pqLeaf{kind: pqBytes}
}

// schemaScale is the scale of a legacy DECIMAL column, 0 when unknown.
func schemaScale(n parquet.Node) int {
	if lt := n.Type().LogicalType(); lt != nil {
		if d, ok := lt.Value.(*format.DecimalType); ok {
			return int(d.Scale)
		}
	}
	return 0
}

// naturalType is the KQL type a leaf's values have.
func (pl pqLeaf) naturalType() types.Type {
	switch pl.kind {
	case pqBool:
		return types.Bool
	case pqInt, pqUint32, pqUint64:
		return types.Long
	case pqReal, pqDecimal:
		return types.Real
	case pqTimestamp, pqInt96, pqDate:
		return types.Datetime
	case pqTime:
		return types.Timespan
	case pqJSON:
		return types.Dynamic
	case pqUUID:
		return types.Guid
	}
	return types.String
}

// safeParquet runs fn, turning a panic of the Parquet library on corrupt
// input into an error.
func safeParquet(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("corrupt Parquet data (%v)", r)
		}
	}()
	return fn()
}

// readParquet reads a Parquet file of size bytes.
func (f *fileState) readParquet(ra io.ReaderAt, size int64) error {
	if err := checkParquetFooter(ra, size); err != nil {
		return fmt.Errorf("not a readable Parquet file (truncated or corrupt?): %v", err)
	}
	var pf *parquet.File
	err := safeParquet(func() (err error) {
		pf, err = parquet.OpenFile(ra, size, parquet.SkipBloomFilters(true), parquet.SkipPageIndex(true))
		return err
	})
	if err != nil {
		return fmt.Errorf("not a readable Parquet file (truncated or corrupt?): %v", err)
	}
	f.setFormat(FormatParquet)
	cols, err := f.parquetColumns(pf)
	if err != nil {
		return err
	}
	// The table: as for other formats, else a Type column, else a directory
	// named after the table (the store's <Table>/<day>/<file>.parquet).
	typeCol := -1
	for i, c := range cols {
		if c.name == "Type" && c.flat && c.node.pl.kind == pqString {
			typeCol = i
		}
	}
	if f.fileTable == "" && f.l.opts.Table == "" {
		f.fileTable = tableFromDir(f.l.reg, f.name)
	}
	if f.fileTable == "" && typeCol < 0 {
		return f.errNoTable()
	}
	r := &pqReader{f: f, cols: cols, typeCol: typeCol, nleaves: len(pf.Schema().Columns())}
	row := 0
	meta := pf.Metadata()
	for gi, rg := range pf.RowGroups() {
		n := int(rg.NumRows())
		if gi < len(meta.RowGroups) {
			if err := checkPageHeaders(ra, size, &meta.RowGroups[gi]); err != nil {
				f.rejectRow(row+1, fmt.Sprintf("corrupt Parquet data in row group %d: rows %d to %d could not be read: %v", gi+1, row+1, row+n, err), nil)
				row += n
				continue
			}
		}
		got, err := r.readGroup(rg, row)
		if err != nil {
			var fe fatalError
			if errors.As(err, &fe) {
				return fe.error
			}
			first := row + got + 1
			where := fmt.Sprintf("row %d", first)
			if n > got+1 {
				where = fmt.Sprintf("rows %d to %d", first, row+n)
			}
			f.rejectRow(first, fmt.Sprintf("corrupt Parquet data in row group %d: %s could not be read: %v", gi+1, where, err), nil)
		}
		row += n
	}
	return nil
}

// checkParquetFooter checks the end of a Parquet file (footer length and
// magic) before the library reads it: a corrupt length would otherwise
// make it allocate up to 4 GiB.
func checkParquetFooter(ra io.ReaderAt, size int64) error {
	if size < 12 {
		return fmt.Errorf("%d bytes is too short for a Parquet file", size)
	}
	var tail [8]byte
	if _, err := ra.ReadAt(tail[:], size-8); err != nil {
		return err
	}
	if string(tail[4:]) != "PAR1" {
		return fmt.Errorf("the file does not end with the magic bytes PAR1 (found %q)", tail[4:])
	}
	if n := int64(binary.LittleEndian.Uint32(tail[:4])); n > size-12 {
		return fmt.Errorf("the footer length %d exceeds the file size %d", n, size)
	}
	return nil
}

// tableFromDir returns the known table named by a directory of path, the
// nearest first, or "".
func tableFromDir(reg *schema.Registry, path string) string {
	dir := filepath.Dir(filepath.ToSlash(path))
	for _, part := range slicesReverse(strings.Split(filepath.ToSlash(dir), "/")) {
		for _, n := range reg.Names() {
			if strings.EqualFold(n, part) {
				return n
			}
		}
	}
	return ""
}

func slicesReverse(s []string) []string {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
	return s
}

// parquetColumns maps the top-level fields of pf to columns.
func (f *fileState) parquetColumns(pf *parquet.File) ([]pqCol, error) {
	// The store's KQL schema, when the file is one of its files.
	stored := map[string]types.Type{}
	if meta, ok := pf.Lookup(pqSchemaKey); ok {
		var fs []struct{ Name, Type string }
		if json.Unmarshal([]byte(meta), &fs) == nil {
			for _, fl := range fs {
				if t, ok := types.Parse(fl.Type); ok {
					stored[fl.Name] = t
				}
			}
		}
	}
	next := 0
	var cols []pqCol
	byName := map[string]int{}
	for _, fl := range pf.Schema().Fields() {
		node, err := buildPQNode(fl.Name(), fl, 0, 0, &next)
		if err != nil {
			return nil, fmt.Errorf("unsupported Parquet schema: %v", err)
		}
		c := pqCol{node: node, name: fl.Name(), rem: -1, flat: node.leaf >= 0 && !node.repeated}
		c.declared = types.Dynamic
		if c.flat {
			c.declared = node.pl.naturalType()
		}
		if t, ok := stored[c.name]; ok && t != types.Null {
			c.declared = t
		}
		byName[c.name] = len(cols)
		cols = append(cols, c)
	}
	if next != len(pf.Schema().Columns()) {
		return nil, fmt.Errorf("unsupported Parquet schema: %d leaf columns, %d expected", next, len(pf.Schema().Columns()))
	}
	// The store's 100 ns digit columns join their datetime column.
	digit := make([]bool, len(cols))
	for i, c := range cols {
		base, ok := strings.CutSuffix(c.name, pqSubMicroSuffix)
		if ok && c.flat && c.node.pl.kind == pqInt {
			if bi, found := byName[base]; found && cols[bi].flat && cols[bi].node.pl.kind == pqTimestamp {
				cols[bi].rem = c.node.leaf
				digit[i] = true
			}
		}
	}
	final := make([]pqCol, 0, len(cols))
	for i, c := range cols {
		if !digit[i] {
			final = append(final, c)
		}
	}
	return final, nil
}

// pqReader reads the rows of one Parquet file.
type pqReader struct {
	f       *fileState
	cols    []pqCol
	typeCol int
	nleaves int
	vals    [][]parquet.Value // values of the current row by leaf column
	slots   map[*sink][]int   // slot of each column, by sink
	json    []byte
	text    []byte
}

// readGroup reads the rows of one row group, the first being row+1 of the
// file. It returns the rows read and, when the group could not be read to
// its end, why.
func (r *pqReader) readGroup(rg parquet.RowGroup, row int) (got int, err error) {
	want := int(rg.NumRows())
	var rows parquet.Rows
	if err := safeParquet(func() error { rows = rg.Rows(); return nil }); err != nil {
		return 0, err
	}
	defer rows.Close()
	buf := make([]parquet.Row, pqRowsPerRead)
	for got < want {
		var n int
		var rerr error
		perr := safeParquet(func() error {
			n, rerr = rows.ReadRows(buf[:min(len(buf), want-got)])
			return nil
		})
		if perr != nil {
			return got, perr
		}
		n = min(n, want-got)
		for i := range n {
			if err := r.row(buf[i], row+got+1); err != nil {
				return got, err
			}
			got++
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return got, rerr
		}
		if n == 0 {
			return got, errors.New("no rows where the row group promised more")
		}
	}
	if got < want {
		return got, fmt.Errorf("the row group ends after %d of its %d rows", got, want)
	}
	return got, nil
}

// row reads one Parquet row, number n of the file. It returns an error only
// when the row's structure is corrupt (the rest of the group is then
// unreadable).
func (r *pqReader) row(pr parquet.Row, n int) error {
	f := r.f
	if cap(r.vals) < r.nleaves {
		r.vals = make([][]parquet.Value, r.nleaves)
	}
	r.vals = r.vals[:r.nleaves]
	clear(r.vals)
	pr.Range(func(ci int, v []parquet.Value) bool {
		if ci >= 0 && ci < len(r.vals) {
			r.vals[ci] = v
		}
		return true
	})
	for _, c := range r.cols {
		for _, l := range c.node.leaves {
			if len(r.vals[l]) == 0 {
				return fmt.Errorf("row %d has no value for column %s", n, c.name)
			}
		}
	}
	t := f.fileTable
	if f.l.opts.Table == "" && r.typeCol >= 0 {
		if v := r.vals[r.cols[r.typeCol].node.leaf][0]; !v.IsNull() {
			if tt := f.typeTable(v.ByteArray()); tt != "" {
				t = tt
			}
		}
	}
	if t == "" {
		if !f.routed {
			return f.errNoTable()
		}
		f.rejectRow(n, noTableReason, r.rawRow())
		return nil
	}
	f.routed = true
	s := f.sink(t)
	s.rowLine = 0
	slots := r.slots[s]
	if slots == nil {
		if r.slots == nil {
			r.slots = map[*sink][]int{}
		}
		slots = make([]int, len(r.cols))
		for i, c := range r.cols {
			slots[i] = s.slotForName(c.name, c.declared, false)
		}
		r.slots[s] = slots
	}
	r.text = r.text[:0]
	for i, c := range r.cols {
		slot := slots[i]
		cl := &s.cells[slot]
		*cl = cell{set: true}
		sl := &s.slots[slot]
		var reason string
		var shown string
		if c.flat {
			v := r.vals[c.node.leaf][0]
			reason = r.scalarCell(sl.typ, sl.infer, c, v, cl)
			if reason != "" {
				shown = r.showValue(c, v)
			}
		} else {
			var js []byte
			js, err := r.appendField(r.json[:0], c.node, r.vals)
			if err != nil {
				s.abort()
				return err
			}
			r.json = js
			start := len(r.text)
			r.text = append(r.text, js...) // cells keep their bytes until commit
			v := r.text[start:]
			f.prepScratch(len(v))
			if sl.infer {
				inferJSONCell(v, &f.scratch, cl)
			} else {
				reason = jsonCell(sl.typ, v, &f.scratch, cl)
			}
			if reason == "" && cl.kind == kStr && cl.b != nil {
				// The next column reuses the scratch buffer.
				cl.b = append([]byte{}, cl.b...)
			}
			shown = showJSON(v)
		}
		if reason != "" {
			s.abort()
			f.rejectRow(n, fmt.Sprintf("column %s: %s %s", sl.name, shown, reason), r.rawRow())
			return nil
		}
	}
	f.stats.Read++
	s.commit()
	return nil
}

// ticksPerDay is the number of 100 ns ticks in a day.
const ticksPerDay = 864_000_000_000

// scalarCell types the value v of flat column c for a column of type t.
func (r *pqReader) scalarCell(t types.Type, infer bool, c pqCol, v parquet.Value, cl *cell) string {
	if v.IsNull() {
		cl.kind = kNull
		return ""
	}
	pl := c.node.pl
	if infer {
		t = pl.naturalType()
		if t == types.Datetime || t == types.Timespan || t == types.Guid || t == types.Dynamic {
			t = types.String
		}
	}
	switch pl.kind {
	case pqBool:
		b := v.Boolean()
		switch t {
		case types.Bool:
			cl.kind, cl.i = kBool, b2i(b)
		case types.String:
			cl.kind, cl.s = kStr, strconv.FormatBool(b)
		case types.Dynamic:
			cl.kind, cl.d = kDyn, b
		default:
			return "is not a " + t.String()
		}
		return ""
	case pqInt, pqUint32, pqUint64:
		var n int64
		switch pl.kind {
		case pqUint32:
			n = int64(uint32(v.Int32()))
		case pqUint64:
			u := v.Uint64()
			if u > math.MaxInt64 {
				if t == types.Real || t == types.Decimal {
					cl.kind, cl.f = kReal, float64(u)
					return ""
				}
				return "is out of range for " + t.String()
			}
			n = int64(u)
		default:
			if v.Kind() == parquet.Int32 {
				n = int64(v.Int32())
			} else {
				n = v.Int64()
			}
		}
		return intCell(t, c.declared, n, cl)
	case pqReal:
		var x float64
		if v.Kind() == parquet.Float {
			x = float64(v.Float())
		} else {
			x = v.Double()
		}
		return realCell(t, x, cl)
	case pqDecimal:
		x, ok := decimalValue(v, pl.scale)
		if !ok {
			return "is not a decimal"
		}
		return realCell(t, x, cl)
	case pqTimestamp, pqInt96, pqDate:
		var ticks int64
		switch pl.kind {
		case pqTimestamp:
			ticks = unitTicks(v.Int64(), pl.unit) + types.UnixEpochTicks
			if c.rem >= 0 {
				if d := r.vals[c.rem]; len(d) > 0 && !d[0].IsNull() {
					ticks += int64(d[0].Int32())
				}
			}
		case pqInt96:
			i96 := v.Int96()
			nanos := int64(uint64(i96[0]) | uint64(i96[1])<<32)
			ticks = (int64(i96[2])-2440588)*ticksPerDay + nanos/100 + types.UnixEpochTicks
		case pqDate:
			ticks = int64(v.Int32())*ticksPerDay + types.UnixEpochTicks
		}
		return ticksCell(t, types.Datetime, ticks, types.FormatDatetime, cl)
	case pqTime:
		ticks := unitTicks(v.Int64(), pl.unit)
		if v.Kind() == parquet.Int32 {
			ticks = unitTicks(int64(v.Int32()), pl.unit)
		}
		return ticksCell(t, types.Timespan, ticks, types.FormatTimespan, cl)
	case pqUUID:
		b := v.ByteArray()
		if len(b) != 16 {
			return "is not a guid"
		}
		g := formatUUID(b)
		if t == types.Guid || t == types.String {
			cl.kind, cl.s = kStr, g
			return ""
		}
		return textCell(t, g, cl)
	case pqJSON:
		b := v.ByteArray()
		if !utf8.Valid(b) {
			return "is not valid UTF-8"
		}
		if t == types.String {
			cl.kind, cl.b = kStr, nonNil(b)
			return ""
		}
		return textCell(t, string(b), cl)
	}
	// Text and other byte arrays.
	b := v.ByteArray()
	if !utf8.Valid(b) {
		if t == types.String || t == types.Dynamic {
			return "is not valid UTF-8 text"
		}
		return "is not a " + t.String()
	}
	switch t {
	case types.String:
		cl.kind, cl.b = kStr, nonNil(b)
		return ""
	case types.Long, types.Int:
		return bytesCell(t, b, cl)
	}
	return textCell(t, string(b), cl)
}

// unitTicks converts a count of units of unit nanoseconds to 100 ns ticks.
func unitTicks(n, unit int64) int64 {
	switch {
	case unit >= 100:
		return n * (unit / 100)
	case unit > 0:
		return n / (100 / unit)
	}
	return n
}

// ticksCell types a datetime or timespan value (ticks) for a column of type
// t: the value itself when t is its own type (native), its Kusto text for
// a string or dynamic column, else an error.
func ticksCell(t, native types.Type, ticks int64, format func(int64) string, cl *cell) string {
	switch t {
	case native:
		cl.kind, cl.i = kInt, ticks
	case types.String:
		cl.kind, cl.s = kStr, format(ticks)
	case types.Dynamic:
		cl.kind, cl.d = kDyn, format(ticks)
	default:
		return "is not a " + t.String()
	}
	return ""
}

// intCell types an integer for a column of type t; declared is the type the
// file gives the column (a timespan column of the store holds ticks).
func intCell(t, declared types.Type, n int64, cl *cell) string {
	switch t {
	case types.Long:
		cl.kind, cl.i = kInt, n
	case types.Int:
		if n < math.MinInt32 || n > math.MaxInt32 {
			return "is out of range for int"
		}
		cl.kind, cl.i = kInt, n
	case types.Real, types.Decimal:
		cl.kind, cl.f = kReal, float64(n)
	case types.Bool:
		if n != 0 && n != 1 {
			return "is not a bool"
		}
		cl.kind, cl.i = kBool, n
	case types.String:
		cl.kind, cl.s = kStr, strconv.FormatInt(n, 10)
	case types.Dynamic:
		cl.kind, cl.d = kDyn, n
	case types.Timespan:
		if declared != types.Timespan {
			return "is not a timespan"
		}
		cl.kind, cl.i = kInt, n
	default:
		return "is not a " + t.String()
	}
	return ""
}

// realCell types a floating-point number for a column of type t: NaN is
// null except in real columns, whole numbers fit integer columns.
func realCell(t types.Type, x float64, cl *cell) string {
	switch t {
	case types.Real, types.Decimal:
		cl.kind, cl.f = kReal, x
		return ""
	case types.Dynamic:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			cl.kind = kNull
			return ""
		}
		cl.kind, cl.d = kDyn, x
		return ""
	case types.String:
		cl.kind, cl.s = kStr, strconv.FormatFloat(x, 'g', -1, 64)
		return ""
	}
	if math.IsNaN(x) {
		cl.kind = kNull // pandas writes missing integers as NaN
		return ""
	}
	switch t {
	case types.Long, types.Int:
		if x != math.Trunc(x) || math.IsInf(x, 0) {
			return "is not a whole number"
		}
		if x < -9.223372036854775e18 || x >= 9.223372036854775e18 {
			return "is out of range for " + t.String()
		}
		return intCell(t, t, int64(x), cl)
	case types.Bool:
		if x == 0 || x == 1 {
			cl.kind, cl.i = kBool, int64(x)
			return ""
		}
	}
	return "is not a " + t.String()
}

// decimalValue reads a DECIMAL value (INT32, INT64 or big-endian two's
// complement bytes) as a float.
func decimalValue(v parquet.Value, scale int) (float64, bool) {
	var x float64
	switch v.Kind() {
	case parquet.Int32:
		x = float64(v.Int32())
	case parquet.Int64:
		x = float64(v.Int64())
	case parquet.ByteArray, parquet.FixedLenByteArray:
		b := v.ByteArray()
		if len(b) == 0 || len(b) > 32 {
			return 0, false
		}
		neg := b[0]&0x80 != 0
		for _, c := range b {
			if neg {
				c = ^c
			}
			x = x*256 + float64(c)
		}
		if neg {
			x = -(x + 1)
		}
	default:
		return 0, false
	}
	return x / math.Pow10(scale), true
}

func formatUUID(b []byte) string {
	const hexDigits = "0123456789abcdef"
	out := make([]byte, 0, 36)
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hexDigits[c>>4], hexDigits[c&15])
	}
	return string(out)
}

// appendField appends the JSON of field n for one instance of its parent,
// given the values of that instance by leaf column.
func (r *pqReader) appendField(dst []byte, n *pqNode, vals [][]parquet.Value) ([]byte, error) {
	if !n.repeated {
		return r.appendValue(dst, n, vals)
	}
	return appendArray(dst, n, vals, func(dst []byte, e [][]parquet.Value) ([]byte, error) {
		return r.appendValue(dst, n, e)
	})
}

// split divides the values of repeated node n within one instance of its
// parent into the values of each of its elements.
func split(n *pqNode, vals [][]parquet.Value) ([][][]parquet.Value, error) {
	first := vals[n.leaves[0]]
	if len(first) == 0 {
		return nil, errors.New("missing values in a repeated column")
	}
	if first[0].DefinitionLevel() < n.def {
		return nil, nil // empty or absent
	}
	var out [][][]parquet.Value
	for li, l := range n.leaves {
		vs := vals[l]
		k := 0
		start := 0
		for i := 1; i <= len(vs); i++ {
			if i < len(vs) && vs[i].RepetitionLevel() > n.rep {
				continue
			}
			if li == 0 {
				out = append(out, make([][]parquet.Value, len(vals)))
			}
			if k >= len(out) {
				return nil, errors.New("repetition levels of a nested column disagree")
			}
			out[k][l] = vs[start:i]
			k++
			start = i
		}
		if k != len(out) {
			return nil, errors.New("repetition levels of a nested column disagree")
		}
	}
	return out, nil
}

// appendValue appends the JSON of one instance of node n.
func (r *pqReader) appendValue(dst []byte, n *pqNode, vals [][]parquet.Value) ([]byte, error) {
	first := vals[n.leaves[0]]
	if len(first) == 0 {
		return dst, errors.New("missing values in a nested column")
	}
	if first[0].DefinitionLevel() < n.def {
		return append(dst, "null"...), nil
	}
	if n.leaf >= 0 {
		if len(first) != 1 {
			return dst, errors.New("repetition levels of a nested column disagree")
		}
		return r.appendScalarJSON(dst, n.pl, first[0]), nil
	}
	var err error
	switch {
	case n.list && len(n.children) == 1 && n.children[0].repeated:
		rep := n.children[0]
		elem := rep
		if rep.leaf < 0 && len(rep.children) == 1 {
			elem = rep.children[0]
		}
		return appendArray(dst, rep, vals, func(dst []byte, e [][]parquet.Value) ([]byte, error) {
			if elem == rep {
				return r.appendValue(dst, rep, e)
			}
			return r.appendField(dst, elem, e)
		})
	case n.isMap && len(n.children) == 1 && n.children[0].repeated && len(n.children[0].children) == 2:
		kv := n.children[0]
		elems, err := split(kv, vals)
		if err != nil {
			return dst, err
		}
		dst = append(dst, '{')
		for i, e := range elems {
			if i > 0 {
				dst = append(dst, ',')
			}
			start := len(dst)
			if dst, err = r.appendField(dst, kv.children[0], e); err != nil {
				return dst, err
			}
			if dst[start] != '"' { // keys are strings in JSON
				key := string(dst[start:])
				dst = appendJSONString(dst[:start], key)
			}
			dst = append(dst, ':')
			if dst, err = r.appendField(dst, kv.children[1], e); err != nil {
				return dst, err
			}
		}
		return append(dst, '}'), nil
	}
	dst = append(dst, '{')
	for i, c := range n.children {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, c.name)
		dst = append(dst, ':')
		if dst, err = r.appendField(dst, c, vals); err != nil {
			return dst, err
		}
	}
	return append(dst, '}'), nil
}

// appendArray appends the instances of the repeated node n found in vals as
// a JSON array, each written by elem.
func appendArray(dst []byte, n *pqNode, vals [][]parquet.Value, elem func([]byte, [][]parquet.Value) ([]byte, error)) ([]byte, error) {
	elems, err := split(n, vals)
	if err != nil {
		return dst, err
	}
	dst = append(dst, '[')
	for i, e := range elems {
		if i > 0 {
			dst = append(dst, ',')
		}
		if dst, err = elem(dst, e); err != nil {
			return dst, err
		}
	}
	return append(dst, ']'), nil
}

// appendScalarJSON appends a leaf value as JSON.
func (r *pqReader) appendScalarJSON(dst []byte, pl pqLeaf, v parquet.Value) []byte {
	if v.IsNull() {
		return append(dst, "null"...)
	}
	var c cell
	col := pqCol{node: &pqNode{pl: pl}, declared: pl.naturalType(), rem: -1}
	t := pl.naturalType()
	if t == types.Guid {
		t = types.String
	}
	if t == types.Dynamic { // JSON text stays JSON when it is valid
		b := v.ByteArray()
		if i := skipSpace(b, 0); i < len(b) {
			if end, err := scanValue(b, i, 0); err == nil && skipSpace(b, end) == len(b) {
				return appendCompact(dst, b[i:end])
			}
		}
		return appendJSONString(dst, string(b))
	}
	if reason := r.scalarCell(t, false, col, v, &c); reason != "" {
		return append(dst, "null"...)
	}
	switch c.kind {
	case kBool:
		return strconv.AppendBool(dst, c.i != 0)
	case kInt:
		if t == types.Datetime {
			return appendJSONString(dst, types.FormatDatetime(c.i))
		}
		if t == types.Timespan {
			return appendJSONString(dst, types.FormatTimespan(c.i))
		}
		return strconv.AppendInt(dst, c.i, 10)
	case kReal:
		if math.IsNaN(c.f) || math.IsInf(c.f, 0) {
			return append(dst, "null"...)
		}
		return strconv.AppendFloat(dst, c.f, 'g', -1, 64)
	case kStr:
		return appendJSONString(dst, c.text())
	}
	return append(dst, "null"...)
}

// appendJSONString appends s as a JSON string; invalid UTF-8 becomes U+FFFD.
func appendJSONString(dst []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c < 0x20:
				switch c {
				case '\n':
					dst = append(dst, '\\', 'n')
				case '\r':
					dst = append(dst, '\\', 'r')
				case '\t':
					dst = append(dst, '\\', 't')
				default:
					dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
				}
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, "\\ufffd"...)
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}

// showValue shows a flat column's value in a reject message.
func (r *pqReader) showValue(c pqCol, v parquet.Value) string {
	b := r.appendScalarJSON(nil, c.node.pl, v)
	return showJSON(b)
}

// rawRow is the current row as a JSON object, for a reject's Raw.
func (r *pqReader) rawRow() []byte {
	dst := []byte{'{'}
	for i, c := range r.cols {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, c.name)
		dst = append(dst, ':')
		var err error
		if c.flat {
			dst = r.appendScalarJSON(dst, c.node.pl, r.vals[c.node.leaf][0])
		} else if dst, err = r.appendField(dst, c.node, r.vals); err != nil {
			return dst
		}
		if len(dst) > MaxRawBytes {
			break
		}
	}
	return append(dst, '}')
}

// rejectRow counts row n of a Parquet file as read and rejected.
func (f *fileState) rejectRow(n int, reason string, raw []byte) {
	f.stats.Read++
	f.stats.Rejected++
	f.l.addReject(Reject{File: f.name, Row: n, Reason: reason, Raw: truncRaw(raw)})
}

// maxParquetPage bounds a page's uncompressed size. The Parquet library
// allocates a page's buffers from the sizes its header declares, before
// reading it; a corrupt header could make it allocate gigabytes.
const maxParquetPage = 256 << 20

// checkPageHeaders walks the page headers of every column chunk of a row
// group before the library reads them: each page must lie inside its
// chunk, and the chunk inside the file, and no page may declare more than
// maxParquetPage uncompressed bytes.
func checkPageHeaders(ra io.ReaderAt, size int64, rg *format.RowGroup) error {
	for ci := range rg.Columns {
		md := &rg.Columns[ci].MetaData
		start := md.DataPageOffset
		if md.DictionaryPageOffset > 0 && md.DictionaryPageOffset < start {
			start = md.DictionaryPageOffset
		}
		end := start + md.TotalCompressedSize
		if start < 4 || md.TotalCompressedSize < 0 || end > size-8 || end < start {
			return fmt.Errorf("column %d: its pages [%d, %d) lie outside the file", ci+1, start, end)
		}
		sr := io.NewSectionReader(ra, start, end-start)
		br := bufio.NewReaderSize(sr, 4096)
		protocol := thrift.CompactProtocol{}
		pos := int64(0)
		for pos < end-start {
			var h format.PageHeader
			if err := thrift.NewDecoder(protocol.NewReader(br)).Decode(&h); err != nil {
				return fmt.Errorf("column %d: page header at byte %d: %v", ci+1, start+pos, err)
			}
			at, _ := sr.Seek(0, io.SeekCurrent)
			pos = at - int64(br.Buffered())
			switch {
			case h.CompressedPageSize < 0 || int64(h.CompressedPageSize) > end-start-pos:
				return fmt.Errorf("column %d: a page at byte %d declares %d bytes, more than its column chunk holds", ci+1, start+pos, h.CompressedPageSize)
			case h.UncompressedPageSize < 0 || h.UncompressedPageSize > maxParquetPage:
				return fmt.Errorf("column %d: a page at byte %d declares %d uncompressed bytes (at most %d are read)", ci+1, start+pos, h.UncompressedPageSize, maxParquetPage)
			}
			pos += int64(h.CompressedPageSize)
			if _, err := sr.Seek(pos, io.SeekStart); err != nil {
				return err
			}
			br.Reset(sr)
		}
	}
	return nil
}
