package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/diag"
	"github.com/rmmhunt/rmmhunt/pack"
	"github.com/rmmhunt/rmmhunt/pack/builtin"
	"github.com/rmmhunt/rmmhunt/query"
	"github.com/rmmhunt/rmmhunt/report"
	"github.com/rmmhunt/rmmhunt/rules"
	"github.com/rmmhunt/rmmhunt/schema"
)

// packRules returns the rules of a built-in pack.
func packRules(name string) ([]*rules.Rule, error) {
	if !strings.EqualFold(strings.TrimSpace(name), builtin.Name) {
		return nil, usageErr("unknown rule pack %q (the built-in pack is %q)", name, builtin.Name)
	}
	rs, _, err := builtin.Rules()
	if err != nil {
		return nil, failErr(err)
	}
	return rs, nil
}

// ruleSet is where the rules commands read rules from: a built-in pack,
// rule paths, or both.
type ruleSet struct {
	pack  string
	paths []string
}

func (s *ruleSet) register(c *cobra.Command) {
	c.Flags().StringVar(&s.pack, "pack", "", "built-in rule pack ("+builtin.Name+"); the default when no --rules is given")
	c.Flags().StringArrayVar(&s.paths, "rules", nil, "rule file or directory of rules (repeatable)")
}

// load returns the rules; diagnostics of rule files go to stderr.
func (s *ruleSet) load(e *env) ([]*rules.Rule, error) {
	name := s.pack
	if name == "" && len(s.paths) == 0 {
		name = builtin.Name
	}
	var all []*rules.Rule
	if name != "" {
		rs, err := packRules(name)
		if err != nil {
			return nil, err
		}
		all = append(all, rs...)
	}
	for _, p := range s.paths {
		rs, diags, err := rules.Load(p)
		if diags != nil && len(diags.Lists) > 0 {
			fmt.Fprint(e.stderr, diags.Format())
		}
		if err != nil {
			return nil, failErr(err)
		}
		all = append(all, rs...)
	}
	return all, nil
}

func newRulesCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:   "rules (list | show | export | validate)",
		Short: "List, show, export and validate rules (by default the built-in RMM pack)",
	}
	c.AddCommand(newRulesListCmd(e), newRulesShowCmd(e), newRulesExportCmd(e), newRulesValidateCmd(e))
	return c
}

func newRulesListCmd(e *env) *cobra.Command {
	var set ruleSet
	var tool, variant, format string
	c := &cobra.Command{
		Use:   "list [--pack rmm | --rules PATH...] [--tool T] [--variant V] [--format table|json]",
		Short: "List rules: id, tool, variant, origin, table and name",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if format != "table" && format != "json" {
				return usageErr("--format must be table or json")
			}
			rs, err := set.load(e)
			if err != nil {
				return err
			}
			var rows [][]string
			var js bytes.Buffer
			for _, r := range rs {
				if tool != "" && !strings.EqualFold(r.Tool(), tool) || variant != "" && !strings.EqualFold(r.Variant(), variant) {
					continue
				}
				origin := first(r.TagValues(pack.TagOrigin))
				tables := strings.Join(r.DataTypes(), ",")
				if format == "json" {
					b, _ := json.Marshal(ruleListJSON{r.ID, r.Name, r.Tool(), r.Variant(), origin, r.DataTypes(), r.Path})
					js.Write(b)
					js.WriteByte('\n')
					continue
				}
				rows = append(rows, []string{r.ID, r.Tool(), r.Variant(), origin, tables, r.Name})
			}
			if format == "json" {
				_, err := e.stdout.Write(js.Bytes())
				return err
			}
			if err := report.WriteAligned(e.stdout, []string{"ID", "TOOL", "VARIANT", "ORIGIN", "TABLES", "NAME"}, rows); err != nil {
				return failErr(err)
			}
			fmt.Fprintf(e.stdout, "%d rules\n", len(rows))
			return nil
		},
	}
	set.register(c)
	c.Flags().StringVar(&tool, "tool", "", "only the rules of this tool")
	c.Flags().StringVar(&variant, "variant", "", `only this variant ("File Signature", "Create Process", "Network Connection")`)
	c.Flags().StringVar(&format, "format", "table", "output format: table or json")
	return c
}

