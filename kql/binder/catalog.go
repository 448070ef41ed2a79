package binder

import (
	"sort"

	"github.com/rmmhunt/rmmhunt/schema"
	"github.com/rmmhunt/rmmhunt/table"
)

// SchemaCatalog is a Catalog of the documented Defender tables, with Sentinel's
// extra columns as optional ones and TimeGenerated as an alias of Timestamp.
func SchemaCatalog(reg *schema.Registry) Catalog {
	return &schemaCatalog{reg: reg}
}

type schemaCatalog struct{ reg *schema.Registry }

func (c *schemaCatalog) Table(name string) (*TableInfo, bool) {
	t, ok := c.reg.Lookup(name)
	if !ok {
		return nil, false
	}
	return InfoFromSchema(t, nil), true
}

func (c *schemaCatalog) TableNames() []string { return c.reg.Names() }

// InfoFromSchema builds a TableInfo from a documented table and the columns
// actually present in data (nil = the documented ones). Columns the data has
// beyond the documented ones are appended in their data order.
func InfoFromSchema(t *schema.Table, data table.Schema) *TableInfo {
	info := &TableInfo{Name: t.Name, Aliases: map[string]string{}}
	info.Columns = t.Schema()
	for _, f := range data {
		if info.Columns.Index(f.Name) < 0 {
			info.Columns = append(info.Columns, f)
		}
	}
	for _, c := range t.Optional {
		if info.Columns.Index(c.Name) < 0 {
			info.Optional = append(info.Optional, table.Field{Name: c.Name, Type: c.Type})
		}
	}
	// The docs spell the ISP column Isp in some tables and ISP in others;
	// queries use both.
	for _, pair := range [][2]string{{"ISP", "Isp"}, {"Isp", "ISP"}} {
		if info.Columns.Index(pair[0]) < 0 && info.Columns.Index(pair[1]) >= 0 {
			info.Aliases[pair[0]] = pair[1]
		}
	}
	if info.Columns.Index(schema.SentinelTimeColumn) < 0 && info.Columns.Index(schema.TimeColumn) >= 0 {
		info.Aliases[schema.SentinelTimeColumn] = schema.TimeColumn
	}
	return info
}

// MapCatalog is a Catalog over fixed TableInfos, falling back to another
// catalog for names it does not hold.
type MapCatalog struct {
	Tables   map[string]*TableInfo
	Fallback Catalog
}

// Table implements Catalog.
func (m *MapCatalog) Table(name string) (*TableInfo, bool) {
	if t, ok := m.Tables[name]; ok {
		return t, true
	}
	if m.Fallback != nil {
		return m.Fallback.Table(name)
	}
	return nil, false
}

// TableNames implements Catalog.
func (m *MapCatalog) TableNames() []string {
	seen := map[string]bool{}
	var out []string
	for n := range m.Tables {
		seen[n] = true
		out = append(out, n)
	}
	if m.Fallback != nil {
		for _, n := range m.Fallback.TableNames() {
			if !seen[n] {
				out = append(out, n)
			}
		}
	}
	sort.Strings(out)
	return out
}
