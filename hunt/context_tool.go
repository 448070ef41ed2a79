package hunt

import (
	"strings"

	"github.com/rmmhunt/rmmhunt/catalog"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/rules"
	"github.com/rmmhunt/rmmhunt/table"
)

// Variants of the published RMM rules, the last part of their names
// ("Remote Management and Monitoring tool - <Tool> - <Variant>").
const (
	VariantFileSignature = "File Signature"
	VariantCreateProcess = "Create Process"
	VariantNetwork       = "Network Connection"
)

// AllTools is the tool part of the name of the rule that matches the domains
// of many tools at once; its findings are attributed to a tool by their
// remote URL.
const AllTools = "All Tools"

// rmmRulePrefix starts the name of every published RMM rule.
const rmmRulePrefix = "Remote Management and Monitoring tool - "

// RuleToolVariant returns the tool and the variant a rule detects: from the
// rule's own Tool and Variant methods when it has them and they answer, or
// else from its name when it follows the published pattern
// "Remote Management and Monitoring tool - <Tool> - <Variant>". Both are
// empty for other rules.
func RuleToolVariant(r *rules.Rule) (tool, variant string) {
	if tv, ok := any(r).(interface {
		Tool() string
		Variant() string
	}); ok {
		if t := tv.Tool(); t != "" {
			return t, tv.Variant()
		}
	}
	return toolVariantFromName(r.Name)
}

// toolVariantFromName parses the published rule name pattern.
func toolVariantFromName(name string) (tool, variant string) {
	name = strings.TrimSpace(name)
	if len(name) < len(rmmRulePrefix) || !strings.EqualFold(name[:len(rmmRulePrefix)], rmmRulePrefix) {
		return "", ""
	}
	rest := name[len(rmmRulePrefix):]
	i := strings.LastIndex(rest, " - ")
	if i < 0 {
		return strings.TrimSpace(rest), ""
	}
	tool, variant = strings.TrimSpace(rest[:i]), strings.TrimSpace(rest[i+3:])
	for _, v := range []string{VariantFileSignature, VariantCreateProcess, VariantNetwork} {
		if strings.EqualFold(variant, v) {
			return tool, v
		}
	}
	// Not a known variant: the whole rest names the tool.
	return strings.TrimSpace(rest), ""
}

// toolResolver turns the tool a rule names into the catalog's name, and
// attributes findings of the All Tools rule by their remote host.
type toolResolver struct {
	cat *catalog.Catalog
	// domains maps a lower-case domain to its tool's name.
	domains map[string]string
}

func newToolResolver(cat *catalog.Catalog) *toolResolver {
	tr := &toolResolver{cat: cat, domains: map[string]string{}}
	if cat == nil {
		return tr
	}
	for _, t := range cat.Tools() {
		for _, d := range t.Domains {
			d = strings.ToLower(d)
			if _, dup := tr.domains[d]; !dup {
				tr.domains[d] = t.Name
			}
		}
	}
	return tr
}

// canonical returns the catalog name of a tool name or alias, or the name
// as given when the catalog does not know it.
func (tr *toolResolver) canonical(name string) string {
	if tr.cat != nil {
		if t, ok := tr.cat.Lookup(name); ok {
			return t.Name
		}
	}
	return name
}

// known reports whether the catalog knows the name.
func (tr *toolResolver) known(name string) bool {
	if tr.cat == nil {
		return false
	}
	_, ok := tr.cat.Lookup(name)
	return ok
}

// resolve returns the tool of a finding: the rule's tool in catalog
// spelling; for a rule whose tool is not in the catalog (All Tools), the
// tool named by an RMM_Tool column or owning the remote host of the row.
func (tr *toolResolver) resolve(ruleTool string, s table.Schema, row []types.Value) string {
	if ruleTool != "" && tr.known(ruleTool) {
		return tr.canonical(ruleTool)
	}
	if i := s.Index("RMM_Tool"); i >= 0 && !row[i].Null && row[i].Type == types.String && row[i].S != "" {
		return tr.canonical(row[i].S)
	}
	if i := s.Index("RemoteUrl"); i >= 0 && row[i].Type == types.String {
		if t := tr.byHost(URLHost(row[i].S)); t != "" {
			return t
		}
	}
	return ruleTool
}

// byHost returns the tool owning host or one of its parent domains.
func (tr *toolResolver) byHost(host string) string {
	for host != "" {
		if t, ok := tr.domains[host]; ok {
			return t
		}
		i := strings.IndexByte(host, '.')
		if i < 0 {
			break
		}
		host = host[i+1:]
	}
	return ""
}

// URLHost returns the lower-case host of a RemoteUrl value, which may be a
// bare host name or a URL with scheme, user, port and path.
func URLHost(u string) string {
	u = strings.TrimSpace(u)
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	if i := strings.IndexAny(u, "/?#"); i >= 0 {
		u = u[:i]
	}
	if i := strings.LastIndexByte(u, '@'); i >= 0 {
		u = u[i+1:]
	}
	if strings.HasPrefix(u, "[") {
		if i := strings.IndexByte(u, ']'); i >= 0 {
			return strings.ToLower(u[1:i])
		}
	}
	if i := strings.LastIndexByte(u, ':'); i >= 0 && strings.Count(u, ":") == 1 {
		u = u[:i]
	}
	return strings.TrimSuffix(strings.ToLower(u), ".")
}
