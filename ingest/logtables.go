package ingest

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// laSpec is the column list of a Log Analytics query API result table.
type laSpec struct {
	keys     [][]byte              // column names
	declared map[string]types.Type // declared types of the columns whose type name is known
}

// laTable reads one element of a Log Analytics query API "tables" array:
// {"name", "columns":[{"name","type"}], "rows":[[...], ...]}. Rows are
// positional; a table named after a known table gives the rows their table.
func (f *fileState) laTable(d []byte, es int) (int, error) {
	if d[es] != '{' {
		return f.notObject(d, es, "tables element")
	}
	var name string
	var cols *laSpec
	var pending [][2]int // rows arrays seen before columns
	end, err := walkObject(d, es, 1, func(ks, ke int, esc bool, vs int) (int, error) {
		key := keyBytes(d, ks, ke, esc)
		ve, err := 0, error(nil)
		switch {
		case bytes.EqualFold(key, []byte("rows")) && d[vs] == '[':
			if cols != nil {
				return eachElement(d, vs, 2, func(rs int) (int, error) { return f.laRow(d, rs, cols, name) })
			}
			ve, err = scanValue(d, vs, 2)
			pending = append(pending, [2]int{vs, ve})
			return ve, err
		case bytes.EqualFold(key, []byte("columns")):
			ve, err = scanValue(d, vs, 2)
			if err == nil {
				cols = laColumns(d[vs:ve])
			}
			return ve, err
		case bytes.EqualFold(key, []byte("name")) && d[vs] == '"':
			ve, err = scanValue(d, vs, 2)
			if err == nil {
				var sb []byte
				name = string(jsonString(d[vs:ve], &sb))
			}
			return ve, err
		}
		return scanValue(d, vs, 2)
	})
	if err != nil {
		return end, err
	}
	if cols == nil && len(pending) > 0 {
		cols = &laSpec{}
	}
	for _, p := range pending {
		if _, err := eachElement(d, p[0], 2, func(rs int) (int, error) { return f.laRow(d, rs, cols, name) }); err != nil {
			return end, err
		}
	}
	return end, nil
}

// laColumns reads [{"name","type"}, ...] (keys in any case; the older
// ColumnName/DataType spelling too).
func laColumns(v []byte) *laSpec {
	var raw []struct{ Name, Type, ColumnName, DataType string }
	spec := &laSpec{declared: map[string]types.Type{}}
	if json.Unmarshal(v, &raw) != nil {
		return spec
	}
	for _, c := range raw {
		n, tn := c.Name, c.Type
		if n == "" {
			n, tn = c.ColumnName, c.DataType
		}
		spec.keys = append(spec.keys, []byte(n))
		if t, ok := types.Parse(tn); ok {
			spec.declared[n] = t
		}
	}
	return spec
}

// laRow reads one positional row.
func (f *fileState) laRow(d []byte, rs int, cols *laSpec, laName string) (int, error) {
	if d[rs] != '[' {
		ve, err := scanValue(d, rs, 3)
		if err == nil {
			f.rejectAt(rs, "row is not an array", d[rs:ve])
		}
		return ve, err
	}
	members := f.memBufs[levelProperty][:0]
	k := 0
	end, err := eachElement(d, rs, 3, func(vs int) (int, error) {
		ve, err := scanValue(d, vs, 4)
		if err == nil && k < len(cols.keys) {
			members = append(members, member{key: cols.keys[k], vs: vs, ve: ve})
		}
		k++
		return ve, err
	})
	f.memBufs[levelProperty] = members[:0]
	if err != nil {
		return end, err
	}
	if k != len(cols.keys) {
		f.rejectAt(rs, fmt.Sprintf("row has %d values, the table has %d columns", k, len(cols.keys)), d[rs:end])
		return end, nil
	}
	return end, f.flatRow(d, members, rs, end, 2, cols.declared, laName)
}
