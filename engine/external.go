package engine

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// ExternalFiler is implemented by a Source that maps externaldata URLs to
// local files (see MemSource.External); Options.External takes precedence.
type ExternalFiler interface {
	ExternalFiles() map[string]string
}

// external reads the local files standing for an externaldata operator's
// URLs. Nothing is fetched over the network: a URL without a local file is
// an error that names it.
func (r *runState) external(x *binder.External) (BatchIterator, error) {
	out := table.NewBatch(x.Columns, 0)
	for _, u := range x.URLs {
		path, ok := r.externals[u]
		if !ok && r.missingExternal != nil {
			r.missingExternal(u)
			continue
		}
		if !ok {
			return nil, fmt.Errorf("externaldata: no local file for %s; rmmhunt does not download, give one with --external '%s=PATH'", u, u)
		}
		if err := readExternal(path, x, out); err != nil {
			return nil, fmt.Errorf("externaldata %s (%s): %v", u, path, err)
		}
	}
	return sliceIter([]*table.Batch{out}), nil
}

// readExternal appends the records of one file to out.
func readExternal(path string, x *binder.External, out *table.Batch) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	var rd io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return err
		}
		defer zr.Close()
		rd = zr
	}
	switch x.Format {
	case "txt":
		return readExternalText(rd, x, out)
	case "json":
		return readExternalJSON(rd, x, out)
	}
	sep := map[string]rune{"csv": ',', "tsv": '\t', "scsv": ';', "psv": '|', "sohsv": '\x01'}[x.Format]
	cr := csv.NewReader(rd)
	cr.Comma = sep
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	row := make([]types.Value, len(x.Columns))
	first := true
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if first && x.IgnoreFirst {
			first = false
			continue
		}
		first = false
		for j, c := range x.Columns {
			if j >= len(rec) {
				row[j] = types.NullOf(c.Type)
				continue
			}
			row[j] = fieldValue(rec[j], c.Type)
		}
		out.AppendRow(row)
	}
}

// fieldValue converts one text field to type t (null when it does not
// convert).
func fieldValue(s string, t types.Type) types.Value {
	if t == types.String {
		return types.NewString(s)
	}
	return convertTo(types.NewString(s), t)
}

// readExternalText reads one record per line: the line fills the first
// column.
func readExternalText(rd io.Reader, x *binder.External, out *table.Batch) error {
	sc := bufio.NewScanner(rd)
	sc.Buffer(make([]byte, 64*1024), 64<<20)
	row := make([]types.Value, len(x.Columns))
	first := true
	for sc.Scan() {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if first && x.IgnoreFirst {
			first = false
			continue
		}
		first = false
		row[0] = fieldValue(line, x.Columns[0].Type)
		for j := 1; j < len(row); j++ {
			row[j] = types.NullOf(x.Columns[j].Type)
		}
		out.AppendRow(row)
	}
	return sc.Err()
}

// readExternalJSON reads JSON objects (one per line, several per file, or
// an array of them); properties fill the columns of the same name.
func readExternalJSON(rd io.Reader, x *binder.External, out *table.Batch) error {
	data, err := io.ReadAll(rd)
	if err != nil {
		return err
	}
	data = bytes.TrimSpace(data)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	row := make([]types.Value, len(x.Columns))
	addObject := func(raw json.RawMessage) error {
		d, ok := types.ParseJSON(string(raw))
		if !ok {
			return fmt.Errorf("invalid JSON record")
		}
		bag, ok := d.(*types.Bag)
		if !ok {
			return fmt.Errorf("a JSON record is not an object")
		}
		for j, c := range x.Columns {
			v, ok := bag.Get(c.Name)
			switch {
			case !ok || v == nil:
				row[j] = types.NullOf(c.Type)
			case c.Type == types.Dynamic:
				row[j] = types.NewDynamic(v)
			default:
				row[j] = convertTo(types.NewDynamic(v), c.Type)
			}
		}
		out.AppendRow(row)
		return nil
	}
	if len(data) > 0 && data[0] == '[' {
		var arr []json.RawMessage
		if err := dec.Decode(&arr); err != nil {
			return err
		}
		for _, raw := range arr {
			if err := addObject(raw); err != nil {
				return err
			}
		}
		return nil
	}
	for {
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := addObject(raw); err != nil {
			return err
		}
	}
}
