package ingest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
)

// readJSON reads JSON input starting at line0/col0. When the first line is
// a complete JSON value the input is read line by line (JSON Lines: NDJSON
// rows, streaming blob envelopes, one records message per line), and a bad
// line is rejected on its own. When the first line is only the start of a
// value, the input is one or more multi-line documents (API responses,
// pretty-printed messages) and is read whole.
func (f *fileState) readJSON(br *bufio.Reader, line0, col0 int) error {
	lr := newLineReader(br, line0-1)
	lr.max = math.MaxInt // the first line decides the mode; keep it whole
	first, err := lr.next()
	lr.max = maxLineBytes
	if err == nil && len(first) > maxLineBytes || err == nil && incompleteJSON(first) {
		doc := make([]byte, 0, len(first)+1+br.Buffered())
		doc = append(append(doc, first...), '\n')
		rest, rerr := io.ReadAll(br)
		doc = append(doc, rest...)
		return f.readDoc(doc, line0, col0, rerr)
	}
	for {
		if err != nil && !errors.Is(err, errLineTooLong) {
			if len(first) > 0 {
				f.pos.reset(first, lr.line, 0)
				f.rejectAt(len(first), describeReadErr(err, f.stats.Compressed)+": the last line is incomplete", first)
			} else {
				f.reject(lr.line, 0, fmt.Sprintf("%s after line %d", describeReadErr(err, f.stats.Compressed), lr.line-1), nil)
			}
			return nil
		}
		if errors.Is(err, errLineTooLong) {
			f.reject(lr.line, 0, fmt.Sprintf("line longer than %d bytes, skipped", maxLineBytes), nil)
		} else if err := f.readLine(first, lr.line, col0); err != nil {
			return err
		}
		col0 = 0
		if w := workerCount(); w > 1 {
			return f.readLinesParallel(br, lr.line, w)
		}
		first, err = lr.next()
		if err == io.EOF {
			return nil
		}
	}
}

// incompleteJSON reports whether line is the beginning of a JSON value that
// continues past the end of the line.
func incompleteJSON(line []byte) bool {
	i := skipSpace(line, 0)
	_, err := scanValue(line, i, 0)
	var se *syntaxError
	return errors.As(err, &se) && se.eof
}

// fatalError ends the reading of a file: its rows cannot be used at all.
type fatalError struct{ error }

// readLine reads one line of JSON Lines input. It returns only fatal
// errors; a bad line is rejected.
func (f *fileState) readLine(line []byte, n, col0 int) error {
	i := skipSpace(line, 0)
	if i == len(line) {
		return nil // blank line
	}
	f.pos.reset(line, n, col0)
	end, err := f.topValue(line, i)
	if err != nil {
		var fe fatalError
		if errors.As(err, &fe) {
			return fe.error
		}
		f.syntaxReject(err, line)
		return nil
	}
	if j := skipSpace(line, end); j < len(line) {
		f.rejectAt(j, "JSON syntax error: unexpected data after the value", line)
	}
	return nil
}

// readDoc reads whole-document JSON input: one or more top-level values.
// A syntax error ends the document; rows before it are kept. rerr is the
// error that ended reading, if any. It returns only fatal errors.
func (f *fileState) readDoc(doc []byte, line0, col0 int, rerr error) error {
	f.pos.reset(doc, line0, col0)
	i := 0
	for {
		i = skipSpace(doc, i)
		if i >= len(doc) {
			break
		}
		end, err := f.topValue(doc, i)
		if err != nil {
			var fe fatalError
			var se *syntaxError
			switch {
			case errors.As(err, &fe):
				return fe.error
			case rerr != nil && errors.As(err, &se) && se.eof:
				f.rejectAt(se.off, describeReadErr(rerr, f.stats.Compressed)+": the JSON document is incomplete", f.pos.lineText(se.off))
			default:
				f.syntaxReject(err, f.pos.lineText(errOffset(err)))
			}
			return nil
		}
		i = end
	}
	if rerr != nil {
		f.rejectAt(len(doc), describeReadErr(rerr, f.stats.Compressed), nil)
	}
	return nil
}

func errOffset(err error) int {
	var se *syntaxError
	if errors.As(err, &se) {
		return se.off
	}
	return -1
}

// syntaxReject rejects the unit that failed to parse with err.
func (f *fileState) syntaxReject(err error, raw []byte) {
	var se *syntaxError
	if !errors.As(err, &se) {
		f.reject(f.pos.line0, 0, err.Error(), raw)
		return
	}
	reason := "JSON syntax error: " + se.msg
	if se.eof {
		reason = "truncated JSON: " + se.msg
	}
	f.rejectAt(se.off, reason, raw)
}

// topValue reads one top-level JSON value at d[i]: an object (a row, an
// envelope, or a container of rows) or an array of such objects.
func (f *fileState) topValue(d []byte, i int) (int, error) {
	switch d[i] {
	case '{':
		return f.object(d, i)
	case '[':
		return eachElement(d, i, 0, func(vs int) (int, error) {
			if d[vs] != '{' {
				return f.notObject(d, vs, "array element")
			}
			return f.object(d, vs)
		})
	}
	return f.notObject(d, i, "top-level JSON value")
}

// notObject rejects a value that should have been an object.
func (f *fileState) notObject(d []byte, vs int, what string) (int, error) {
	ve, err := scanValue(d, vs, 1)
	if err != nil {
		return ve, err
	}
	f.rejectAt(vs, what+" is not an object", d[vs:ve])
	return ve, nil
}
