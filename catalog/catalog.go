// Package catalog is the catalog of remote monitoring and management (RMM)
// and remote-access tools: for each tool its names, code-signing signers,
// process and file names, network domains, PE version-info strings and where
// every value came from.
//
// The catalog is an embedded copy of the project's reference file
// (data/rmm-catalog.json, merged from the jischell-msft
// RemoteManagementMonitoringTools and magicsword-io LOLRMM repositories;
// data/rmm-catalog.meta.json records the commits and licences). It holds
// facts only: it does not decide whether a row of telemetry matches a tool.
// Detection logic lives with the rules that use these facts.
package catalog

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

//go:embed data/rmm-catalog.json
var catalogJSON []byte

//go:embed data/rmm-catalog.meta.json
var metaJSON []byte

// Detection kinds published for a tool by the jischell rule set; they name
// the rule files rmm_<Tool>_<kind>.yaml.
const (
	DetectionCreateProcess = "createproc" // DeviceProcessEvents rule ("Create Process")
	DetectionFileSignature = "filesig"    // DeviceFileCertificateInfo rule ("File Signature")
	DetectionNetwork       = "netconn"    // DeviceNetworkEvents rule ("Network Connection")
)

// Tool is one RMM or remote-access product family.
//
// Signers, PECompanyNames and the jischell term lists mix two kinds of
// strings: full certificate subjects or company names (from LOLRMM) and
// KQL has-terms (from jischell queries, e.g. "AmidaWare" rather than
// "AmidaWare Inc."). FieldSources tells them apart.
type Tool struct {
	// Name is the tool's name: the jischell folder name when the tool is in
	// that repository (the name used in the Sentinel rule titles, e.g.
	// "TacticalRMM"), otherwise a LOLRMM name.
	Name string
	// Aliases are other names of the tool (LOLRMM names of merged entries,
	// jischell "All Tools" labels).
	Aliases []string
	// Signers are code-signing signer strings: jischell Signer has-terms and
	// LOLRMM signer names.
	Signers []string
	// Processes are executable and file names as published (wildcards and
	// typos kept).
	Processes []string
	// Domains are normalised host names (lower case, no scheme, port, path
	// or leading "*.").
	Domains []string
	// DomainPatterns are wildcard or regex-like domain entries kept as
	// published, e.g. "relay-[a-f0-9]{8}.net.anydesk.com".
	DomainPatterns []string
	// PECompanyNames are PE version-info CompanyName strings.
	PECompanyNames []string
	// PEProductNames are PE version-info ProductName strings.
	PEProductNames []string
	// Category is the LOLRMM category, "RMM" or "RAT"; empty when the tool
	// is only in jischell. When merged LOLRMM files disagree, their
	// categories are joined with "/".
	Category string
	// Sources are the URLs of the jischell tool folder and of every LOLRMM
	// file merged into this entry.
	Sources []string
	// FieldSources records, for each value of Signers, Processes and
	// Domains, the source fields it came from.
	FieldSources FieldSources
	// SignersListedForOtherTools lists signer strings of this tool that the
	// catalog also lists, exactly (case-insensitively), under other tools.
	SignersListedForOtherTools []SignerCollision

	// InJischell reports whether the tool has a jischell folder; the
	// fields below are empty when it does not.
	InJischell bool
	// Detections are the jischell rule kinds published for the tool
	// (DetectionCreateProcess, DetectionFileSignature, DetectionNetwork).
	Detections []string
	// SignerTerms are the has-terms of the jischell "File Signature" query
	// (Signer has / has_any).
	SignerTerms []string
	// PECompanyTerms are the has-terms the jischell queries apply to
	// ProcessVersionInfoCompanyName / InitiatingProcessVersionInfoCompanyName.
	PECompanyTerms []string
	// PEProductTerms are the has-terms the jischell queries apply to the
	// product name or file description columns.
	PEProductTerms []string
	// RemoteURLTerms are the has-terms the jischell "Network Connection"
	// queries apply to RemoteUrl, as published (placeholders and dot-less
	// terms included).
	RemoteURLTerms []string
	// FileNameTerms are file or folder name terms used by a few jischell
	// queries instead of version-info strings.
	FileNameTerms []string
}

// FieldSources maps each value of a Tool's list fields to the source fields
// it came from, such as "lolrmm:CodeSigning.signer_names" or
// "jischell:netconn RemoteUrl".
type FieldSources struct {
	Signers   map[string][]string `json:"signers"`
	Processes map[string][]string `json:"processes"`
	Domains   map[string][]string `json:"domains"`
}

// SignerCollision is a signer string that several catalog entries list.
type SignerCollision struct {
	// Signer is the signer string as this tool lists it.
	Signer string `json:"signer"`
	// AlsoListedFor names the other tools that list it.
	AlsoListedFor []string `json:"also_listed_for"`
}

// Source describes one upstream repository the catalog was built from.
type Source struct {
	Repo       string `json:"repo"`
	Commit     string `json:"commit"`
	CommitDate string `json:"commit_date"`
	License    string `json:"license"`
	Copyright  string `json:"copyright,omitempty"`
}

