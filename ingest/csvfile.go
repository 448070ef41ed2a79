package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// csvState is the state of reading one CSV file.
type csvState struct {
	f       *fileState
	cr      *csv.Reader
	names   []string
	typeCol int // index of the Type column used to tell the table, or -1
	line0   int // line of the header
	col0    int // bytes before the header on its line
	slots   map[*sink][]int
}

// readCSV reads RFC 4180 text with a header row: quoted fields may hold
// commas, doubled quotes and line breaks; lines end in LF or CRLF. Values
// are typed by the table's schema; unknown columns are kept as strings.
func (f *fileState) readCSV(br *bufio.Reader, line0, col0 int) error {
	f.setFormat(FormatCSV)
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil
		}
		return fmt.Errorf("cannot read the CSV header: %v", err)
	}
	c := &csvState{f: f, cr: cr, typeCol: -1, line0: line0, col0: col0, slots: map[*sink][]int{}}
	for i, h := range header {
		if !utf8.ValidString(h) {
			return errors.New("the CSV header is not valid UTF-8 text")
		}
		c.names = append(c.names, headerName(h, i))
		if c.names[i] == "Type" && f.l.opts.Table == "" {
			c.typeCol = i
		}
	}
	if f.fileTable == "" && c.typeCol < 0 {
		return f.errNoTable()
	}
	return c.rows()
}

// headerName normalises a header cell: trimmed, without the " [UTC]" that
// Log Analytics appends to datetime columns; an empty cell is named
// ColumnN as Kusto names unnamed columns.
func headerName(h string, i int) string {
	h = strings.TrimSpace(h)
	if n := len(h) - len("[UTC]"); n >= 0 && strings.EqualFold(h[n:], "[UTC]") {
		h = strings.TrimSpace(h[:n])
	}
	if h == "" {
		h = fmt.Sprintf("Column%d", i+1)
	}
	return h
}

// pos maps a line and column of the CSV reader to the file's.
func (c *csvState) pos(line, col int) (int, int) {
	if line == 1 && col > 0 {
		col += c.col0
	}
	return line + c.line0 - 1, col
}

func (c *csvState) reject(line, col int, reason string, rec []string) {
	line, col = c.pos(line, col)
	c.f.reject(line, col, reason, csvRaw(rec))
}

func (c *csvState) rows() error {
	f := c.f
	var quoteErr *csv.ParseError // an unclosed quote, reported once the next read tells whether input ended
	for {
		rec, err := c.cr.Read()
		if quoteErr != nil {
			if errors.Is(err, io.EOF) {
				line, _ := c.pos(quoteErr.StartLine, 0)
				c.reject(quoteErr.StartLine, 0, fmt.Sprintf("truncated CSV: the quoted field starting on line %d is not closed", line), nil)
			} else {
				c.reject(quoteErr.Line, quoteErr.Column, "CSV: "+quoteErr.Err.Error(), nil)
			}
			quoteErr = nil
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) && pe.Err != nil && pe.Line > 0 {
			if errors.Is(pe.Err, csv.ErrQuote) {
				quoteErr = pe
				continue
			}
			c.reject(pe.Line, pe.Column, "CSV: "+pe.Err.Error(), nil)
			continue
		}
		if err != nil {
			line, _ := c.cr.FieldPos(0)
			c.reject(line, 0, describeReadErr(err, f.stats.Compressed), rec)
			return nil
		}
		if err := c.row(rec); err != nil {
			return err
		}
	}
}

// row types and stores one record. It returns an error when the first row
// of a file has no table.
func (c *csvState) row(rec []string) error {
	f := c.f
	line, _ := c.cr.FieldPos(0)
	if len(rec) != len(c.names) {
		c.reject(line, 0, fmt.Sprintf("row has %d fields, the header has %d", len(rec), len(c.names)), rec)
		return nil
	}
	for j, v := range rec {
		if !utf8.ValidString(v) {
			l, col := c.cr.FieldPos(j)
			c.reject(l, col+firstInvalidUTF8([]byte(v)), fmt.Sprintf("column %s: invalid UTF-8", c.names[j]), rec)
			return nil
		}
	}
	t := f.l.opts.Table
	if t == "" && c.typeCol >= 0 {
		t = f.typeTable([]byte(rec[c.typeCol]))
	}
	if t == "" {
		t = f.fileTable
	}
	if t == "" {
		if !f.routed {
			return f.errNoTable()
		}
		c.reject(line, 0, noTableReason, rec)
		return nil
	}
	f.routed = true
	s := f.sink(t)
	s.rowLine, _ = c.pos(line, 0)
	slots := c.slots[s]
	if slots == nil {
		slots = make([]int, len(c.names))
		for j, n := range c.names {
			slots[j] = s.slotForName(n, types.Unknown, true)
		}
		c.slots[s] = slots
	}
	for j, v := range rec {
		if reason := s.setText(slots[j], v); reason != "" {
			s.abort()
			l, col := c.cr.FieldPos(j)
			c.reject(l, col, fmt.Sprintf("column %s: %s %s", s.slots[slots[j]].name, showText(v), reason), rec)
			return nil
		}
	}
	f.stats.Read++
	s.commit()
	return nil
}

// csvRaw prints a record as a CSV line for a reject.
func csvRaw(rec []string) []byte {
	if rec == nil {
		return nil
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(rec)
	w.Flush()
	return bytes.TrimRight(b.Bytes(), "\n")
}
