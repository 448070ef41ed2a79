package pack

import (
	"fmt"
	"sort"
	"strings"

	"github.com/rmmhunt/rmmhunt/catalog"
	"github.com/rmmhunt/rmmhunt/engine"
)

// Indicator kinds.
const (
	KindSigner  = "signer"
	KindCompany = "company"
	KindProduct = "product"
	KindFile    = "file"
	KindDomain  = "domain"
	KindPattern = "domain pattern"
)

// Indicator statuses.
const (
	// StatusUsed: the pack hunts on the indicator.
	StatusUsed = "used"
	// StatusDowngraded: the indicator is not trusted on its own; it is
	// used only together with another indicator.
	StatusDowngraded = "down-graded"
	// StatusDropped: the pack does not hunt on the indicator.
	StatusDropped = "dropped"
	// StatusUnused: a good indicator that a rule with a published
	// counterpart does not use, because the pack keeps the published logic.
	StatusUnused = "not used"
)

// Indicator is one value the catalog lists for a tool, with what the pack
// does with it.
type Indicator struct {
	Kind  string `json:"kind"`
	Value string `json:"value"`
	// Sources are the catalog source fields the value came from, such as
	// "lolrmm:CodeSigning.signer_names" or "jischell:filesig Signer".
	Sources []string `json:"sources,omitempty"`
	Status  string   `json:"status"`
	// Reason says why the indicator is down-graded, dropped or not used.
	Reason string `json:"reason,omitempty"`
}

// String describes the indicator for a rule tag or a listing:
// "signer 'X' [source]: reason".
func (in Indicator) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", in.Kind, Quote(in.Value))
	if len(in.Sources) > 0 {
		fmt.Fprintf(&b, " [%s]", strings.Join(in.Sources, ", "))
	}
	if in.Reason != "" {
		b.WriteString(": " + in.Reason)
	}
	return b.String()
}

// ToolAssessment is the quality verdict on every indicator of one tool.
type ToolAssessment struct {
	Tool       *catalog.Tool
	Indicators []Indicator
}

// Used returns the values of the kind the pack may hunt on: used ones,
// and down-graded ones when withDowngraded is set.
func (a *ToolAssessment) Used(kind string, withDowngraded bool) []string {
	var out []string
	for _, in := range a.Indicators {
		if in.Kind != kind {
			continue
		}
		if in.Status == StatusUsed || withDowngraded && in.Status == StatusDowngraded {
			out = append(out, in.Value)
		}
	}
	return out
}

// Of returns the indicators of the given kinds, in order.
func (a *ToolAssessment) Of(kinds ...string) []Indicator {
	var out []Indicator
	for _, in := range a.Indicators {
		for _, k := range kinds {
			if in.Kind == k {
				out = append(out, in)
			}
		}
	}
	return out
}

// assessor checks indicators against the policy and against the other
// tools' indicators.
type assessor struct {
	pol  *Policy
	pub  *Published
	cat  *catalog.Catalog
	idx  map[string][]toolValue // kind -> every tool's values of that kind
	pubT map[string][]toolValue // kind -> published terms by tool
}

type toolValue struct {
	tool  string
	value string
}

func newAssessor(cat *catalog.Catalog, pub *Published, pol *Policy) *assessor {
	a := &assessor{pol: pol, pub: pub, cat: cat, idx: map[string][]toolValue{}, pubT: map[string][]toolValue{}}
	for _, t := range cat.Tools() {
		for _, raw := range rawIndicators(t) {
			a.idx[raw.Kind] = append(a.idx[raw.Kind], toolValue{t.Name, raw.Value})
		}
	}
	for _, r := range pub.Rules {
		preds := []*Pred{r.Where}
		for _, l := range r.Lets {
			preds = append(preds, l.Where)
		}
		for _, p := range preds {
			for _, at := range p.Atoms() {
				k := ColumnKind(at.Column)
				for _, term := range at.Terms {
					a.pubT[k] = append(a.pubT[k], toolValue{r.Tool, term})
				}
			}
		}
	}
	return a
}

// ColumnKind returns the indicator kind a column holds ("" for others).
func ColumnKind(column string) string {
	switch {
	case column == "Signer":
		return KindSigner
	case strings.HasSuffix(column, "VersionInfoCompanyName"):
		return KindCompany
	case strings.HasSuffix(column, "VersionInfoProductName"), strings.HasSuffix(column, "VersionInfoFileDescription"):
		return KindProduct
	case column == "RemoteUrl":
		return KindDomain
	case strings.HasSuffix(column, "FileName"), column == "FolderPath":
		return KindFile
	}
	return ""
}

// rawIndicators lists a tool's catalog values, de-duplicated
// case-insensitively within each kind, with their sources.
func rawIndicators(t *catalog.Tool) []Indicator {
	var out []Indicator
	seen := map[string]bool{}
	add := func(kind, v string, src []string) {
		v = strings.TrimSpace(v)
		k := kind + "\x00" + strings.ToLower(v)
		if v == "" || seen[k] {
			return
		}
		seen[k] = true
		out = append(out, Indicator{Kind: kind, Value: v, Sources: src})
	}
	for _, v := range t.Signers {
		add(KindSigner, v, t.FieldSources.Signers[v])
	}
	for _, v := range t.PECompanyNames {
		add(KindCompany, v, termSource(v, t.PECompanyTerms, "lolrmm:PE company name"))
	}
	for _, v := range t.PEProductNames {
		add(KindProduct, v, termSource(v, t.PEProductTerms, "lolrmm:PE product name"))
	}
	for _, v := range t.Processes {
		add(KindFile, v, t.FieldSources.Processes[v])
	}
	for _, v := range t.Domains {
		add(KindDomain, v, t.FieldSources.Domains[v])
	}
	for _, v := range t.DomainPatterns {
		add(KindPattern, v, []string{"lolrmm:Artifacts.Network[].Domains"})
	}
	return out
}