// Catalog is the loaded tool catalog. It is read-only once loaded and safe
// for concurrent use.
type Catalog struct {
	tools   []*Tool
	byName  map[string]*Tool
	sources []Source
}

// Load parses the embedded catalog. Each call returns a fresh Catalog.
func Load() (*Catalog, error) {
	var raw []rawTool
	if err := json.Unmarshal(catalogJSON, &raw); err != nil {
		return nil, fmt.Errorf("catalog: decoding rmm-catalog.json: %w", err)
	}
	var meta struct {
		Sources []Source `json:"sources"`
	}
	if err := json.Unmarshal(metaJSON, &meta); err != nil {
		return nil, fmt.Errorf("catalog: decoding rmm-catalog.meta.json: %w", err)
	}
	c := &Catalog{
		tools:   make([]*Tool, 0, len(raw)),
		byName:  make(map[string]*Tool, 2*len(raw)),
		sources: meta.Sources,
	}
	for i := range raw {
		t, err := raw[i].tool()
		if err != nil {
			return nil, fmt.Errorf("catalog: entry %d: %w", i, err)
		}
		for _, n := range append([]string{t.Name}, t.Aliases...) {
			k := strings.ToLower(n)
			if prev, ok := c.byName[k]; ok && prev != t {
				return nil, fmt.Errorf("catalog: name %q is used by %q and %q", n, prev.Name, t.Name)
			}
			c.byName[k] = t
		}
		c.tools = append(c.tools, t)
	}
	return c, nil
}

// Tools returns every tool, sorted by name (case-insensitive), as the
// catalog file lists them. The Tools are shared: do not modify them.
func (c *Catalog) Tools() []*Tool { return slices.Clone(c.tools) }

// Len returns the number of tools.
func (c *Catalog) Len() int { return len(c.tools) }

// Lookup finds a tool by name or alias, ignoring case.
func (c *Catalog) Lookup(name string) (*Tool, bool) {
	t, ok := c.byName[strings.ToLower(strings.TrimSpace(name))]
	return t, ok
}

// Sources returns the upstream repositories the catalog was built from,
// with their commits and licences.
func (c *Catalog) Sources() []Source { return slices.Clone(c.sources) }

// HasDetection reports whether jischell publishes a rule of the given kind
// (DetectionCreateProcess, DetectionFileSignature, DetectionNetwork) for
// the tool.
func (t *Tool) HasDetection(kind string) bool { return slices.Contains(t.Detections, kind) }

// rawTool is one entry of rmm-catalog.json as written; the raw "lolrmm"
// object is not exposed.
type rawTool struct {
	Name                       string            `json:"name"`
	Aliases                    []string          `json:"aliases"`
	Signers                    []string          `json:"signers"`
	Processes                  []string          `json:"processes"`
	Domains                    []string          `json:"domains"`
	Sources                    []string          `json:"sources"`
	Category                   json.RawMessage   `json:"category"`
	PECompanyNames             []string          `json:"pe_company_names"`
	PEProductNames             []string          `json:"pe_product_names"`
	DomainPatterns             []string          `json:"domain_patterns"`
	SignersListedForOtherTools []SignerCollision `json:"signers_listed_for_other_tools"`
	FieldSources               FieldSources      `json:"field_sources"`
	Jischell                   *rawJischell      `json:"jischell"`
}

// rawJischell holds the jischell facts the package exposes; the other
// fields of the file's "jischell" object are ignored.
type rawJischell struct {
	Detections     []string `json:"detections"`
	SignerTerms    []string `json:"signer_terms"`
	PECompanyTerms []string `json:"pe_company_terms"`
	PEProductTerms []string `json:"pe_product_terms"`
	RemoteURLTerms []string `json:"remote_url_terms"`
	FileNameTerms  []string `json:"file_name_terms"`
}

func (r *rawTool) tool() (*Tool, error) {
	if strings.TrimSpace(r.Name) == "" {
		return nil, fmt.Errorf("empty name")
	}
	cat, err := category(r.Category)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", r.Name, err)
	}
	t := &Tool{
		Name:                       r.Name,
		Aliases:                    r.Aliases,
		Signers:                    r.Signers,
		Processes:                  r.Processes,
		Domains:                    r.Domains,
		DomainPatterns:             r.DomainPatterns,
		PECompanyNames:             r.PECompanyNames,
		PEProductNames:             r.PEProductNames,
		Category:                   cat,
		Sources:                    r.Sources,
		FieldSources:               r.FieldSources,
		SignersListedForOtherTools: r.SignersListedForOtherTools,
	}
	if j := r.Jischell; j != nil {
		t.InJischell = true
		t.Detections = j.Detections
		t.SignerTerms = j.SignerTerms
		t.PECompanyTerms = j.PECompanyTerms
		t.PEProductTerms = j.PEProductTerms
		t.RemoteURLTerms = j.RemoteURLTerms
		t.FileNameTerms = j.FileNameTerms
	}
	return t, nil
}

// category decodes the "category" field: null, a string or a list of strings.
func category(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil {
		return "", fmt.Errorf("category: %s is neither a string nor a list of strings", raw)
	}
	return strings.Join(list, "/"), nil
}