// ruleListJSON is one line of `rules list --format json`.
type ruleListJSON struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Tool    string   `json:"tool"`
	Variant string   `json:"variant"`
	Origin  string   `json:"origin"`
	Tables  []string `json:"tables"`
	Path    string   `json:"path"`
}

func first(l []string) string {
	if len(l) == 0 {
		return ""
	}
	return l[0]
}

// findRules returns the rules whose id equals ref, or else whose name
// equals it (case-insensitively), or else whose name contains it.
func findRules(rs []*rules.Rule, ref string) []*rules.Rule {
	ref = strings.TrimSpace(ref)
	var out []*rules.Rule
	for _, r := range rs {
		if strings.EqualFold(r.ID, ref) || strings.EqualFold(r.Name, ref) {
			out = append(out, r)
		}
	}
	if len(out) > 0 {
		return out
	}
	low := strings.ToLower(ref)
	for _, r := range rs {
		if strings.Contains(strings.ToLower(r.Name), low) {
			out = append(out, r)
		}
	}
	return out
}

// indicatorTags are the tags `rules show` lists, with their headings.
var indicatorTags = []struct{ key, title string }{
	{pack.TagCorrected, "Corrected (defects of the published rule)"},
	{pack.TagNote, "Notes"},
	{pack.TagDropped, "Dropped indicators"},
	{pack.TagDowngraded, "Down-graded indicators (used only with another condition)"},
	{pack.TagUnused, "Catalog indicators not used (the published logic is kept)"},
}

func newRulesShowCmd(e *env) *cobra.Command {
	var set ruleSet
	c := &cobra.Command{
		Use:   "show ID-or-NAME [--pack rmm | --rules PATH...]",
		Short: "Show a rule: its metadata, query, corrections and the indicators it drops or down-grades",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			rs, err := set.load(e)
			if err != nil {
				return err
			}
			found := findRules(rs, args[0])
			switch {
			case len(found) == 0:
				return failErr(fmt.Errorf("no rule has the id or name %q", args[0]))
			case len(found) > 1:
				var b strings.Builder
				for _, r := range found {
					fmt.Fprintf(&b, "\n  %s  %s", r.ID, r.Name)
				}
				return failErr(fmt.Errorf("%d rules match %q; give an id or the full name:%s", len(found), args[0], b.String()))
			}
			showRule(e, found[0])
			return nil
		},
	}
	set.register(c)
	return c
}

func showRule(e *env, r *rules.Rule) {
	w := e.stdout
	fmt.Fprintf(w, "id:         %s\n", r.ID)
	fmt.Fprintf(w, "name:       %s\n", r.Name)
	if t := r.Tool(); t != "" {
		fmt.Fprintf(w, "tool:       %s\n", t)
		fmt.Fprintf(w, "variant:    %s\n", r.Variant())
	}
	if o := first(r.TagValues(pack.TagOrigin)); o != "" {
		fmt.Fprintf(w, "origin:     %s\n", o)
	}
	if p := first(r.TagValues(pack.TagPublished)); p != "" {
		fmt.Fprintf(w, "published:  %s\n", p)
	}
	fmt.Fprintf(w, "tables:     %s\n", strings.Join(r.DataTypes(), ", "))
	fmt.Fprintf(w, "tactics:    %s\n", strings.Join(r.Tactics, ", "))
	fmt.Fprintf(w, "techniques: %s\n", strings.Join(r.RelevantTechniques, ", "))
	fmt.Fprintf(w, "file:       %s\n", r.Path)
	if d := strings.TrimSpace(r.Description); d != "" {
		fmt.Fprintf(w, "\n%s\n", d)
	}
	fmt.Fprintf(w, "\nquery:\n")
	for _, l := range strings.Split(strings.TrimRight(r.Query, "\n"), "\n") {
		if len(l) > 0 {
			fmt.Fprintf(w, "  %s\n", l)
		} else {
			fmt.Fprintln(w)
		}
	}
	for _, it := range indicatorTags {
		vals := r.TagValues(it.key)
		if len(vals) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s: %d\n", it.title, len(vals))
		for _, v := range vals {
			fmt.Fprintf(w, "  - %s\n", v)
		}
	}
}

