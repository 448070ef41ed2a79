// Package report writes query results and hunt findings as an aligned text
// table, JSON lines or CSV, formatting values as Kusto prints them:
// datetimes as 2026-11-20T10:00:00.0000000Z, longs as exact integers,
// dynamic values as JSON.
//
// It formats; it does not compute or filter anything.
package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// Format is an output format.
type Format string

// Output formats.
const (
	Table Format = "table"
	JSON  Format = "json"
	CSV   Format = "csv"
)

// ParseFormat validates a --format value.
func ParseFormat(s string) (Format, error) {
	switch Format(s) {
	case Table, JSON, CSV:
		return Format(s), nil
	}
	return "", fmt.Errorf("unknown format %q (want table, json or csv)", s)
}

// AppendJSONValue appends v as a JSON value: null for null (strings are
// never null), exact integers for int/long, numbers for reals (NaN and
// infinities as strings), strings for datetimes, timespans and guids, and
// the JSON of dynamic values.
func AppendJSONValue(buf *bytes.Buffer, v types.Value) {
	if v.Null && v.Type != types.String {
		buf.WriteString("null")
		return
	}
	switch v.Type {
	case types.Bool:
		if v.I != 0 {
			buf.WriteString("true")
		} else {
			buf.WriteString("false")
		}
	case types.Int, types.Long:
		buf.WriteString(strconv.FormatInt(v.I, 10))
	case types.Real, types.Decimal:
		if math.IsNaN(v.F) || math.IsInf(v.F, 0) {
			writeString(buf, types.FormatReal(v.F))
		} else {
			buf.WriteString(strconv.FormatFloat(v.F, 'g', -1, 64))
		}
	case types.Dynamic:
		types.AppendJSON(buf, v.D)
	default:
		writeString(buf, v.String())
	}
}

func writeString(buf *bytes.Buffer, s string) {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	// Encode adds a newline.
	buf.Truncate(buf.Len() - 1)
}

// AppendJSONRow appends one row as a JSON object, column name → value, in
// column order.
func AppendJSONRow(buf *bytes.Buffer, schema table.Schema, row []types.Value) {
	buf.WriteByte('{')
	for i, f := range schema {
		if i > 0 {
			buf.WriteByte(',')
		}
		writeString(buf, f.Name)
		buf.WriteByte(':')
		AppendJSONValue(buf, row[i])
	}
	buf.WriteByte('}')
}

// Text returns v as shown in the table and CSV formats ("" for null).
func Text(v types.Value) string {
	if v.Null {
		return ""
	}
	return v.String()
}

// WriteTable writes t in format f.
func WriteTable(w io.Writer, t *table.Table, f Format) error {
	switch f {
	case JSON:
		var buf bytes.Buffer
		for _, b := range t.Batches {
			for i := 0; i < b.N; i++ {
				buf.Reset()
				AppendJSONRow(&buf, t.Schema, b.Row(i))
				buf.WriteByte('\n')
				if _, err := w.Write(buf.Bytes()); err != nil {
					return err
				}
			}
		}
		return nil
	case CSV:
		cw := csv.NewWriter(w)
		var header []string
		for _, fld := range t.Schema {
			header = append(header, fld.Name)
		}
		if err := cw.Write(header); err != nil {
			return err
		}
		for _, b := range t.Batches {
			for i := 0; i < b.N; i++ {
				rec := make([]string, len(b.Cols))
				for j, c := range b.Cols {
					rec[j] = Text(c.Get(i))
				}
				if err := cw.Write(rec); err != nil {
					return err
				}
			}
		}
		cw.Flush()
		return cw.Error()
	}
	var rows [][]string
	var header []string
	for _, fld := range t.Schema {
		header = append(header, fld.Name)
	}
	for _, b := range t.Batches {
		for i := 0; i < b.N; i++ {
			rec := make([]string, len(b.Cols))
			for j, c := range b.Cols {
				rec[j] = Text(c.Get(i))
			}
			rows = append(rows, rec)
		}
	}
	return WriteAligned(w, header, rows)
}

// MaxCellWidth is the widest a cell is printed in the table format; longer
// values are cut with an ellipsis.
const MaxCellWidth = 80

// WriteAligned writes a header and rows as aligned columns.
func WriteAligned(w io.Writer, header []string, rows [][]string) error {
	width := make([]int, len(header))
	clip := func(s string) string {
		s = strings.ReplaceAll(strings.ReplaceAll(s, "\r", `\r`), "\n", `\n`)
		if utf8.RuneCountInString(s) > MaxCellWidth {
			r := []rune(s)
			return string(r[:MaxCellWidth-1]) + "…"
		}
		return s
	}
	for i, h := range header {
		width[i] = utf8.RuneCountInString(h)
	}
	for _, r := range rows {
		for i := range r {
			r[i] = clip(r[i])
			if n := utf8.RuneCountInString(r[i]); n > width[i] {
				width[i] = n
			}
		}
	}
	var b strings.Builder
	line := func(cells []string) {
		for i, c := range cells {
			if i > 0 {
				b.WriteString("  ")
			}
			b.WriteString(c)
			if i < len(cells)-1 {
				b.WriteString(strings.Repeat(" ", width[i]-utf8.RuneCountInString(c)))
			}
		}
		b.WriteByte('\n')
	}
	line(header)
	sep := make([]string, len(header))
	for i := range sep {
		sep[i] = strings.Repeat("-", width[i])
	}
	line(sep)
	for _, r := range rows {
		line(r)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