// termSource names the source of a PE string: the jischell queries when
// it is one of their terms, else LOLRMM.
func termSource(v string, jischellTerms []string, other string) []string {
	for _, t := range jischellTerms {
		if strings.EqualFold(t, v) {
			return []string{"jischell:query term"}
		}
	}
	return []string{other}
}

// assess returns the verdict on every indicator of t.
func (a *assessor) assess(t *catalog.Tool) *ToolAssessment {
	ta := &ToolAssessment{Tool: t}
	raw := rawIndicators(t)
	hasCompany := false
	for _, in := range raw {
		if in.Kind == KindCompany {
			if _, bad := a.check(t, in); !bad {
				hasCompany = true
			}
		}
	}
	for _, in := range raw {
		reason, bad := a.check(t, in)
		switch {
		case !bad:
			in.Status = StatusUsed
		case in.Kind == KindProduct && reason == reasonGenericWord && hasCompany:
			in.Status = StatusDowngraded
			in.Reason = reason + "; used only together with the company name"
		default:
			in.Status = StatusDropped
			in.Reason = reason
		}
		ta.Indicators = append(ta.Indicators, in)
	}
	return ta
}

const reasonGenericWord = "a generic word, not a product name"

// check runs the policy and cross-tool checks; bad is set with the reason
// when the indicator fails one.
func (a *assessor) check(t *catalog.Tool, in Indicator) (reason string, bad bool) {
	if c, ok := a.pol.WrongValue(t.Name, in.Value); ok {
		return "listed for this tool by mistake: " + c.Reason, true
	}
	switch in.Kind {
	case KindSigner, KindCompany:
		if c, ok := a.pol.BenignVendor(in.Value); ok {
			return fmt.Sprintf("matches %s, %s", Quote(c.Matched), c.Reason), true
		}
	case KindProduct:
		if c, ok := a.pol.BenignProduct(in.Value); ok {
			return fmt.Sprintf("matches %s, %s", Quote(c.Matched), c.Reason), true
		}
		if a.pol.GenericWord(in.Value) {
			return reasonGenericWord, true
		}
	case KindFile:
		if strings.ContainsAny(in.Value, "*?") {
			return "a wildcard pattern, not a file name", true
		}
		if c, ok := a.pol.GenericFile(in.Value); ok {
			return c.Reason, true
		}
	case KindDomain:
		if c, ok := a.pol.SharedService(t.Name, in.Value); ok {
			return fmt.Sprintf("matches the shared service %s: %s", c.Matched, c.Reason), true
		}
	case KindPattern:
		return "a wildcard or regular-expression pattern, not a host name (has matches whole terms)", true
	}
	return a.collision(t, in)
}

// collides reports whether two values of a kind would match each other's
// telemetry.
func collides(kind, x, y string) bool {
	switch kind {
	case KindFile:
		return strings.EqualFold(x, y)
	}
	return engine.HasTerm(x, y) || engine.HasTerm(y, x)
}

// collision checks an indicator against the other tools' values of its
// kind. A value several tools list is kept for the tools that own it (the
// one whose published rule uses it, or whose name it carries) and dropped
// for the others.
func (a *assessor) collision(t *catalog.Tool, in Indicator) (string, bool) {
	others := map[string]bool{}
	for _, tv := range a.idx[in.Kind] {
		if tv.tool != t.Name && collides(in.Kind, in.Value, tv.value) {
			others[tv.tool] = true
		}
	}
	for _, tv := range a.pubT[in.Kind] {
		if !strings.EqualFold(tv.tool, t.Name) && collides(in.Kind, in.Value, tv.value) {
			if ct, ok := a.cat.Lookup(tv.tool); ok && ct.Name != t.Name {
				others[ct.Name] = true
			}
		}
	}
	if len(others) == 0 {
		return "", false
	}
	var names []string
	for n := range others {
		names = append(names, n)
	}
	sort.Strings(names)
	var owners []string
	for _, n := range append([]string{t.Name}, names...) {
		if a.owns(n, in) {
			owners = append(owners, n)
		}
	}
	for _, o := range owners {
		if o == t.Name {
			return "", false
		}
	}
	also := "also listed for " + strings.Join(names, ", ")
	if len(owners) > 0 {
		return also + "; it belongs to " + strings.Join(owners, ", "), true
	}
	return also + "; it does not tell the tools apart", true
}

// owns reports whether the tool named owns the value: its published rule
// uses a term that matches it, or its name carries it.
func (a *assessor) owns(tool string, in Indicator) bool {
	for _, tv := range a.pubT[in.Kind] {
		if strings.EqualFold(tv.tool, tool) && collides(in.Kind, in.Value, tv.value) {
			return true
		}
	}
	t, ok := a.cat.Lookup(tool)
	if !ok {
		return false
	}
	return a.pol.ownsByName(append([]string{t.Name}, t.Aliases...), in.Value)
}
