package pack

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/rmmhunt/rmmhunt/catalog"
	"github.com/rmmhunt/rmmhunt/engine"
)

// Rule origins.
const (
	// OriginPublished: the rule keeps a published rule's id and logic.
	OriginPublished = "published"
	// OriginCatalog: the rule is built from the catalog's indicators.
	OriginCatalog = "catalog"
)

// Summarize keys of the pack's rules. The published network rules group
// by AccountUpn, which DeviceNetworkEvents lacks; the pack groups by the
// initiating process's account instead.
var (
	keysFileSignature = []string{"DeviceId", "DeviceName"}
	keysCreateProcess = []string{"DeviceId", "DeviceName", "AccountUpn"}
	keysNetwork       = []string{"DeviceId", "DeviceName", "InitiatingProcessAccountUpn", "RemoteUrl"}
	keysAllTools      = []string{"DeviceId", "DeviceName", "InitiatingProcessAccountUpn", "RemoteUrl", "InitiatingProcessFileName"}
)

// Rule is one rule of the pack, with everything the generator writes about
// it.
type Rule struct {
	Tool    string
	Variant string
	ID      string
	Name    string
	// Origin is OriginPublished or OriginCatalog.
	Origin string
	// Published is the published counterpart (nil for catalog rules).
	Published *PublishedRule
	// Table is the table the findings come from.
	Table string
	// DataTypes are the tables the query reads.
	DataTypes []string
	// Lets are tabular lets Where refers to.
	Lets []*PublishedLet
	// Where is the predicate applied after the time filter.
	Where *Pred
	// SummarizeBy are the summarize keys.
	SummarizeBy []string
	// Rows is the datatable of the All Tools rule.
	Rows []AllToolsRow
	// Indicators are the tool's indicators of the kinds this rule hunts on
	// that it does not use as they are (dropped, down-graded, not used).
	Indicators []Indicator
	// Corrections are the published defects the rule corrects.
	Corrections []Defect
	// Notes are further remarks on the rule's logic.
	Notes []string
	// Sources are the URLs the rule's indicators come from.
	Sources []string
}

// FileName returns the rule's file name in the pack: the tool's slug and
// the variant's short name, e.g. "anydesk_filesig.yaml".
func (r *Rule) FileName() string {
	return Slug(r.Tool) + "_" + VariantSlug(r.Variant) + ".yaml"
}

// Slug returns a file-name form of a tool name: lower case, runs of other
// characters than letters and digits turned into one underscore.
func Slug(s string) string {
	var b strings.Builder
	under := false
	for _, r := range strings.ToLower(s) {
		if r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
			under = false
			continue
		}
		if !under && b.Len() > 0 {
			b.WriteByte('_')
			under = true
		}
	}
	return strings.TrimSuffix(b.String(), "_")
}

// Pack is the built-in rule pack.
type Pack struct {
	Rules []*Rule
	// Tools is the assessment of every catalog tool, in catalog order.
	Tools []*ToolAssessment
	// Published is the published rule record the pack was built from.
	Published *Published
}

// Build assembles the pack from the catalog, the published facts and the
// quality policy.
func Build(cat *catalog.Catalog, pub *Published, pol *Policy) (*Pack, error) {
	a := newAssessor(cat, pub, pol)
	p := &Pack{Published: pub}
	for _, r := range pub.Rules {
		if _, ok := cat.Lookup(r.Tool); !ok {
			return nil, fmt.Errorf("pack: published tool %s is not in the catalog", r.Tool)
		}
	}
	for _, t := range cat.Tools() {
		ta := a.assess(t)
		p.Tools = append(p.Tools, ta)
		for _, v := range Variants {
			var r *Rule
			if pr := pub.Rule(t.Name, v); pr != nil {
				r = publishedRule(t, pr, ta, pol)
			} else {
				r = catalogRule(t, v, ta)
			}
			if r != nil {
				p.Rules = append(p.Rules, r)
			}
		}
	}
	at, err := allToolsRule(cat, pub, p.Tools, pol)
	if err != nil {
		return nil, err
	}
	p.Rules = append(p.Rules, at)
	files := map[string]string{}
	ids := map[string]string{}
	for _, r := range p.Rules {
		if prev, dup := files[r.FileName()]; dup {
			return nil, fmt.Errorf("pack: %s and %s share the file name %s", prev, r.Name, r.FileName())
		}
		files[r.FileName()] = r.Name
		if prev, dup := ids[r.ID]; dup {
			return nil, fmt.Errorf("pack: %s and %s share the id %s", prev, r.Name, r.ID)
		}
		ids[r.ID] = r.Name
	}
	return p, nil
}

