package ingest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// This file maps JSON objects to rows: containers ({"records":[...]},
// {"Schema":..., "Results":[...]}, {"tables":[...]}), streaming envelopes
// and flat rows.

// Nesting levels of the member lists in fileState.memBufs.
const (
	levelTop      = iota // a top-level object
	levelElement         // an element of a container
	levelProperty        // the properties of an envelope
)

// streamingCategoryPrefix starts the category of every streaming record.
const streamingCategoryPrefix = "AdvancedHunting-"

// object reads the object at d[i]. Container keys are read as they come,
// so that the rows before a defect in a long document are kept.
func (f *fileState) object(d []byte, i int) (int, error) {
	members := f.memBufs[levelTop][:0]
	container := false
	var declared map[string]types.Type
	var props propsScan
	end, err := walkObject(d, i, 0, func(ks, ke int, esc bool, vs int) (int, error) {
		key := d[ks:ke]
		if d[vs] == '[' && !esc {
			switch {
			case bytes.EqualFold(key, []byte("records")):
				container = true
				f.setFormat(FormatStreaming)
				return eachElement(d, vs, 1, func(es int) (int, error) { return f.record(d, es) })
			case f.rec != nil && (bytes.EqualFold(key, []byte("results")) || bytes.EqualFold(key, []byte("tables"))):
				return vs, errSeqLine // declared types depend on earlier rows
			case bytes.EqualFold(key, []byte("results")):
				container = true
				f.setFormat(FormatAPI)
				return eachElement(d, vs, 1, func(es int) (int, error) {
					return f.elementRow(d, es, declared)
				})
			case bytes.EqualFold(key, []byte("tables")):
				container = true
				f.setFormat(FormatLogAnalytics)
				return eachElement(d, vs, 1, func(es int) (int, error) { return f.laTable(d, es) })
			case bytes.EqualFold(key, []byte("schema")):
				ve, err := scanValue(d, vs, 1)
				if err == nil {
					declared = apiSchema(d[vs:ve])
				}
				return ve, err
			}
		}
		k := keyBytes(d, ks, ke, esc)
		ve, err := f.scanMember(d, k, vs, levelTop, &props)
		if err == nil {
			members = append(members, member{key: k, vs: vs, ve: ve})
		}
		return ve, err
	})
	f.memBufs[levelTop] = members[:0]
	if err != nil || container {
		return end, err
	}
	if f.isEnvelope(d, members) {
		f.setFormat(FormatStreaming)
		return end, f.envelope(d, members, i, end, &props)
	}
	f.setFormat(FormatNDJSON)
	return end, f.flatRow(d, members, i, end, levelTop, nil, "")
}

func keyBytes(d []byte, ks, ke int, esc bool) []byte {
	if esc {
		return appendUnquoted(nil, d[ks:ke])
	}
	return d[ks:ke]
}

// apiSchema reads an API response's Schema: [{"Name","Type"}] with keys in
// any case. Unknown type names are left out.
func apiSchema(v []byte) map[string]types.Type {
	var cols []struct{ Name, Type string }
	if json.Unmarshal(v, &cols) != nil {
		return nil
	}
	m := make(map[string]types.Type, len(cols))
	for _, c := range cols {
		if t, ok := types.Parse(c.Type); ok {
			m[c.Name] = t
		}
	}
	return m
}

// record reads one element of a records array: a streaming envelope, or a
// flat row (Log Analytics data export to Event Hub).
func (f *fileState) record(d []byte, es int) (int, error) {
	f.capture.record++
	if d[es] != '{' {
		return f.notObject(d, es, "record")
	}
	var props propsScan
	members, end, err := f.collectProps(d, es, levelElement, &props)
	if err != nil {
		return end, err
	}
	if f.isEnvelope(d, members) {
		return end, f.envelope(d, members, es, end, &props)
	}
	return end, f.flatRow(d, members, es, end, levelElement, nil, "")
}

