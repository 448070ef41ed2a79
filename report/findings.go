package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rmmhunt/rmmhunt/hunt"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// HTML is the self-contained HTML report of a hunt (findings only).
const HTML Format = "html"

// ParseFindingsFormat validates the --format of a hunt: table, json, csv or
// html.
func ParseFindingsFormat(s string) (Format, error) {
	if Format(s) == HTML {
		return HTML, nil
	}
	if f, err := ParseFormat(s); err == nil {
		return f, nil
	}
	return "", fmt.Errorf("unknown format %q (want table, json, csv or html)", s)
}

// Options configure how a hunt's findings are written.
type Options struct {
	Format Format
	// ShowSuppressed lists suppressed findings in the table format (JSON,
	// CSV and HTML always carry them, marked).
	ShowSuppressed bool
}

// WriteFindings writes a hunt's findings in format f, explained from their
// own rows only (no context joined); see WriteOutcome.
func WriteFindings(w io.Writer, res *hunt.Result, f Format) error {
	o, err := hunt.Explain(context.Background(), res, nil)
	if err != nil {
		return err
	}
	return WriteOutcome(w, o, Options{Format: f})
}

// WriteOutcome writes explained findings.
//
// JSON: one object per finding with rule_id, rule_name, tactics,
// techniques, reference_time and row (the rule's result row), then tool,
// variant, suppressed, suppressed_by (the allowlist entry, or null) and
// context (device, times, count, report ids, binaries, processes, remote
// URLs, accounts, command lines).
//
// CSV: rule_id, rule_name, reference_time, tool, variant, suppressed,
// suppressed_by, then every result column seen across the rules.
//
// Table: findings grouped by tool, then device, each with its context;
// suppressed findings only with ShowSuppressed. The last line counts rules
// and findings, suppressed ones included.
//
// HTML: see WriteHTML.
func WriteOutcome(w io.Writer, o *hunt.Outcome, opts Options) error {
	switch opts.Format {
	case JSON:
		return writeJSONFindings(w, o)
	case CSV:
		return writeCSVFindings(w, o)
	case HTML:
		return WriteHTML(w, o)
	}
	return writeTableFindings(w, o, opts.ShowSuppressed)
}

func kustoTime(t time.Time) string { return types.FormatDatetime(types.TicksFromTime(t)) }

