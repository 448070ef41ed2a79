// Package schema holds the Microsoft Defender Advanced Hunting table schemas
// (every table's columns and Kusto types) and what Microsoft Sentinel adds to
// them (TimeGenerated, TenantId, Type, SourceSystem, MachineGroup).
//
// The schemas are embedded copies of the project's reference files
// (schema/data), so the binary needs nothing at run time. The package only
// describes tables; it reads no telemetry.
package schema

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

//go:embed data/defender-tables.json data/sentinel-differences.json
var files embed.FS

// Column is one documented column.
type Column struct {
	Name        string
	Type        types.Type
	Description string
}

// Table is one Advanced Hunting table.
type Table struct {
	Name    string
	Columns []Column
	// Optional columns exist in some copies of the table (Sentinel's
	// TimeGenerated, TenantId, Type, SourceSystem and the streaming API's
	// MachineGroup) and resolve when a query names them; they read as null
	// where the data lacks them.
	Optional []Column
	// SentinelTypes are the types Sentinel gives some columns (dynamic
	// AdditionalFields) where Defender has strings.
	SentinelTypes map[string]types.Type
}

// Schema returns the documented columns as a table.Schema.
func (t *Table) Schema() table.Schema {
	s := make(table.Schema, len(t.Columns))
	for i, c := range t.Columns {
		s[i] = table.Field{Name: c.Name, Type: c.Type}
	}
	return s
}

// Column returns the documented or optional column named name.
func (t *Table) Column(name string) (Column, bool) {
	for _, c := range t.Columns {
		if c.Name == name {
			return c, true
		}
	}
	for _, c := range t.Optional {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}

// TimeColumn is the name of the event-time column every Device* table has.
const TimeColumn = "Timestamp"

// SentinelTimeColumn is Sentinel's name for the record time; rmmhunt treats it
// as an alias of Timestamp where a table has no column of that name.
const SentinelTimeColumn = "TimeGenerated"

// Registry is the set of known tables.
type Registry struct {
	tables map[string]*Table
	names  []string
}

var (
	defaultOnce sync.Once
	defaultReg  *Registry
	defaultErr  error
)

// Default returns the registry of every Defender Advanced Hunting table.
func Default() *Registry {
	defaultOnce.Do(func() { defaultReg, defaultErr = load() })
	if defaultErr != nil {
		panic(fmt.Sprintf("schema: embedded schema is invalid: %v", defaultErr))
	}
	return defaultReg
}

// Lookup returns the table named name (case-sensitive, as in KQL).
func (r *Registry) Lookup(name string) (*Table, bool) {
	t, ok := r.tables[name]
	return t, ok
}

// Names returns every table name, sorted.
func (r *Registry) Names() []string { return r.names }

// Suggest returns the known table name closest to name, or "".
func (r *Registry) Suggest(name string) string { return Closest(name, r.names) }

type rawColumn struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Description string `json:"description"`
}

func load() (*Registry, error) {
	raw, err := files.ReadFile("data/defender-tables.json")
	if err != nil {
		return nil, err
	}
	var tables map[string][]rawColumn
	if err := json.Unmarshal(raw, &tables); err != nil {
		return nil, err
	}
	rawS, err := files.ReadFile("data/sentinel-differences.json")
	if err != nil {
		return nil, err
	}
	var sent struct {
		AddedColumns  []rawColumn                  `json:"addedColumns"`
		TypeOverrides map[string]map[string]string `json:"typeOverrides"`
	}
	if err := json.Unmarshal(rawS, &sent); err != nil {
		return nil, err
	}
	r := &Registry{tables: map[string]*Table{}}
	for name, cols := range tables {
		t := &Table{Name: name, SentinelTypes: map[string]types.Type{}}
		for _, c := range cols {
			ty, ok := types.Parse(c.Type)
			if !ok {
				return nil, fmt.Errorf("table %s column %s: unknown type %q", name, c.Name, c.Type)
			}
			t.Columns = append(t.Columns, Column{Name: c.Name, Type: ty, Description: c.Description})
		}
		for _, c := range sent.AddedColumns {
			if strings.HasPrefix(c.Name, "_") {
				continue
			}
			if _, exists := t.Column(c.Name); exists {
				continue
			}
			ty, _ := types.Parse(c.Type)
			t.Optional = append(t.Optional, Column{Name: c.Name, Type: ty, Description: c.Description})
		}
		for col, ty := range sent.TypeOverrides[name] {
			if tt, ok := types.Parse(ty); ok {
				t.SentinelTypes[col] = tt
			}
		}
		r.tables[name] = t
		r.names = append(r.names, name)
	}
	sort.Strings(r.names)
	return r, nil
}

// Closest returns the candidate closest to name by edit distance (case
// folded), when it is close enough to be a plausible typo; otherwise "".
func Closest(name string, candidates []string) string {
	best, bestD := "", 1<<30
	ln := strings.ToLower(name)
	for _, c := range candidates {
		d := editDistance(ln, strings.ToLower(c))
		if d < bestD {
			best, bestD = c, d
		}
	}
	limit := len(name)/3 + 1
	if bestD <= limit {
		return best
	}
	return ""
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
