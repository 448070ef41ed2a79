package pack

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
)

//go:embed published.json
var publishedJSON []byte

// Variants of the RMM rules, the last part of their names
// ("Remote Management and Monitoring tool - <Tool> - <Variant>").
const (
	VariantFileSignature = "File Signature"
	VariantCreateProcess = "Create Process"
	VariantNetwork       = "Network Connection"
)

// Variants lists the three per-tool variants in the order the pack writes
// them.
var Variants = []string{VariantFileSignature, VariantCreateProcess, VariantNetwork}

// AllTools is the tool part of the name of the rule that matches the
// domains of every tool at once.
const AllTools = "All Tools"

// Tables read by the variants.
const (
	TableCertificates = "DeviceFileCertificateInfo"
	TableProcesses    = "DeviceProcessEvents"
	TableNetwork      = "DeviceNetworkEvents"
)

// VariantTable returns the table a variant reads.
func VariantTable(variant string) string {
	switch variant {
	case VariantFileSignature:
		return TableCertificates
	case VariantCreateProcess:
		return TableProcesses
	case VariantNetwork:
		return TableNetwork
	}
	return ""
}

// VariantSlug returns the short name the published rule files use for a
// variant: filesig, createproc or netconn.
func VariantSlug(variant string) string {
	switch variant {
	case VariantFileSignature:
		return "filesig"
	case VariantCreateProcess:
		return "createproc"
	case VariantNetwork:
		return "netconn"
	}
	return ""
}

// RuleName returns the published name pattern for a tool and variant.
func RuleName(tool, variant string) string {
	return "Remote Management and Monitoring tool - " + tool + " - " + variant
}

// Published is the record of the published RMM rule set
// (jischell-msft/RemoteManagementMonitoringTools): what each rule matches,
// as facts, and the defects found in them. It holds no rule text.
type Published struct {
	// Source describes the repository the facts were read from.
	Source PublishedSource `json:"source"`
	// Common is the query structure every per-tool rule shares.
	Common CommonShape `json:"common"`
	// YAMLQuirks are defects of the rule files' YAML that the loader
	// repairs (they do not change what a rule matches).
	YAMLQuirks []string `json:"yaml_quirks"`
	// Rules are the per-tool rules, in file path order.
	Rules []*PublishedRule `json:"rules"`
	// AllTools is the network rule over every tool's domains.
	AllTools *PublishedAllTools `json:"all_tools"`
}

// PublishedSource names the repository and commits the facts come from.
type PublishedSource struct {
	Repo    string `json:"repo"`
	Commit  string `json:"commit"`
	License string `json:"license"`
	Note    string `json:"note,omitempty"`
}

// CommonShape is the query structure shared by the published per-tool
// rules: the look-back window and the aggregates of the summarize.
type CommonShape struct {
	// WindowStart and WindowEnd are the let values Time_start and
	// Time_end ("now(-5d)", "now()"); rows are kept when Timestamp is
	// between them, both ends included.
	WindowStart string `json:"window_start"`
	WindowEnd   string `json:"window_end"`
	// Aggregates are the summarize aggregates, "Name=function(Column)".
	Aggregates []string `json:"aggregates"`
	// Tactic and Technique are the MITRE tactic and technique of every rule.
	Tactic    string `json:"tactic"`
	Technique string `json:"technique"`
	// Connector is the data connector every rule names.
	Connector string `json:"connector"`
}

// PublishedRule is one published per-tool rule.
type PublishedRule struct {
	Tool    string `json:"tool"`
	Variant string `json:"variant"`
	ID      string `json:"id"`
	Name    string `json:"name"`
	// File is the rule's path in the repository and Commit the commit it
	// was read at.
	File   string `json:"file"`
	Commit string `json:"commit"`
	// Table is the table the rule's result rows come from.
	Table string `json:"table"`
	// DataTypes are the tables its requiredDataConnectors name.
	DataTypes []string `json:"data_types"`
	// Lets are tabular lets the predicate refers to.
	Lets []*PublishedLet `json:"lets,omitempty"`
	// Where is the rule's predicate after the time filter, as valid KQL
	// logic (Defects says what was corrected to make it valid).
	Where *Pred `json:"where"`
	// SummarizeBy are the summarize keys as published.
	SummarizeBy []string `json:"summarize_by"`
	// Defects are the rule's defects and how the pack corrects them.
	Defects []Defect `json:"defects,omitempty"`
}

// PublishedLet is a tabular let of a published rule: rows of Table that
// pass the time filter and Where, reduced to the distinct values of
// Distinct.
type PublishedLet struct {
	Name     string `json:"name"`
	Table    string `json:"table"`
	Where    *Pred  `json:"where"`
	Distinct string `json:"distinct"`
}

// Defect is a defect of a published rule.
type Defect struct {
	// Kind classifies it: "syntax", "column", "summarize-key".
	Kind string `json:"kind"`
	// Detail says what is wrong.
	Detail string `json:"detail"`
	// Correction says what the pack does instead.
	Correction string `json:"correction"`
}

// PublishedAllTools is the published All Tools network rule.
type PublishedAllTools struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	File   string `json:"file"`
	Commit string `json:"commit"`
	Table  string `json:"table"`
	// Rows are the (URI, RMM_Tool) rows of its datatable, in order.
	Rows []AllToolsRow `json:"rows"`
	// Match is how RemoteUrl is tested against the datatable.
	Match string `json:"match"`
	// Extends are the RemoteUrl rewrites applied before the summarize.
	Extends     []string `json:"extends"`
	SummarizeBy []string `json:"summarize_by"`
	Defects     []Defect `json:"defects,omitempty"`
}

// AllToolsRow is one row of the All Tools datatable.
type AllToolsRow struct {
	URI  string `json:"uri"`
	Tool string `json:"tool"`
}

// LoadPublished decodes the embedded published.json.
func LoadPublished() (*Published, error) {
	var p Published
	if err := json.Unmarshal(publishedJSON, &p); err != nil {
		return nil, fmt.Errorf("pack: published.json: %w", err)
	}
	return &p, nil
}

// Rule returns the published rule for a tool and variant (tool compared
// case-insensitively), or nil.
func (p *Published) Rule(tool, variant string) *PublishedRule {
	for _, r := range p.Rules {
		if strings.EqualFold(r.Tool, tool) && r.Variant == variant {
			return r
		}
	}
	return nil
}

// Tools returns the names of the tools with published rules, in file
// order, without duplicates.
func (p *Published) Tools() []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range p.Rules {
		if !seen[r.Tool] {
			seen[r.Tool] = true
			out = append(out, r.Tool)
		}
	}
	return out
}