func writeJSONFindings(w io.Writer, o *hunt.Outcome) error {
	ref := kustoTime(o.Result.ReferenceTime)
	var buf bytes.Buffer
	for _, it := range o.Items {
		buf.Reset()
		buf.WriteString(`{"rule_id":`)
		writeString(&buf, it.Rule.ID)
		buf.WriteString(`,"rule_name":`)
		writeString(&buf, it.Rule.Name)
		buf.WriteString(`,"tactics":`)
		writeStrings(&buf, it.Rule.Tactics)
		buf.WriteString(`,"techniques":`)
		writeStrings(&buf, it.Rule.RelevantTechniques)
		buf.WriteString(`,"reference_time":`)
		writeString(&buf, ref)
		buf.WriteString(`,"row":`)
		AppendJSONRow(&buf, it.Schema, it.Row)
		buf.WriteString(`,"tool":`)
		writeString(&buf, it.Tool)
		buf.WriteString(`,"variant":`)
		writeString(&buf, it.Variant)
		buf.WriteString(`,"suppressed":`)
		buf.WriteString(strconv.FormatBool(it.Suppressed != nil))
		buf.WriteString(`,"suppressed_by":`)
		appendSuppression(&buf, o, it.Suppressed)
		buf.WriteString(`,"context":`)
		appendContext(&buf, it.Context)
		buf.WriteString("}\n")
		if _, err := w.Write(buf.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// jsonObj writes the members of a JSON object.
type jsonObj struct {
	buf *bytes.Buffer
	n   int
}

func (j *jsonObj) key(k string) {
	if j.n == 0 {
		j.buf.WriteByte('{')
	} else {
		j.buf.WriteByte(',')
	}
	j.n++
	writeString(j.buf, k)
	j.buf.WriteByte(':')
}

func (j *jsonObj) str(k, v string)           { j.key(k); writeString(j.buf, v) }
func (j *jsonObj) strs(k string, v []string) { j.key(k); writeStrings(j.buf, v) }
func (j *jsonObj) num(k string, v int64)     { j.key(k); j.buf.WriteString(strconv.FormatInt(v, 10)) }
func (j *jsonObj) time(k string, t time.Time) {
	j.key(k)
	if t.IsZero() {
		j.buf.WriteString("null")
		return
	}
	writeString(j.buf, kustoTime(t))
}
func (j *jsonObj) end() {
	if j.n == 0 {
		j.buf.WriteByte('{')
	}
	j.buf.WriteByte('}')
}

func appendSuppression(buf *bytes.Buffer, o *hunt.Outcome, s *hunt.Suppression) {
	if s == nil {
		buf.WriteString("null")
		return
	}
	e := s.Entry
	j := jsonObj{buf: buf}
	j.num("entry", int64(e.Index))
	j.str("position", e.Position(o.Allow))
	j.str("tool", e.Tool)
	j.str("reason", e.Reason)
	j.str("owner", e.Owner)
	j.key("expires")
	if e.ExpiresText == "" {
		buf.WriteString("null")
	} else {
		writeString(buf, e.ExpiresText)
	}
	if e.Ticket != "" {
		j.str("ticket", e.Ticket)
	}
	if e.Where != "" {
		j.str("where", e.Where)
	}
	j.strs("matched", s.Matched)
	j.end()
}

func appendContext(buf *bytes.Buffer, c *hunt.Context) {
	j := jsonObj{buf: buf}
	j.str("device_id", c.DeviceID)
	j.str("device_name", c.DeviceName)
	j.time("first_seen", c.FirstSeen)
	j.time("last_seen", c.LastSeen)
	j.num("count", c.Count)
	j.key("report_ids")
	buf.WriteByte('[')
	for i, r := range c.ReportIDs {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString(strconv.FormatInt(r, 10))
	}
	buf.WriteByte(']')
	j.str("evidence_table", c.EvidenceTable)
	j.num("evidence_rows", int64(c.EvidenceRows))
	j.key("binaries")
	buf.WriteByte('[')
	for i, b := range c.Binaries {
		if i > 0 {
			buf.WriteByte(',')
		}
		bj := jsonObj{buf: buf}
		bj.str("sha1", b.SHA1)
		bj.strs("file_names", b.FileNames)
		bj.strs("folder_paths", b.FolderPaths)
		bj.strs("signers", b.Signers)
		bj.strs("dropped_by", b.DroppedBy)
		bj.end()
	}
	buf.WriteByte(']')
	j.key("processes")
	buf.WriteByte('[')
	for i, p := range c.Processes {
		if i > 0 {
			buf.WriteByte(',')
		}
		pj := jsonObj{buf: buf}
		pj.str("source", p.Source)
		pj.str("file_name", p.FileName)
		pj.str("folder_path", p.FolderPath)
		pj.str("sha1", p.SHA1)
		pj.str("command_line", p.CommandLine)
		pj.str("account", p.Account)
		pj.str("parent_file_name", p.ParentFileName)
		pj.str("parent_command_line", p.ParentCommandLine)
		pj.num("count", int64(p.Count))
		pj.time("first_seen", p.FirstSeen)
		pj.time("last_seen", p.LastSeen)
		pj.end()
	}
	buf.WriteByte(']')
	if c.ProcessesOmitted > 0 {
		j.num("processes_omitted", int64(c.ProcessesOmitted))
	}
	j.strs("remote_urls", c.RemoteURLs)
	j.strs("remote_ips", c.RemoteIPs)
	j.strs("accounts", c.Accounts)
	j.strs("command_lines", c.CommandLines)
	j.end()
}

func writeCSVFindings(w io.Writer, o *hunt.Outcome) error {
	ref := kustoTime(o.Result.ReferenceTime)
	var cols table.Schema
	for _, it := range o.Items {
		for _, c := range it.Schema {
			if cols.Index(c.Name) < 0 {
				cols = append(cols, c)
			}
		}
	}
	cw := csv.NewWriter(w)
	header := []string{"rule_id", "rule_name", "reference_time", "tool", "variant", "suppressed", "suppressed_by"}
	for _, c := range cols {
		header = append(header, c.Name)
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, it := range o.Items {
		by := ""
		if s := it.Suppressed; s != nil {
			by = s.Entry.Position(o.Allow) + " " + s.Entry.Tool + ": " + s.Entry.Reason
		}
		rec := []string{it.Rule.ID, it.Rule.Name, ref, it.Tool, it.Variant, strconv.FormatBool(it.Suppressed != nil), by}
		for _, c := range cols {
			i := it.Schema.Index(c.Name)
			if i < 0 {
				rec = append(rec, "")
				continue
			}
			rec = append(rec, Text(it.Row[i]))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// toolGroup is the findings of one tool, by device.
type toolGroup struct {
	Tool     string
	Devices  []*deviceGroup
	Findings int
	// FirstSeen and LastSeen span the group's findings.
	FirstSeen, LastSeen time.Time
}

// deviceGroup is the findings of one tool on one device.
type deviceGroup struct {
	ID, Name string
	Items    []*hunt.Explained
}

// Label names the device: its name, with its id when both are known.
func (d *deviceGroup) Label() string {
	switch {
	case d.Name != "" && d.ID != "":
		return d.Name + " (" + d.ID + ")"
	case d.Name != "":
		return d.Name
	case d.ID != "":
		return d.ID
	}
	return "(no device)"
}

// groupLabel is the tool of a finding, or its rule's name when the rule
// names no tool.
func groupLabel(it *hunt.Explained) string {
	if it.Tool != "" {
		return it.Tool
	}
	return it.Rule.Name
}

var variantOrder = map[string]int{hunt.VariantFileSignature: 0, hunt.VariantCreateProcess: 1, hunt.VariantNetwork: 2, "": 3}

// groupByTool groups the findings keep selects by tool, then device, in a
// stable order: tools and devices by name, findings by variant and rule.
func groupByTool(items []*hunt.Explained, keep func(*hunt.Explained) bool) []*toolGroup {
	byTool := map[string]*toolGroup{}
	var tools []*toolGroup
	devs := map[string]map[string]*deviceGroup{}
	for _, it := range items {
		if !keep(it) {
			continue
		}
		label := groupLabel(it)
		g := byTool[strings.ToLower(label)]
		if g == nil {
			g = &toolGroup{Tool: label}
			byTool[strings.ToLower(label)] = g
			tools = append(tools, g)
			devs[strings.ToLower(label)] = map[string]*deviceGroup{}
		}
		g.Findings++
		c := it.Context
		if !c.FirstSeen.IsZero() && (g.FirstSeen.IsZero() || c.FirstSeen.Before(g.FirstSeen)) {
			g.FirstSeen = c.FirstSeen
		}
		if c.LastSeen.After(g.LastSeen) {
			g.LastSeen = c.LastSeen
		}
		key := c.DeviceID + "\x00" + c.DeviceName
		d := devs[strings.ToLower(label)][key]
		if d == nil {
			d = &deviceGroup{ID: c.DeviceID, Name: c.DeviceName}
			devs[strings.ToLower(label)][key] = d
			g.Devices = append(g.Devices, d)
		}
		d.Items = append(d.Items, it)
	}
	sort.SliceStable(tools, func(i, j int) bool { return strings.ToLower(tools[i].Tool) < strings.ToLower(tools[j].Tool) })
	for _, g := range tools {
		sort.SliceStable(g.Devices, func(i, j int) bool {
			return strings.ToLower(g.Devices[i].Label()) < strings.ToLower(g.Devices[j].Label())
		})
		for _, d := range g.Devices {
			sort.SliceStable(d.Items, func(i, j int) bool {
				a, b := d.Items[i], d.Items[j]
				if variantOrder[a.Variant] != variantOrder[b.Variant] {
					return variantOrder[a.Variant] < variantOrder[b.Variant]
				}
				return a.Rule.Name < b.Rule.Name
			})
		}
	}
	return tools
}

// summaryColumns are the result columns the finding line already shows.
var summaryColumns = map[string]bool{
	"DeviceId": true, "DeviceName": true, "FirstSeen": true, "LastSeen": true, "Report": true, "Count": true,
}

func writeTableFindings(w io.Writer, o *hunt.Outcome, showSuppressed bool) error {
	var b strings.Builder
	keep := func(it *hunt.Explained) bool { return it.Suppressed == nil || showSuppressed }
	for _, g := range groupByTool(o.Items, keep) {
		fmt.Fprintf(&b, "== %s: %d finding%s on %d device%s\n", g.Tool, g.Findings, plural(g.Findings), len(g.Devices), plural(len(g.Devices)))
		for _, d := range g.Devices {
			fmt.Fprintf(&b, "-- %s\n", d.Label())
			for _, it := range d.Items {
				writeTableFinding(&b, o, it)
			}
		}
		b.WriteByte('\n')
	}
	total, supp := len(o.Items), o.Suppressed()
	if supp > 0 && !showSuppressed {
		fmt.Fprintf(&b, "%d suppressed finding%s not shown (--show-suppressed lists them)\n", supp, plural(supp))
	}
	fmt.Fprintf(&b, "%d rule%s, %d finding%s", len(o.Result.Rules), plural(len(o.Result.Rules)), total, plural(total))
	if supp > 0 {
		fmt.Fprintf(&b, " (%d suppressed)", supp)
	}
	fmt.Fprintf(&b, ", reference time %s\n", kustoTime(o.Result.ReferenceTime))
	_, err := io.WriteString(w, b.String())
	return err
}

// clip shortens a value for the table format.
func clip(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r", `\r`), "\n", `\n`)
	if r := []rune(s); len(r) > 2*MaxCellWidth {
		return string(r[:2*MaxCellWidth-1]) + "…"
	}
	return s
}

func writeTableFinding(b *strings.Builder, o *hunt.Outcome, it *hunt.Explained) {
	c := it.Context
	variant := it.Variant
	if variant == "" {
		variant = "finding"
	}
	fmt.Fprintf(b, "   %s  %s .. %s  count %d", variant, timeOrDash(c.FirstSeen), timeOrDash(c.LastSeen), c.Count)
	if len(c.ReportIDs) > 0 {
		fmt.Fprintf(b, "  reports %s", joinInts(c.ReportIDs, 8))
	}
	b.WriteByte('\n')
	line := func(label, text string) {
		if text != "" {
			fmt.Fprintf(b, "     %-10s %s\n", label, clip(text))
		}
	}
	line("rule", it.Rule.Name+" ("+it.Rule.ID+")")
	var extra []string
	for i, f := range it.Schema {
		if !summaryColumns[f.Name] {
			extra = append(extra, f.Name+"="+Text(it.Row[i]))
		}
	}
	line("row", strings.Join(extra, "  "))
	for _, bin := range c.Binaries {
		text := strings.Join(bin.FileNames, ", ")
		if text != "" {
			text += "  "
		}
		text += "sha1 " + bin.SHA1
		if len(bin.Signers) > 0 {
			text += "  signed by " + strings.Join(bin.Signers, ", ")
		}
		line("binary", text)
		line("path", strings.Join(bin.FolderPaths, ", "))
		line("written by", strings.Join(bin.DroppedBy, ", "))
	}
	const shown = 3
	for i, p := range c.Processes {
		if i == shown {
			line("", fmt.Sprintf("and %d more", len(c.Processes)-shown+c.ProcessesOmitted))
			break
		}
		text := p.FileName
		if p.Account != "" {
			text += " as " + p.Account
		}
		if p.ParentFileName != "" {
			text += ", started by " + p.ParentFileName
		}
		text += fmt.Sprintf(" (%d×)", p.Count)
		if p.CommandLine != "" {
			text += ": " + p.CommandLine
		}
		label := "process"
		if p.Source == "DeviceNetworkEvents" {
			label = "connects"
		}
		line(label, text)
	}
	line("remote", strings.Join(c.RemoteURLs, ", "))
	if s := it.Suppressed; s != nil {
		e := s.Entry
		text := fmt.Sprintf("by %s (%s", e.Position(o.Allow), e.Tool)
		if e.Owner != "" {
			text += ", owner " + e.Owner
		}
		if e.ExpiresText != "" {
			text += ", expires " + e.ExpiresText
		}
		text += "): " + e.Reason
		// The suppression is audit information: never cut.
		fmt.Fprintf(b, "     %-10s %s\n", "SUPPRESSED", text)
		fmt.Fprintf(b, "     %-10s %s\n", "matched", strings.Join(s.Matched, "; "))
	}
}

func timeOrDash(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return kustoTime(t)
}

// joinInts joins up to max integers, then "and N more".
func joinInts(xs []int64, max int) string {
	var parts []string
	for i, x := range xs {
		if i == max {
			parts = append(parts, fmt.Sprintf("and %d more", len(xs)-max))
			break
		}
		parts = append(parts, strconv.FormatInt(x, 10))
	}
	return strings.Join(parts, ", ")
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func writeStrings(buf *bytes.Buffer, ss []string) {
	buf.WriteByte('[')
	for i, s := range ss {
		if i > 0 {
			buf.WriteByte(',')
		}
		writeString(buf, s)
	}
	buf.WriteByte(']')
}
