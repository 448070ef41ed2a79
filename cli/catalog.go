package cli

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rmmhunt/rmmhunt/pack"
	"github.com/rmmhunt/rmmhunt/report"
)

func newCatalogCmd(e *env) *cobra.Command {
	var format string
	c := &cobra.Command{
		Use:   "catalog [TOOL] [--format table|json]",
		Short: "List the RMM tool catalog, or show one tool's indicators, their sources and what the pack does with them",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if format != "table" && format != "json" {
				return usageErr("--format must be table or json")
			}
			p, err := pack.Load()
			if err != nil {
				return failErr(err)
			}
			byTool := map[string][]*pack.Rule{}
			for _, r := range p.Rules {
				byTool[r.Tool] = append(byTool[r.Tool], r)
			}
			if len(args) == 0 {
				return listCatalog(e, p, byTool, format)
			}
			ta := p.Tool(args[0])
			if ta == nil {
				return failErr(fmt.Errorf("the catalog has no tool named %q (rmmhunt catalog lists them)", args[0]))
			}
			return showTool(e, ta, byTool[ta.Tool.Name], format)
		},
	}
	c.Flags().StringVar(&format, "format", "table", "output format: table or json")
	return c
}

// variantLetters abbreviates the variants a tool has rules for: F(ile
// signature), P(rocess), N(etwork).
func variantLetters(rs []*pack.Rule) string {
	var b strings.Builder
	for _, v := range pack.Variants {
		mark := "-"
		for _, r := range rs {
			if r.Variant == v {
				mark = v[:1]
				if r.Origin == pack.OriginPublished {
					mark = strings.ToUpper(mark)
				} else {
					mark = strings.ToLower(mark)
				}
			}
		}
		b.WriteString(mark)
	}
	return b.String()
}

func countStatus(ta *pack.ToolAssessment, kind string) string {
	used, all := 0, 0
	for _, in := range ta.Indicators {
		if in.Kind != kind {
			continue
		}
		all++
		if in.Status == pack.StatusUsed || in.Status == pack.StatusDowngraded {
			used++
		}
	}
	if all == 0 {
		return "-"
	}
	return fmt.Sprintf("%d/%d", used, all)
}

func listCatalog(e *env, p *pack.Pack, byTool map[string][]*pack.Rule, format string) error {
	if format == "json" {
		for _, ta := range p.Tools {
			b, err := json.Marshal(toolJSON(ta, byTool[ta.Tool.Name]))
			if err != nil {
				return failErr(err)
			}
			fmt.Fprintf(e.stdout, "%s\n", b)
		}
		return nil
	}
	var rows [][]string
	for _, ta := range p.Tools {
		t := ta.Tool
		rows = append(rows, []string{t.Name, t.Category, variantLetters(byTool[t.Name]),
			countStatus(ta, pack.KindSigner), countStatus(ta, pack.KindCompany) + " " + countStatus(ta, pack.KindProduct),
			countStatus(ta, pack.KindFile), countStatus(ta, pack.KindDomain), strconv.Itoa(len(t.Sources))})
	}
	if err := report.WriteAligned(e.stdout, []string{"TOOL", "CATEGORY", "RULES", "SIGNERS", "COMPANY PRODUCT", "FILES", "DOMAINS", "SOURCES"}, rows); err != nil {
		return failErr(err)
	}
	fmt.Fprintf(e.stdout, "%d tools, %d rules. RULES: F/P/N = file signature, process, network rule (upper case: the published rule, lower case: built from the catalog). Counts are used/listed.\n",
		len(p.Tools), len(p.Rules))
	return nil
}

type indicatorJSON struct {
	Kind    string   `json:"kind"`
	Value   string   `json:"value"`
	Sources []string `json:"sources,omitempty"`
	Status  string   `json:"status"`
	Reason  string   `json:"reason,omitempty"`
}

type ruleRefJSON struct {
	ID      string `json:"id"`
	Variant string `json:"variant"`
	Origin  string `json:"origin"`
	File    string `json:"file"`
}

func toolJSON(ta *pack.ToolAssessment, rs []*pack.Rule) map[string]any {
	t := ta.Tool
	ins := []indicatorJSON{}
	for _, in := range ta.Indicators {
		ins = append(ins, indicatorJSON(in))
	}
	refs := []ruleRefJSON{}
	for _, r := range rs {
		refs = append(refs, ruleRefJSON{r.ID, r.Variant, r.Origin, r.FileName()})
	}
	return map[string]any{"name": t.Name, "aliases": t.Aliases, "category": t.Category, "sources": t.Sources,
		"indicators": ins, "rules": refs}
}

func showTool(e *env, ta *pack.ToolAssessment, rs []*pack.Rule, format string) error {
	if format == "json" {
		b, err := json.MarshalIndent(toolJSON(ta, rs), "", "  ")
		if err != nil {
			return failErr(err)
		}
		fmt.Fprintf(e.stdout, "%s\n", b)
		return nil
	}
	t := ta.Tool
	w := e.stdout
	fmt.Fprintf(w, "tool:      %s\n", t.Name)
	if len(t.Aliases) > 0 {
		fmt.Fprintf(w, "aliases:   %s\n", strings.Join(t.Aliases, ", "))
	}
	if t.Category != "" {
		fmt.Fprintf(w, "category:  %s\n", t.Category)
	}
	fmt.Fprintf(w, "sources:\n")
	for _, s := range t.Sources {
		fmt.Fprintf(w, "  - %s\n", s)
	}
	fmt.Fprintf(w, "\nrules:\n")
	if len(rs) == 0 {
		fmt.Fprintf(w, "  none: no indicator good enough to hunt on\n")
	}
	for _, r := range rs {
		fmt.Fprintf(w, "  %s  %-18s  %-9s  %s\n", r.ID, r.Variant, r.Origin, r.FileName())
	}
	fmt.Fprintf(w, "\nindicators:\n")
	if len(ta.Indicators) == 0 {
		fmt.Fprintf(w, "  none listed\n")
	}
	// A trusted indicator that a rule with a published counterpart does
	// not use is shown as such.
	unused := map[string]string{}
	for _, r := range rs {
		for _, in := range r.Indicators {
			if in.Status == pack.StatusUnused {
				unused[in.Kind+"\x00"+in.Value] = in.Reason
			}
		}
	}
	for _, in := range ta.Indicators {
		if why, ok := unused[in.Kind+"\x00"+in.Value]; ok && in.Status == pack.StatusUsed {
			in.Status, in.Reason = pack.StatusUnused, why
		}
		fmt.Fprintf(w, "  %-7s %s: %s\n", in.Kind, pack.Quote(in.Value), in.Status)
		if len(in.Sources) > 0 {
			fmt.Fprintf(w, "          source: %s\n", strings.Join(in.Sources, ", "))
		}
		if in.Reason != "" {
			fmt.Fprintf(w, "          reason: %s\n", in.Reason)
		}
	}
	return nil
}
