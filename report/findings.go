package report

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"

	"github.com/rmmhunt/rmmhunt/hunt"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// WriteFindings writes a hunt's findings in format f. JSON: one object per
// finding with rule_id, rule_name, tactics, techniques, reference_time and
// row. CSV: rule_id, rule_name, reference_time, then every result column
// seen across the rules. Table: one aligned table per rule with findings.
func WriteFindings(w io.Writer, res *hunt.Result, f Format) error {
	ref := types.FormatDatetime(types.TicksFromTime(res.ReferenceTime))
	switch f {
	case JSON:
		var buf bytes.Buffer
		for _, fd := range res.Findings() {
			buf.Reset()
			buf.WriteString(`{"rule_id":`)
			writeString(&buf, fd.Rule.ID)
			buf.WriteString(`,"rule_name":`)
			writeString(&buf, fd.Rule.Name)
			buf.WriteString(`,"tactics":`)
			writeStrings(&buf, fd.Rule.Tactics)
			buf.WriteString(`,"techniques":`)
			writeStrings(&buf, fd.Rule.RelevantTechniques)
			buf.WriteString(`,"reference_time":`)
			writeString(&buf, ref)
			buf.WriteString(`,"row":`)
			AppendJSONRow(&buf, fd.Schema, fd.Row)
			buf.WriteString("}\n")
			if _, err := w.Write(buf.Bytes()); err != nil {
				return err
			}
		}
		return nil
	case CSV:
		var cols table.Schema
		for _, fd := range res.Findings() {
			for _, c := range fd.Schema {
				if cols.Index(c.Name) < 0 {
					cols = append(cols, c)
				}
			}
		}
		cw := csv.NewWriter(w)
		header := []string{"rule_id", "rule_name", "reference_time"}
		for _, c := range cols {
			header = append(header, c.Name)
		}
		if err := cw.Write(header); err != nil {
			return err
		}
		for _, fd := range res.Findings() {
			rec := []string{fd.Rule.ID, fd.Rule.Name, ref}
			for _, c := range cols {
				i := fd.Schema.Index(c.Name)
				if i < 0 {
					rec = append(rec, "")
					continue
				}
				rec = append(rec, Text(fd.Row[i]))
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	}
	total := 0
	for _, rr := range res.Rules {
		if len(rr.Findings) == 0 {
			continue
		}
		total += len(rr.Findings)
		if _, err := fmt.Fprintf(w, "== %s (%s): %d finding%s\n", rr.Rule.Name, rr.Rule.ID, len(rr.Findings), plural(len(rr.Findings))); err != nil {
			return err
		}
		var header []string
		for _, c := range rr.Findings[0].Schema {
			header = append(header, c.Name)
		}
		var rows [][]string
		for _, fd := range rr.Findings {
			rec := make([]string, len(fd.Row))
			for i, v := range fd.Row {
				rec[i] = Text(v)
			}
			rows = append(rows, rec)
		}
		if err := WriteAligned(w, header, rows); err != nil {
			return err
		}
		if _, err := fmt.Fprintln(w); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(w, "%d rule%s, %d finding%s, reference time %s\n", len(res.Rules), plural(len(res.Rules)), total, plural(total), ref)
	return err
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func writeStrings(buf *bytes.Buffer, ss []string) {
	buf.WriteByte('[')
	for i, s := range ss {
		if i > 0 {
			buf.WriteByte(',')
		}
		writeString(buf, s)
	}
	buf.WriteByte(']')
}