func newRulesExportCmd(e *env) *cobra.Command {
	var tool string
	var force bool
	c := &cobra.Command{
		Use:   "export DIR [--tool T] [--force]",
		Short: "Write the built-in pack's rule files (Sentinel YAML) into DIR",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			dir := args[0]
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return failErr(err)
			}
			rs, _, err := builtin.Rules()
			if err != nil {
				return failErr(err)
			}
			keep := map[string]bool{}
			for _, r := range rs {
				if tool == "" || strings.EqualFold(r.Tool(), tool) {
					keep[filepath.Base(r.Path)] = true
				}
			}
			if len(keep) == 0 {
				return failErr(fmt.Errorf("the pack has no rule for tool %q", tool))
			}
			fsys := builtin.RulesFS()
			names, err := fs.Glob(fsys, "*.yaml")
			if err != nil {
				return failErr(err)
			}
			sort.Strings(names)
			n := 0
			for _, name := range names {
				if !keep[name] {
					continue
				}
				dst := filepath.Join(dir, name)
				if _, err := os.Stat(dst); err == nil && !force {
					return failErr(fmt.Errorf("%s exists; pass --force to overwrite", dst))
				}
				b, err := fs.ReadFile(fsys, name)
				if err != nil {
					return failErr(err)
				}
				if err := os.WriteFile(dst, b, 0o644); err != nil {
					return failErr(err)
				}
				n++
			}
			fmt.Fprintf(e.stdout, "wrote %d rules to %s\n", n, dir)
			return nil
		},
	}
	c.Flags().StringVar(&tool, "tool", "", "only the rules of this tool")
	c.Flags().BoolVar(&force, "force", false, "overwrite existing files")
	return c
}

func newRulesValidateCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:   "validate [PATH...]",
		Short: "Load, bind and check rule files (the built-in pack when no path is given)",
		Long: "Load each rule file (YAML, with the published quirks repaired), bind its KQL against the\n" +
			"Defender schemas and check the rule-level fields (id, name, tactics, techniques, schedule).\n" +
			"Exit 0 when valid, 1 when a rule is invalid, 3 when a query is valid KQL that uses something\n" +
			"rmmhunt does not support yet.",
		Args: cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, args []string) error {
			cat := binder.SchemaCatalog(schema.Default())
			var lists []*diag.List
			n := 0
			check := func(rs []*rules.Rule) {
				for _, r := range rs {
					n++
					if l := rules.Validate(r); len(l.Items) > 0 {
						lists = append(lists, l)
					}
					if q, _ := query.Compile(r.QueryFile(), cat); q.Diags != nil && len(q.Diags.Items) > 0 {
						lists = append(lists, q.Diags)
					}
				}
			}
			if len(args) == 0 {
				rs, diags, err := builtin.Rules()
				if diags != nil {
					lists = append(lists, diags.Lists...)
				}
				if err != nil && rs == nil {
					return failErr(err)
				}
				check(rs)
			}
			for _, p := range args {
				rs, diags, err := rules.Load(p)
				if diags != nil {
					lists = append(lists, diags.Lists...)
				}
				if err != nil {
					return failErr(err)
				}
				check(rs)
			}
			if n == 0 && len(lists) == 0 {
				return failErr(fmt.Errorf("no rule file found in %s", strings.Join(args, ", ")))
			}
			if n == 1 && len(lists) == 0 {
				fmt.Fprintf(e.stdout, "checked 1: 0 errors, 0 unsupported, 0 warnings\n")
			}
			return reportCheck(e, lists, n)
		},
	}
	return c
}
