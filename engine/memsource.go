package engine

import (
	"context"
	"sort"

	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/schema"
	"github.com/rmmhunt/rmmhunt/table"
)

// MemSource serves in-memory tables. Documented tables that hold no data
// read as empty.
type MemSource struct {
	Tables   map[string]*table.Table
	Registry *schema.Registry
	// External maps externaldata URLs to local files.
	External map[string]string
}

// ExternalFiles implements ExternalFiler.
func (m *MemSource) ExternalFiles() map[string]string { return m.External }

// NewMemSource returns a source over the given tables (keyed by name).
func NewMemSource(tables map[string]*table.Table) *MemSource {
	if tables == nil {
		tables = map[string]*table.Table{}
	}
	return &MemSource{Tables: tables, Registry: schema.Default()}
}

// Catalog returns the binder catalog for this source: every documented
// table, with the extra columns the data brings, plus tables that exist only
// in the data.
func (m *MemSource) Catalog() binder.Catalog {
	mc := &binder.MapCatalog{Tables: map[string]*binder.TableInfo{}, Fallback: binder.SchemaCatalog(m.Registry)}
	for name, t := range m.Tables {
		if doc, ok := m.Registry.Lookup(name); ok {
			mc.Tables[name] = binder.InfoFromSchema(doc, t.Schema)
			continue
		}
		mc.Tables[name] = &binder.TableInfo{Name: name, Columns: t.Schema, Aliases: map[string]string{}}
	}
	return mc
}

// TableNames returns the names of tables that hold data, sorted.
func (m *MemSource) TableNames() []string {
	var out []string
	for n := range m.Tables {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Scan implements Source.
func (m *MemSource) Scan(ctx context.Context, req ScanRequest) (BatchIterator, error) {
	t, ok := m.Tables[req.Table]
	if !ok {
		return sliceIter(nil), nil
	}
	// Map each requested column to a stored column.
	srcIdx := make([]int, len(req.Columns))
	for i, f := range req.Columns {
		srcIdx[i] = t.Schema.Index(f.Name)
		if srcIdx[i] < 0 && i < len(req.Sources) {
			srcIdx[i] = t.Schema.Index(req.Sources[i])
		}
	}
	bi := 0
	return iterFunc(func() (*table.Batch, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if bi >= len(t.Batches) {
			return nil, nil
		}
		b := t.Batches[bi]
		bi++
		out := &table.Batch{Schema: req.Columns, Cols: make([]*table.Column, len(req.Columns)), N: b.N}
		for i, f := range req.Columns {
			si := srcIdx[i]
			switch {
			case si < 0:
				out.Cols[i] = table.Const(f.Type, types.NullOf(f.Type), b.N)
			case b.Cols[si].Type != f.Type:
				out.Cols[i] = convertColumn(b.Cols[si], f.Type)
			default:
				out.Cols[i] = b.Cols[si]
			}
		}
		return out, nil
	}), nil
}

// convertColumn converts a stored column to the type the query expects
// (e.g. a JSON text column read as dynamic).
func convertColumn(c *table.Column, t types.Type) *table.Column {
	n := c.Len()
	out := table.NewColumn(t, n)
	for i := 0; i < n; i++ {
		out.Append(convertTo(c.Get(i), t))
	}
	return out
}
