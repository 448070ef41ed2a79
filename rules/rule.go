// Package rules reads Microsoft Sentinel rules written in YAML (hunting
// queries and scheduled analytics rules) into a Rule, reports every defect it
// finds with the YAML line and column, and checks the rule-level metadata
// (id, MITRE tactics and techniques, trigger settings).
//
// Rule files are read as they are published: CRLF line endings, tabs in the
// indentation and the mis-indented requiredDataConnectors/dataTypes blocks
// found in public rule collections are repaired before the YAML is decoded,
// and each repair is reported as a warning at its line. Text that cannot be
// repaired is an error.
//
// The package does not parse or check the KQL query: Rule.QueryFile returns a
// token.File whose positions map onto the YAML file, so that the KQL front end
// (kql/parser, kql/binder) reports its diagnostics at YAML lines and columns.
package rules

import (
	"github.com/rmmhunt/rmmhunt/kql/token"
	"gopkg.in/yaml.v3"
)

// RequiredDataConnector is one entry of a rule's requiredDataConnectors: a
// Sentinel data connector and the tables (data types) the query reads from it.
type RequiredDataConnector struct {
	ConnectorID string
	DataTypes   []string
}

// Rule is one Sentinel rule file.
//
// String fields hold the YAML scalar text as written (a YAML 1.0 version is
// "1.0", not a float). Optional fields that are absent are empty (nil for
// TriggerThreshold and EntityMappings).
type Rule struct {
	// Path is the file the rule was read from (the name given to Parse).
	Path string

	// ID through TriggerThreshold are the Sentinel keys of the same names
	// (id, name, description, severity, requiredDataConnectors,
	// queryFrequency, queryPeriod, triggerOperator, triggerThreshold).
	ID                     string
	Name                   string
	Description            string
	Severity               string
	RequiredDataConnectors []RequiredDataConnector
	QueryFrequency         string
	QueryPeriod            string
	TriggerOperator        string
	TriggerThreshold       *int
	// Tactics and RelevantTechniques accept a YAML scalar or a list; a scalar
	// (or list item) holding commas is split and each part trimmed.
	Tactics            []string
	RelevantTechniques []string
	// Query is the KQL text exactly as YAML decodes it (a literal block
	// scalar keeps its final line break).
	Query   string
	Version string
	Kind    string
	// Tags holds the tags as strings; a tag written as a mapping (for
	// example "Schema: ASimDns") is flattened to "key: value" pairs joined by
	// ", " in key order.
	Tags []string
	// EntityMappings is the entityMappings value as a raw YAML node (nil when
	// absent); it keeps YAML positions.
	EntityMappings *yaml.Node
	// Extra holds the other top-level keys (known Sentinel keys that are not
	// modelled here, such as customDetails or incidentConfiguration, and
	// unknown keys, which are also reported as warnings).
	Extra map[string]*yaml.Node

	// QueryLine and QueryCol are the 1-based line and column in the YAML file
	// of the first character of Query (for a block scalar, the line after the
	// "|" indicator and the column after its indentation). Both are 0 for a
	// rule that was not read from a file.
	QueryLine, QueryCol int
	// QueryPosExact reports whether every byte offset of Query maps exactly
	// onto the YAML file through QueryFile. It is true for a literal block
	// scalar ("|") whose lines are all indented by the same characters, and
	// for a query on a single line without escapes. It is false for folded
	// (">") or multi-line quoted scalars, where only the first line maps
	// exactly, and for a literal block whose lines were indented with tabs
	// on some lines and spaces on others (QueryPosition is still exact
	// there).
	QueryPosExact bool

	src        *token.File           // the YAML text as read (CRLF normalised)
	spans      map[string]token.Span // top-level key -> span of its value (or key)
	itemSpans  map[string][]token.Span
	queryShift map[int]int // 0-based query line -> column correction
}

// QueryFile returns a token.File for the query text, named by the rule path,
// whose LineBase and ColBase shift KQL positions onto the YAML file: offset 0
// of Query is reported at QueryLine:QueryCol. The shift is exact when
// QueryPosExact is true; see QueryPosition for a per-line exact mapping.
func (r *Rule) QueryFile() *token.File {
	f := token.NewFile(r.Path, r.Query)
	if r.QueryLine > 0 {
		f.LineBase = r.QueryLine - 1
		f.ColBase = r.QueryCol - 1
	}
	return f
}

// QueryPosition converts a byte offset in Query into its YAML file position.
// Unlike QueryFile's single column shift, it corrects the column of query
// lines whose indentation in the YAML file differs from the first line's (a
// tab-indented line in a space-indented block, for instance).
func (r *Rule) QueryPosition(p token.Pos) token.Position {
	pos := r.QueryFile().Position(p)
	if pos.Line > 0 && r.QueryLine > 0 {
		pos.Column += r.queryShift[pos.Line-r.QueryLine]
	}
	return pos
}

// DataTypes returns the tables named by the rule's requiredDataConnectors, in
// order of first appearance and without duplicates.
func (r *Rule) DataTypes() []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range r.RequiredDataConnectors {
		for _, t := range c.DataTypes {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	return out
}

// span returns the recorded span of a top-level key's value, or an invalid
// span.
func (r *Rule) span(key string) token.Span {
	if s, ok := r.spans[key]; ok {
		return s
	}
	return token.Span{Start: token.NoPos, End: token.NoPos}
}

// itemSpan returns the span of the i-th item of a list-valued key (tactics,
// relevantTechniques), falling back to the key's value span.
func (r *Rule) itemSpan(key string, i int) token.Span {
	if s := r.itemSpans[key]; i < len(s) {
		return s[i]
	}
	return r.span(key)
}