// elementRow reads one element of an API Results array.
func (f *fileState) elementRow(d []byte, es int, declared map[string]types.Type) (int, error) {
	if d[es] != '{' {
		return f.notObject(d, es, "result row")
	}
	members, end, err := f.collect(d, es, levelElement)
	if err != nil {
		return end, err
	}
	return end, f.flatRow(d, members, es, end, levelElement, declared, "")
}

// collect reads the members of the object at d[i] into the list of the
// given nesting level.
func (f *fileState) collect(d []byte, i, level int) ([]member, int, error) {
	members := f.memBufs[level][:0]
	end, err := walkObject(d, i, level, func(ks, ke int, esc bool, vs int) (int, error) {
		ve, err := scanValue(d, vs, level+1)
		if err == nil {
			members = append(members, member{key: keyBytes(d, ks, ke, esc), vs: vs, ve: ve})
		}
		return ve, err
	})
	f.memBufs[level] = members[:0]
	return members, end, err
}

// collectProps is collect for an object that may be a streaming envelope:
// the members of its first "properties" object are collected on the way
// into props, so that the record is scanned once.
func (f *fileState) collectProps(d []byte, i, level int, props *propsScan) ([]member, int, error) {
	members := f.memBufs[level][:0]
	end, err := walkObject(d, i, level, func(ks, ke int, esc bool, vs int) (int, error) {
		k := keyBytes(d, ks, ke, esc)
		ve, err := f.scanMember(d, k, vs, level, props)
		if err == nil {
			members = append(members, member{key: k, vs: vs, ve: ve})
		}
		return ve, err
	})
	f.memBufs[level] = members[:0]
	return members, end, err
}

// propsScan holds the members of an object's first "properties" member
// when that is an object, read while the object was scanned.
type propsScan struct {
	seen    bool     // a "properties" member was met
	ok      bool     // the first one is an object and members holds its members
	members []member // in f.memBufs[levelProperty]
}

// scanMember validates the value at d[vs] of the member named key of an
// object at nesting level, as scanValue does, and returns the offset after
// it. The first "properties" member's object is walked into props.
func (f *fileState) scanMember(d, key []byte, vs, level int, props *propsScan) (int, error) {
	if props.seen || d[vs] != '{' || string(key) != "properties" {
		if !props.seen && string(key) == "properties" {
			props.seen = true
		}
		return scanValue(d, vs, level+1)
	}
	props.seen = true
	pm := f.memBufs[levelProperty][:0]
	ve, err := walkObject(d, vs, level+1, func(ks, ke int, esc bool, pvs int) (int, error) {
		pve, err := scanValue(d, pvs, level+2)
		if err == nil {
			pm = append(pm, member{key: keyBytes(d, ks, ke, esc), vs: pvs, ve: pve})
		}
		return pve, err
	})
	f.memBufs[levelProperty] = pm[:0]
	props.members, props.ok = pm, err == nil
	return ve, err
}

func find(members []member, key string) (member, bool) {
	for _, m := range members {
		if string(m.key) == key {
			return m, true
		}
	}
	return member{}, false
}

// isEnvelope reports whether an object is a streaming record: it has a
// "category" string and a "properties" member.
func (f *fileState) isEnvelope(d []byte, members []member) bool {
	c, ok := find(members, "category")
	if !ok || d[c.vs] != '"' {
		return false
	}
	_, ok = find(members, "properties")
	return ok
}

// envelope reads a streaming record: the table comes from its category,
// the row from its properties.
func (f *fileState) envelope(d []byte, members []member, start, end int, pre *propsScan) error {
	raw := d[start:end]
	c, _ := find(members, "category")
	p, _ := find(members, "properties")
	var sb []byte
	t, reason := f.categoryTable(jsonString(d[c.vs:c.ve], &sb))
	if t == "" {
		f.rejectAt(c.vs, reason, raw)
		return nil
	}
	if d[p.vs] != '{' {
		f.rejectAt(p.vs, "the record's properties are not an object", raw)
		return nil
	}
	props := pre.members
	if !pre.ok {
		var err error
		if props, _, err = f.collect(d, p.vs, levelProperty); err != nil {
			return err // cannot happen: validated when the envelope was read
		}
	}
	if f.rec != nil {
		f.typeRowRec(t, d, props, start, end, p.vs, levelProperty)
		return nil
	}
	f.typeRow(t, d, props, start, end, nil)
	return nil
}

