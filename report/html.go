package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/rmmhunt/rmmhunt/hunt"
)

//go:embed html.tmpl
var htmlTemplateText string

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"time": func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.UTC().Format("2006-01-02 15:04:05Z")
	},
	"join":         strings.Join,
	"plural":       plural,
	"f1":           func(x float64) string { return fmt.Sprintf("%.1f", x) },
	"process":      processLine,
	"sub":          func(a, b float64) float64 { return a - b },
	"add":          func(a, b float64) float64 { return a + b },
	"reports":      func(ids []int64) string { return joinInts(ids, 20) },
	"variantClass": variantClass,
}).Parse(htmlTemplateText))

// WriteHTML writes the hunt as one self-contained HTML page: a summary per
// tool (devices, first and last seen), a timeline plot (inline SVG) per
// device, the active findings with their context, the suppressed findings
// with the allowlist entry and reason that suppressed them, and the
// reference time and the rules used. The page loads nothing and runs no
// script; every value is escaped by html/template.
func WriteHTML(w io.Writer, o *hunt.Outcome) error {
	return htmlTemplate.Execute(w, newHTMLView(o))
}

// htmlView is what the template renders.
type htmlView struct {
	ReferenceTime string
	Rules         int
	Findings      int
	Suppressed    int
	Allowlist     string
	Tools         []*htmlTool
	Timelines     []*timeline
	Active        []*toolGroup
	Hidden        []*htmlSuppressed
	Expired       []*htmlExpired
	RuleList      []*htmlRule
}

type htmlTool struct {
	Tool                string
	Devices             []string
	Active, Suppressed  int
	FirstSeen, LastSeen time.Time
	Variants            string
}

type htmlSuppressed struct {
	Tool, Device, Variant string
	FirstSeen, LastSeen   time.Time
	Count                 int64
	Entry                 string
	Reason, Owner         string
	Expires               string
	Matched               string
	Rule                  string
}

type htmlExpired struct {
	Entry, Tool, Expires, Reason string
	Matches                      int
}

type htmlRule struct {
	ID, Name, Tool, Variant, Path string
	Findings                      int
	Error                         string
}

func newHTMLView(o *hunt.Outcome) *htmlView {
	v := &htmlView{
		ReferenceTime: kustoTime(o.Result.ReferenceTime),
		Rules:         len(o.Result.Rules),
		Findings:      len(o.Items),
		Suppressed:    o.Suppressed(),
	}
	if o.Allow != nil {
		v.Allowlist = o.Allow.Path
	}
	all := groupByTool(o.Items, func(*hunt.Explained) bool { return true })
	for _, g := range all {
		t := &htmlTool{Tool: g.Tool, FirstSeen: g.FirstSeen, LastSeen: g.LastSeen}
		variants := map[string]bool{}
		for _, d := range g.Devices {
			t.Devices = append(t.Devices, d.Label())
			for _, it := range d.Items {
				if it.Suppressed != nil {
					t.Suppressed++
				} else {
					t.Active++
				}
				if it.Variant != "" {
					variants[it.Variant] = true
				}
			}
		}
		var vs []string
		for x := range variants {
			vs = append(vs, x)
		}
		sort.Slice(vs, func(i, j int) bool { return variantOrder[vs[i]] < variantOrder[vs[j]] })
		t.Variants = strings.Join(vs, ", ")
		v.Tools = append(v.Tools, t)
	}
	v.Timelines = timelines(o)
	v.Active = groupByTool(o.Items, func(it *hunt.Explained) bool { return it.Suppressed == nil })
	for _, g := range groupByTool(o.Items, func(it *hunt.Explained) bool { return it.Suppressed != nil }) {
		for _, d := range g.Devices {
			for _, it := range d.Items {
				e := it.Suppressed.Entry
				v.Hidden = append(v.Hidden, &htmlSuppressed{
					Tool: g.Tool, Device: d.Label(), Variant: it.Variant,
					FirstSeen: it.Context.FirstSeen, LastSeen: it.Context.LastSeen, Count: it.Context.Count,
					Entry: e.Position(o.Allow), Reason: e.Reason, Owner: e.Owner, Expires: e.ExpiresText,
					Matched: strings.Join(it.Suppressed.Matched, "; "), Rule: it.Rule.Name,
				})
			}
		}
	}
	for _, x := range o.Expired {
		v.Expired = append(v.Expired, &htmlExpired{Entry: x.Entry.Position(o.Allow), Tool: x.Entry.Tool,
			Expires: x.Entry.ExpiresText, Reason: x.Entry.Reason, Matches: x.Matches})
	}
	for _, rr := range o.Result.Rules {
		tool, variant := hunt.RuleToolVariant(rr.Rule)
		r := &htmlRule{ID: rr.Rule.ID, Name: rr.Rule.Name, Tool: tool, Variant: variant, Path: rr.Rule.Path, Findings: len(rr.Findings)}
		if rr.Err != nil {
			r.Error = rr.Err.Error()
		}
		v.RuleList = append(v.RuleList, r)
	}
	return v
}

// processLine describes a process of a finding in one line.
func processLine(p hunt.Process) string {
	s := p.FileName
	if p.Account != "" {
		s += " as " + p.Account
	}
	if p.ParentFileName != "" {
		s += ", started by " + p.ParentFileName
	}
	return s
}