// Load builds the pack from the embedded catalog, published facts and
// policy.
func Load() (*Pack, error) {
	cat, err := catalog.Load()
	if err != nil {
		return nil, err
	}
	pub, err := LoadPublished()
	if err != nil {
		return nil, err
	}
	pol, err := LoadPolicy()
	if err != nil {
		return nil, err
	}
	return Build(cat, pub, pol)
}

// Tool returns the assessment of the tool named (name or alias,
// case-insensitive), or nil.
func (p *Pack) Tool(name string) *ToolAssessment {
	for _, t := range p.Tools {
		if strings.EqualFold(t.Tool.Name, name) {
			return t
		}
		for _, al := range t.Tool.Aliases {
			if strings.EqualFold(al, name) {
				return t
			}
		}
	}
	return nil
}

// variantKinds are the indicator kinds each variant hunts on.
var variantKinds = map[string][]string{
	VariantFileSignature: {KindSigner},
	VariantCreateProcess: {KindCompany, KindProduct, KindFile},
	VariantNetwork:       {KindDomain, KindPattern},
}

// publishedRule keeps a published rule's id and logic, with its defects
// corrected, and notes how the tool's catalog indicators and the published
// terms fare against the policy.
func publishedRule(t *catalog.Tool, pr *PublishedRule, ta *ToolAssessment, pol *Policy) *Rule {
	r := &Rule{
		Tool: t.Name, Variant: pr.Variant, ID: pr.ID, Name: RuleName(t.Name, pr.Variant),
		Origin: OriginPublished, Published: pr, Table: pr.Table, DataTypes: pr.DataTypes,
		Lets: pr.Lets, Where: pr.Where, Corrections: pr.Defects, Sources: t.Sources,
	}
	switch pr.Variant {
	case VariantFileSignature:
		r.SummarizeBy = keysFileSignature
	case VariantCreateProcess:
		r.SummarizeBy = keysCreateProcess
	default:
		r.SummarizeBy = keysNetwork
	}
	if pr.Variant == VariantNetwork && !hasColumn(pr.Where, "RemoteUrl") {
		r.Notes = append(r.Notes, "the published rule has no RemoteUrl condition: it reports every connection the tool's process makes")
	}
	// The published terms against the policy.
	for _, at := range pr.Where.Atoms() {
		kind := ColumnKind(at.Column)
		for _, term := range at.Terms {
			reason := publishedTermCheck(pol, t.Name, kind, term)
			if reason == "" {
				continue
			}
			with := otherColumns(pr.Where, at.Column)
			status, why := StatusDowngraded, reason+"; kept as published, required together with "+with
			if with == "" {
				status, why = StatusUsed, reason+"; kept as published"
			}
			r.Indicators = append(r.Indicators, Indicator{Kind: kind, Value: term,
				Sources: []string{"published:" + pr.File}, Status: status, Reason: why})
		}
	}
	// The tool's catalog indicators of this variant's kinds.
	for _, in := range ta.Of(variantKinds[pr.Variant]...) {
		switch in.Status {
		case StatusDropped:
			r.Indicators = append(r.Indicators, in)
			continue
		}
		if covered(pr.Where, in) {
			continue
		}
		in.Status = StatusUnused
		in.Reason = "not in the published rule, whose logic the pack keeps"
		r.Indicators = append(r.Indicators, in)
	}
	return r
}