// categoryTable returns the table named by a streaming category
// ("AdvancedHunting-<Table>"; a bare table name is accepted too), or "" and
// the reason the category names none. The last answer is remembered, as a
// file usually holds one category.
func (f *fileState) categoryTable(category []byte) (string, string) {
	if f.lastCategory != nil && bytes.Equal(category, f.lastCategory) {
		return f.lastTable, f.lastReason
	}
	name := string(category)
	if len(name) >= len(streamingCategoryPrefix) && strings.EqualFold(name[:len(streamingCategoryPrefix)], streamingCategoryPrefix) {
		name = name[len(streamingCategoryPrefix):]
	}
	t, reason := tableNamed(f.l.reg, name), ""
	if t == "" {
		reason = fmt.Sprintf("unknown table %q (category %q)", name, category)
		if s := f.l.reg.Suggest(name); s != "" {
			reason += fmt.Sprintf("; did you mean %s?", s)
		}
	}
	f.lastCategory, f.lastTable, f.lastReason = append(f.lastCategory[:0], category...), t, reason
	return t, reason
}

// flatRow reads a flat row object. Its table is Options.Table, else its
// Type column when that names a known table, else laName (the Log
// Analytics result name) when known, else the file's table. level is the
// nesting level the row object was read at.
func (f *fileState) flatRow(d []byte, members []member, start, end, level int, declared map[string]types.Type, laName string) error {
	raw := d[start:end]
	t := f.l.opts.Table
	if t == "" {
		if m, ok := find(members, "Type"); ok && d[m.vs] == '"' {
			var sb []byte
			t = f.typeTable(jsonString(d[m.vs:m.ve], &sb))
		}
	}
	if t == "" && laName != "" {
		t = tableNamed(f.l.reg, laName)
	}
	if t == "" {
		t = f.fileTable
	}
	if t == "" {
		if f.rec != nil {
			// Whether this fails the file depends on the rows before.
			line, col := f.pos.at(start)
			i := f.rec.addReject(line, col, "", truncRaw(raw), false)
			f.rec.events = append(f.rec.events, pevent{kind: evNoTable, line: int32(line), rej: i})
			return nil
		}
		if !f.routed {
			return f.errNoTable()
		}
		f.rejectAt(start, noTableReason, raw)
		return nil
	}
	if f.rec != nil && declared == nil {
		f.typeRowRec(t, d, members, start, end, start, level)
		return nil
	}
	f.typeRow(t, d, members, start, end, declared)
	return nil
}

// typeRow types the members of one row into table t and stores the row, or
// rejects it naming the first value that does not fit.
func (f *fileState) typeRow(t string, d []byte, members []member, start, end int, declared map[string]types.Type) {
	f.routed = true
	raw := d[start:end]
	if !utf8.Valid(raw) {
		bad := firstInvalidUTF8(raw)
		f.rejectAt(start+bad, "invalid UTF-8 in the row", raw)
		return
	}
	s := f.sink(t)
	s.rowLine, _ = f.pos.at(start)
	f.prepScratch(len(raw))
	for _, m := range members {
		dt := types.Unknown
		if declared != nil {
			if x, ok := declared[string(m.key)]; ok {
				dt = x
			}
		}
		slot := s.slotFor(m.key, dt, false)
		v := d[m.vs:m.ve]
		if reason := s.setJSON(slot, v); reason != "" {
			s.abort()
			f.rejectAt(m.vs, fmt.Sprintf("column %s: %s %s", s.slots[slot].name, showJSON(v), reason), raw)
			return
		}
	}
	f.stats.Read++
	s.commit()
}

// firstInvalidUTF8 returns the offset of the first byte of b that is not
// valid UTF-8.
func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}
