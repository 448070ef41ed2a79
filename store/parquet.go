package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unsafe"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"
	"github.com/parquet-go/parquet-go/encoding"

	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// How KQL values are laid out in Parquet (see the package documentation):
//
//	bool               BOOLEAN, optional
//	int                INT32 (INT(32)), optional
//	long, timespan     INT64 (INT(64)); timespans count 100 ns ticks
//	real, decimal      DOUBLE, optional
//	datetime           INT64 TIMESTAMP(MICROS, UTC), optional, and, when
//	                   some value has a sub-microsecond part, an INT32
//	                   column <name>__100ns holding that digit (0-9)
//	string, guid       BYTE_ARRAY STRING, required, dictionary-encoded
//	dynamic            BYTE_ARRAY JSON, optional, dictionary-encoded
//	(all null)         BYTE_ARRAY STRING, optional
//
// The KQL schema travels in the file's key/value metadata (schemaKey).

// subMicroSuffix names the column holding the 100 ns digit of a datetime.
const subMicroSuffix = "__100ns"

// schemaKey is the key/value metadata entry holding the KQL schema.
const schemaKey = "rmmhunt.schema"

// fieldJSON is one column of a schema as JSON.
type fieldJSON struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

func schemaToJSON(s table.Schema) []fieldJSON {
	out := make([]fieldJSON, len(s))
	for i, f := range s {
		out[i] = fieldJSON{f.Name, f.Type.String()}
	}
	return out
}

func schemaFromJSON(fs []fieldJSON) (table.Schema, error) {
	out := make(table.Schema, len(fs))
	for i, f := range fs {
		t, ok := parseType(f.Type)
		if !ok {
			return nil, fmt.Errorf("column %s: unknown type %q", f.Name, f.Type)
		}
		out[i] = table.Field{Name: f.Name, Type: t}
	}
	return out, nil
}

func parseType(s string) (types.Type, bool) {
	for t := types.Bool; t <= types.Null; t++ {
		if t.String() == s {
			return t, true
		}
	}
	return types.Unknown, false
}

var zstdCodec = &zstd.Codec{Level: zstd.SpeedFastest}

// leafNode is the Parquet node of a column of type t.
func leafNode(t types.Type) parquet.Node {
	var n parquet.Node
	switch t {
	case types.Bool:
		n = parquet.Optional(parquet.Leaf(parquet.BooleanType))
	case types.Int:
		n = parquet.Optional(parquet.Int(32))
	case types.Long, types.Timespan:
		n = parquet.Optional(parquet.Int(64))
	case types.Real, types.Decimal:
		n = parquet.Optional(parquet.Leaf(parquet.DoubleType))
	case types.Datetime:
		n = parquet.Optional(parquet.Timestamp(parquet.Microsecond))
	case types.String, types.Guid:
		n = parquet.Encoded(parquet.String(), &parquet.RLEDictionary)
	case types.Dynamic:
		n = parquet.Optional(parquet.Encoded(parquet.JSON(), &parquet.RLEDictionary))
	default:
		n = parquet.Optional(parquet.String())
	}
	return parquet.Compressed(n, zstdCodec)
}

// splitMicros splits datetime ticks into microseconds since the Unix epoch
// and the remaining 100 ns digit.
func splitMicros(ticks int64) (micros int64, rem int32) {
	rel := ticks - types.UnixEpochTicks
	micros = rel / 10
	r := rel % 10
	if r < 0 {
		r += 10
		micros--
	}
	return micros, int32(r)
}

func joinMicros(micros int64, rem int32) int64 {
	return micros*10 + int64(rem) + types.UnixEpochTicks
}