// publishedTermCheck returns why a published term fails a policy check, or
// "".
func publishedTermCheck(pol *Policy, tool, kind, term string) string {
	switch kind {
	case KindSigner, KindCompany:
		if c, ok := pol.BenignVendor(term); ok {
			return fmt.Sprintf("matches %s, %s", Quote(c.Matched), c.Reason)
		}
	case KindProduct:
		if c, ok := pol.BenignProduct(term); ok {
			return fmt.Sprintf("matches %s, %s", Quote(c.Matched), c.Reason)
		}
		if pol.GenericWord(term) {
			return reasonGenericWord
		}
	case KindDomain:
		if c, ok := pol.SharedService(tool, term); ok {
			return fmt.Sprintf("matches the shared service %s: %s", c.Matched, c.Reason)
		}
		if !strings.Contains(term, ".") {
			return "not a host name: a has-term that matches any URL containing it"
		}
	case KindFile:
		if c, ok := pol.GenericFile(term); ok {
			return c.Reason
		}
	}
	return ""
}

// otherColumns lists, comma-separated, the columns other than col that a
// predicate tests.
func otherColumns(p *Pred, col string) string {
	var cols []string
	seen := map[string]bool{col: true}
	for _, at := range p.Atoms() {
		if !seen[at.Column] {
			seen[at.Column] = true
			cols = append(cols, at.Column)
		}
	}
	return strings.Join(cols, ", ")
}

func hasColumn(p *Pred, col string) bool {
	for _, at := range p.Atoms() {
		if at.Column == col {
			return true
		}
	}
	return false
}

// covered reports whether a term of the predicate, on a column of the
// indicator's kind, matches the indicator's value (the published rule
// already finds it).
func covered(p *Pred, in Indicator) bool {
	for _, at := range p.Atoms() {
		if ColumnKind(at.Column) != in.Kind {
			continue
		}
		for _, term := range at.Terms {
			switch strings.ToLower(at.Op) {
			case "has", "has_any", "has_all":
				if engine.HasTerm(in.Value, term) {
					return true
				}
			case "startswith":
				if strings.HasPrefix(strings.ToLower(in.Value), strings.ToLower(term)) {
					return true
				}
			default:
				if strings.EqualFold(in.Value, term) {
					return true
				}
			}
		}
	}
	return false
}

// listAtom returns `column has 'v'` for one value and
// `column <listOp> (...)` for several; nil for none.
func listAtom(column, one, many string, values []string) *Pred {
	switch len(values) {
	case 0:
		return nil
	case 1:
		return Atom(column, one, values[0])
	}
	return Atom(column, many, values...)
}

// catalogRule builds a variant of a tool from its catalog indicators, or
// returns nil when none is good enough.
func catalogRule(t *catalog.Tool, variant string, ta *ToolAssessment) *Rule {
	r := &Rule{
		Tool: t.Name, Variant: variant, ID: RuleID(t.Name, variant), Name: RuleName(t.Name, variant),
		Origin: OriginCatalog, Table: VariantTable(variant), DataTypes: []string{VariantTable(variant)},
		Sources: t.Sources,
	}
	comps := ta.Used(KindCompany, false)
	prods := ta.Used(KindProduct, len(comps) > 0)
	files := ta.Used(KindFile, false)
	switch variant {
	case VariantFileSignature:
		r.Where = listAtom("Signer", "has", "has_any", ta.Used(KindSigner, false))
		r.SummarizeBy = keysFileSignature
	case VariantCreateProcess:
		version := And(
			listAtom("ProcessVersionInfoCompanyName", "has", "has_any", comps),
			listAtom("ProcessVersionInfoProductName", "has", "has_any", prods))
		r.Where = Or(version, listAtom("FileName", "=~", "in~", files))
		r.SummarizeBy = keysCreateProcess
	case VariantNetwork:
		url := listAtom("RemoteUrl", "has", "has_any", ta.Used(KindDomain, false))
		if url == nil {
			return nil
		}
		proc := Or(
			listAtom("InitiatingProcessVersionInfoCompanyName", "has", "has_any", comps),
			listAtom("InitiatingProcessFileName", "=~", "in~", files))
		if proc == nil {
			r.Notes = append(r.Notes, "the catalog lists no company or file name for the tool's process: the rule matches on RemoteUrl alone")
		}
		r.Where = And(url, proc)
		r.SummarizeBy = keysNetwork
	}
	if r.Where == nil {
		return nil
	}
	for _, in := range ta.Of(variantKinds[variant]...) {
		if in.Status != StatusUsed {
			r.Indicators = append(r.Indicators, in)
		}
	}
	return r
}