// fileInfo is what writing a file learned about it.
type fileInfo struct {
	rows             int
	bytes            int64
	hasTime          bool // some row has a non-null Timestamp
	minTime, maxTime int64
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// writeParquet writes batches, which all have schema sch, as one Parquet
// file with row groups of at most groupRows rows. timeCol is the index of
// the Timestamp column in sch, or -1.
func writeParquet(w io.Writer, sch table.Schema, batches []*table.Batch, groupRows int, timeCol int) (fileInfo, error) {
	var info fileInfo
	// Which datetime columns need their 100 ns digit.
	needRem := make([]bool, len(sch))
	for i, f := range sch {
		if f.Type != types.Datetime {
			continue
		}
		for _, b := range batches {
			c := b.Cols[i]
			for j, v := range c.Ints {
				if !c.IsNull(j) && (v-types.UnixEpochTicks)%10 != 0 {
					needRem[i] = true
					break
				}
			}
			if needRem[i] {
				break
			}
		}
	}
	group := parquet.Group{}
	for i, f := range sch {
		if _, dup := group[f.Name]; dup {
			return info, fmt.Errorf("duplicate column %s", f.Name)
		}
		group[f.Name] = leafNode(f.Type)
		if needRem[i] {
			group[f.Name+subMicroSuffix] = parquet.Compressed(parquet.Optional(parquet.Int(32)), zstdCodec)
		}
	}
	ps := parquet.NewSchema("rmmhunt", group)
	meta, err := json.Marshal(schemaToJSON(sch))
	if err != nil {
		return info, err
	}
	cw := &countingWriter{w: w}
	pw := parquet.NewWriter(cw, ps,
		parquet.KeyValueMetadata(schemaKey, string(meta)),
		parquet.CreatedBy("rmmhunt", "", ""),
		parquet.PageBufferSize(1<<20))
	leaf := make([]int, len(sch))
	remLeaf := make([]int, len(sch))
	for i, f := range sch {
		lc, ok := ps.Lookup(f.Name)
		if !ok {
			return info, fmt.Errorf("column %s missing from the Parquet schema", f.Name)
		}
		leaf[i] = lc.ColumnIndex
		remLeaf[i] = -1
		if needRem[i] {
			lc, _ := ps.Lookup(f.Name + subMicroSuffix)
			remLeaf[i] = lc.ColumnIndex
		}
	}
	enc := &valueEncoder{}
	inGroup := 0
	for _, b := range batches {
		for from := 0; from < b.N; {
			to := min(b.N, from+groupRows-inGroup)
			cws := pw.ColumnWriters()
			for i := range sch {
				vals, rems := enc.values(b.Cols[i], from, to, leaf[i], remLeaf[i])
				if _, err := cws[leaf[i]].WriteRowValues(vals); err != nil {
					return info, fmt.Errorf("column %s: %w", sch[i].Name, err)
				}
				if remLeaf[i] >= 0 {
					if _, err := cws[remLeaf[i]].WriteRowValues(rems); err != nil {
						return info, fmt.Errorf("column %s: %w", sch[i].Name, err)
					}
				}
			}
			if timeCol >= 0 {
				c := b.Cols[timeCol]
				for j := from; j < to; j++ {
					if c.IsNull(j) {
						continue
					}
					v := c.Ints[j]
					if !info.hasTime {
						info.hasTime, info.minTime, info.maxTime = true, v, v
					}
					info.minTime, info.maxTime = min(info.minTime, v), max(info.maxTime, v)
				}
			}
			inGroup += to - from
			info.rows += to - from
			from = to
			if inGroup >= groupRows {
				if err := pw.Flush(); err != nil {
					return info, err
				}
				inGroup = 0
			}
		}
	}
	if err := pw.Close(); err != nil {
		return info, err
	}
	info.bytes = cw.n
	return info, nil
}

// valueEncoder turns column slices into Parquet values, reusing buffers.
type valueEncoder struct {
	vals, rems []parquet.Value
	json       bytes.Buffer
	jsonCache  map[any]string
}

// values returns rows [from, to) of c as Parquet values of leaf column
// idx, and for a datetime with a digit column (remIdx >= 0) the digits.
func (e *valueEncoder) values(c *table.Column, from, to, idx, remIdx int) (vals, rems []parquet.Value) {
	n := to - from
	e.vals = e.vals[:0]
	if cap(e.vals) < n {
		e.vals = make([]parquet.Value, 0, n)
	}
	null := parquet.Value{}.Level(0, 0, idx)
	t := c.Type
	switch {
	case t == types.String || t == types.Guid:
		for i := from; i < to; i++ {
			s := c.Str(i)
			e.vals = append(e.vals, parquet.ByteArrayValue(unsafe.Slice(unsafe.StringData(s), len(s))).Level(0, 0, idx))
		}
	case t == types.Datetime:
		if remIdx >= 0 {
			e.rems = e.rems[:0]
			if cap(e.rems) < n {
				e.rems = make([]parquet.Value, 0, n)
			}
		}
		remNull := parquet.Value{}.Level(0, 0, max(remIdx, 0))
		for i := from; i < to; i++ {
			if c.IsNull(i) {
				e.vals = append(e.vals, null)
				if remIdx >= 0 {
					e.rems = append(e.rems, remNull)
				}
				continue
			}
			us, r := splitMicros(c.Ints[i])
			e.vals = append(e.vals, parquet.Int64Value(us).Level(0, 1, idx))
			if remIdx >= 0 {
				e.rems = append(e.rems, parquet.Int32Value(r).Level(0, 1, remIdx))
			}
		}
		rems = e.rems
	case t == types.Bool:
		for i := from; i < to; i++ {
			if c.IsNull(i) {
				e.vals = append(e.vals, null)
				continue
			}
			e.vals = append(e.vals, parquet.BooleanValue(c.Ints[i] != 0).Level(0, 1, idx))
		}
	case t == types.Int:
		for i := from; i < to; i++ {
			if c.IsNull(i) {
				e.vals = append(e.vals, null)
				continue
			}
			e.vals = append(e.vals, parquet.Int32Value(int32(c.Ints[i])).Level(0, 1, idx))
		}
	case t.UsesInts():
		for i := from; i < to; i++ {
			if c.IsNull(i) {
				e.vals = append(e.vals, null)
				continue
			}
			e.vals = append(e.vals, parquet.Int64Value(c.Ints[i]).Level(0, 1, idx))
		}
	case t.UsesReals():
		for i := from; i < to; i++ {
			if c.IsNull(i) {
				e.vals = append(e.vals, null)
				continue
			}
			e.vals = append(e.vals, parquet.DoubleValue(c.Reals[i]).Level(0, 1, idx))
		}
	case t == types.Dynamic:
		for i := from; i < to; i++ {
			d := c.Dyn[i]
			if c.IsNull(i) || d == nil {
				e.vals = append(e.vals, null)
				continue
			}
			s := e.jsonText(d)
			e.vals = append(e.vals, parquet.ByteArrayValue(unsafe.Slice(unsafe.StringData(s), len(s))).Level(0, 1, idx))
		}
	default: // untyped: all null
		for i := from; i < to; i++ {
			e.vals = append(e.vals, null)
		}
	}
	return e.vals, rems
}

// jsonText is the JSON text of a dynamic payload; text of scalar payloads
// repeated across rows is computed once.
func (e *valueEncoder) jsonText(d any) string {
	switch d.(type) {
	case string, int64, float64, bool:
		if s, ok := e.jsonCache[d]; ok {
			return s
		}
		s := types.DynamicJSON(d)
		if e.jsonCache == nil || len(e.jsonCache) > 1<<16 {
			e.jsonCache = map[any]string{}
		}
		e.jsonCache[d] = s
		return s
	}
	return types.DynamicJSON(d)
}

// parquetFile is an open store file.
type parquetFile struct {
	f      *parquet.File
	schema table.Schema
	leaf   map[string]int // KQL column → leaf column index
	rem    map[string]int // datetime column → its 100 ns digit column
}

func openParquet(r io.ReaderAt, size int64) (*parquetFile, error) {
	f, err := parquet.OpenFile(r, size, parquet.SkipBloomFilters(true), parquet.SkipPageIndex(true))
	if err != nil {
		return nil, err
	}
	pf := &parquetFile{f: f, leaf: map[string]int{}, rem: map[string]int{}}
	meta, ok := f.Lookup(schemaKey)
	if !ok {
		return nil, errors.New("not an rmmhunt store file (no " + schemaKey + " metadata)")
	}
	var fs []fieldJSON
	if err := json.Unmarshal([]byte(meta), &fs); err != nil {
		return nil, fmt.Errorf("bad %s metadata: %v", schemaKey, err)
	}
	if pf.schema, err = schemaFromJSON(fs); err != nil {
		return nil, err
	}
	for _, fl := range pf.schema {
		lc, ok := f.Schema().Lookup(fl.Name)
		if !ok {
			return nil, fmt.Errorf("column %s missing", fl.Name)
		}
		pf.leaf[fl.Name] = lc.ColumnIndex
		if fl.Type == types.Datetime {
			if lc, ok := f.Schema().Lookup(fl.Name + subMicroSuffix); ok {
				pf.rem[fl.Name] = lc.ColumnIndex
			}
		}
	}
	return pf, nil
}

// timeBounds returns the bounds of a datetime column in row group rg from
// the Parquet column statistics; ok is false when they are not known. The
// bounds are widened to whole microseconds.
func (pf *parquetFile) timeBounds(rg int, col string) (lo, hi int64, ok bool) {
	idx, found := pf.leaf[col]
	if !found {
		return 0, 0, false
	}
	md := pf.f.Metadata()
	if rg >= len(md.RowGroups) || idx >= len(md.RowGroups[rg].Columns) {
		return 0, 0, false
	}
	cc := md.RowGroups[rg].Columns[idx].MetaData
	st := cc.Statistics
	minB, maxB := st.MinValue, st.MaxValue
	if len(minB) != 8 || len(maxB) != 8 {
		if cc.NumValues > 0 && st.NullCount == cc.NumValues {
			return 1, 0, true // only nulls: an empty range
		}
		return 0, 0, false
	}
	mn := int64(le64(minB))
	mx := int64(le64(maxB))
	return joinMicros(mn, 0), joinMicros(mx, 9), true
}

func le64(b []byte) uint64 {
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// readColumn reads column name of row group rg (of n rows) as a column of
// its stored type.
func (pf *parquetFile) readColumn(rg int, name string, t types.Type) (*table.Column, error) {
	g := pf.f.RowGroups()[rg]
	n := int(g.NumRows())
	c, err := readChunk(g.ColumnChunks()[pf.leaf[name]], t, n)
	if err != nil {
		return nil, fmt.Errorf("column %s: %w", name, err)
	}
	if t == types.Datetime {
		if ri, ok := pf.rem[name]; ok {
			rc, err := readChunk(g.ColumnChunks()[ri], types.Int, n)
			if err != nil {
				return nil, fmt.Errorf("column %s: %w", name+subMicroSuffix, err)
			}
			for i := range c.Ints {
				if !c.IsNull(i) {
					c.Ints[i] += rc.Ints[i]
				}
			}
		}
	}
	return c, nil
}

// readChunk decodes one column chunk of n rows.
func readChunk(cc parquet.ColumnChunk, t types.Type, n int) (*table.Column, error) {
	col := &table.Column{Type: t}
	// Sized once: appending row by row from nothing spent a third of a
	// scan's time growing slices. The null flags are made only when a
	// page has a null (most columns have none).
	var nulls []bool
	seen := 0 // rows read so far
	switch {
	case t.UsesInts():
		col.Ints = make([]int64, 0, n)
	case t.UsesReals():
		col.Reals = make([]float64, 0, n)
	}
	anyNull := false
	pages := cc.Pages()
	defer pages.Close()
	var dictStrs []string
	var vbuf []parquet.Value
	plainStrings := false
	for {
		p, err := pages.ReadPage()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		err = func() error {
			defer parquet.Release(p) // its buffers go back to the pool: nothing below keeps them
			defs := p.DefinitionLevels()
			rows := int(p.NumRows())
			pageNulls := false
			for _, d := range defs {
				if d == 0 {
					pageNulls = true
					break
				}
			}
			if pageNulls && nulls == nil {
				nulls = make([]bool, seen, n)
			}
			if nulls != nil {
				for j := 0; j < rows; j++ {
					nulls = append(nulls, len(defs) > 0 && defs[j] == 0)
				}
			}
			anyNull = anyNull || pageNulls
			seen += rows
			isNull := func(j int) bool { return pageNulls && defs[j] == 0 }
			data := p.Data()
			switch {
			case t == types.String || t == types.Guid || t == types.Dynamic || t == types.Null:
				var strs []string // the page's non-null values, when plain
				var codes []int32
				if d := p.Dictionary(); d != nil {
					if dictStrs == nil {
						dictStrs = byteArrays(d.Page().Data())
					}
					codes = data.Int32()
				} else {
					strs = byteArrays(data)
				}
				if t == types.Dynamic || t == types.Null {
					k := 0
					for j := 0; j < rows; j++ {
						if isNull(j) {
							col.Dyn = append(col.Dyn, nil)
							continue
						}
						var s string
						if codes != nil {
							s = dictStrs[codes[k]]
						} else {
							s = strs[k]
						}
						k++
						v, ok := types.ParseJSON(s)
						if !ok {
							v = s
						}
						col.Dyn = append(col.Dyn, v)
					}
					return nil
				}
				if codes != nil && col.Dict == nil && !plainStrings {
					col.Dict = dictStrs
					col.Codes = make([]uint32, 0, n)
				}
				if codes == nil && !plainStrings {
					col.Decode() // a page written without the dictionary
					plainStrings = true
				}
				if codes != nil && !plainStrings && !pageNulls {
					for _, c := range codes[:rows] {
						col.Codes = append(col.Codes, uint32(c))
					}
					return nil
				}
				k := 0
				for j := 0; j < rows; j++ {
					var s string
					if !isNull(j) {
						if codes != nil {
							if !plainStrings {
								col.Codes = append(col.Codes, uint32(codes[k]))
								k++
								continue
							}
							s = dictStrs[codes[k]]
						} else {
							s = strs[k]
						}
						k++
					} else if !plainStrings {
						col.Codes = append(col.Codes, emptyCode(col))
						continue
					}
					col.Strs = append(col.Strs, s)
				}
			case t == types.Bool:
				vr := p.Values()
				if cap(vbuf) < rows {
					vbuf = make([]parquet.Value, rows)
				}
				vbuf = vbuf[:rows]
				got := 0
				for got < rows {
					k, err := vr.ReadValues(vbuf[got:])
					got += k
					if err == io.EOF || k == 0 {
						break
					}
					if err != nil {
						return err
					}
				}
				for _, v := range vbuf[:got] {
					if v.IsNull() {
						col.Ints = append(col.Ints, 0)
					} else if v.Boolean() {
						col.Ints = append(col.Ints, 1)
					} else {
						col.Ints = append(col.Ints, 0)
					}
				}
			case t == types.Int:
				if !pageNulls {
					for _, v := range data.Int32()[:rows] {
						col.Ints = append(col.Ints, int64(v))
					}
					return nil
				}
				col.Ints = spreadNulls(col.Ints, data.Int32(), rows, isNull, func(v int32) int64 { return int64(v) })
			case t == types.Datetime:
				if !pageNulls {
					for _, v := range data.Int64()[:rows] {
						col.Ints = append(col.Ints, joinMicros(v, 0))
					}
					return nil
				}
				col.Ints = spreadNulls(col.Ints, data.Int64(), rows, isNull, func(v int64) int64 { return joinMicros(v, 0) })
			case t.UsesInts():
				if !pageNulls {
					col.Ints = append(col.Ints, data.Int64()[:rows]...)
					return nil
				}
				col.Ints = spreadNulls(col.Ints, data.Int64(), rows, isNull, func(v int64) int64 { return v })
			case t.UsesReals():
				if !pageNulls {
					col.Reals = append(col.Reals, data.Double()[:rows]...)
					return nil
				}
				col.Reals = spreadNulls(col.Reals, data.Double(), rows, isNull, func(v float64) float64 { return v })
			default:
				return fmt.Errorf("cannot read type %s", t)
			}
			return nil
		}()
		if err != nil {
			return nil, err
		}
	}
	if seen != n {
		return nil, fmt.Errorf("%d values, want %d", seen, n)
	}
	if anyNull && t != types.String && t != types.Guid {
		col.Nulls = nulls
	}
	if t == types.Null {
		col.Type = types.Null
	}
	return col, nil
}

// emptyCode returns the code of "" in a dictionary-encoded column, adding
// it when missing (null strings of an optional string column read as "").
func emptyCode(c *table.Column) uint32 {
	for i, s := range c.Dict {
		if s == "" {
			return uint32(i)
		}
	}
	c.Dict = append(c.Dict, "")
	return uint32(len(c.Dict) - 1)
}

// byteArrays returns the byte array values as strings.
func byteArrays(v encoding.Values) []string {
	data, offsets := v.ByteArray()
	if len(offsets) == 0 {
		return nil
	}
	out := make([]string, len(offsets)-1)
	all := string(data) // one allocation shared by the values
	for i := range out {
		out[i] = all[offsets[i]:offsets[i+1]]
	}
	return out
}

// spreadNulls appends one value per row to dst: the zero value for a null
// row, else the next of vals (which hold only the non-null values)
// converted by conv.
func spreadNulls[V, D any](dst []D, vals []V, rows int, isNull func(int) bool, conv func(V) D) []D {
	var zero D
	k := 0
	for j := 0; j < rows; j++ {
		if isNull(j) {
			dst = append(dst, zero)
			continue
		}
		dst = append(dst, conv(vals[k]))
		k++
	}
	return dst
}