// allToolsRule builds the All Tools network rule: the published rule's id
// and shape over a datatable of every trustworthy domain of every tool.
func allToolsRule(cat *catalog.Catalog, pub *Published, tas []*ToolAssessment, pol *Policy) (*Rule, error) {
	pa := pub.AllTools
	r := &Rule{
		Tool: AllTools, Variant: VariantNetwork, ID: pa.ID, Name: RuleName(AllTools, VariantNetwork),
		Origin: OriginPublished, Table: TableNetwork, DataTypes: []string{TableNetwork},
		SummarizeBy: keysAllTools, Corrections: pa.Defects,
	}
	// A domain several tools list keeps the tool the published datatable
	// names, else the first in catalog order.
	label := map[string]string{}
	for _, row := range pa.Rows {
		if t, ok := cat.Lookup(row.Tool); ok {
			label[strings.ToLower(row.URI)] = t.Name
		}
	}
	seen := map[string]bool{}
	for _, ta := range tas {
		for _, d := range ta.Used(KindDomain, false) {
			k := strings.ToLower(d)
			if seen[k] {
				continue
			}
			seen[k] = true
			tool := ta.Tool.Name
			if l, ok := label[k]; ok && l != tool && usesDomain(tas, l, k) {
				tool = l
			}
			r.Rows = append(r.Rows, AllToolsRow{URI: k, Tool: tool})
		}
	}
	// Published rows the catalog's domains do not carry: kept unless they
	// fail the policy.
	for _, row := range pa.Rows {
		k := strings.ToLower(row.URI)
		if seen[k] {
			continue
		}
		t, ok := cat.Lookup(row.Tool)
		if !ok {
			return nil, fmt.Errorf("pack: All Tools row %s names unknown tool %q", row.URI, row.Tool)
		}
		in := Indicator{Kind: KindDomain, Value: row.URI, Sources: []string{"published:" + pa.File}}
		if reason := publishedTermCheck(pol, t.Name, KindDomain, row.URI); reason != "" && strings.Contains(row.URI, ".") {
			in.Status, in.Reason = StatusDropped, t.Name+": "+reason
			r.Indicators = append(r.Indicators, in)
			continue
		}
		if ta := findTool(tas, t.Name); ta != nil {
			if dropped := droppedDomain(ta, k); dropped != nil {
				r.Indicators = append(r.Indicators, *dropped)
				continue
			}
		}
		seen[k] = true
		r.Rows = append(r.Rows, AllToolsRow{URI: k, Tool: t.Name})
	}
	sort.SliceStable(r.Rows, func(i, j int) bool {
		if r.Rows[i].Tool != r.Rows[j].Tool {
			return strings.ToLower(r.Rows[i].Tool) < strings.ToLower(r.Rows[j].Tool)
		}
		return r.Rows[i].URI < r.Rows[j].URI
	})
	// Every tool's dropped domains, listed on the rule.
	for _, ta := range tas {
		for _, in := range ta.Of(KindDomain) {
			if in.Status == StatusDropped {
				in.Reason = ta.Tool.Name + ": " + in.Reason
				r.Indicators = append(r.Indicators, in)
			}
		}
	}
	return r, nil
}

// usesDomain reports whether the tool named trusts the domain.
func usesDomain(tas []*ToolAssessment, tool, domain string) bool {
	ta := findTool(tas, tool)
	if ta == nil {
		return false
	}
	for _, d := range ta.Used(KindDomain, false) {
		if strings.EqualFold(d, domain) {
			return true
		}
	}
	return false
}

func findTool(tas []*ToolAssessment, name string) *ToolAssessment {
	for _, ta := range tas {
		if ta.Tool.Name == name {
			return ta
		}
	}
	return nil
}

func droppedDomain(ta *ToolAssessment, d string) *Indicator {
	for _, in := range ta.Of(KindDomain) {
		if strings.EqualFold(in.Value, d) && in.Status == StatusDropped {
			in.Reason = ta.Tool.Name + ": " + in.Reason
			return &in
		}
	}
	return nil
}
