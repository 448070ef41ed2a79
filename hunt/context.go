package hunt

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// Explained is one finding with what explains it: the tool and variant, the
// device and times, and the context joined from the telemetry.
type Explained struct {
	Finding
	// Tool is the tool the finding is about, in the catalog's spelling when
	// the catalog knows it ("" for rules that name no tool).
	Tool string
	// Variant is VariantFileSignature, VariantCreateProcess,
	// VariantNetwork or "".
	Variant string
	// Context is what the data says about the finding.
	Context *Context
	// Suppressed is the allowlist entry that suppresses the finding, nil
	// when it is active.
	Suppressed *Suppression

	// obs are the finding's observations, the rows its allowlist
	// predicates are evaluated over.
	obs []*observation
}

// Context is what the telemetry says about a finding. Lists hold distinct
// values in order of first appearance (processes: most frequent first) and
// are cut at MaxContextItems.
type Context struct {
	DeviceID   string
	DeviceName string
	// FirstSeen and LastSeen come from the finding's FirstSeen/LastSeen (or
	// Timestamp) columns, else from its evidence rows; zero when unknown.
	FirstSeen, LastSeen time.Time
	// Count is the finding's Count column, else its number of evidence
	// rows.
	Count int64
	// ReportIDs are the finding's report ids (its Report, ReportId or
	// set_ReportId column).
	ReportIDs []int64
	// EvidenceTable is the table of the rows behind the finding and
	// EvidenceRows their number: the rows of the rule's tables with the
	// finding's device and report ids, inside its FirstSeen..LastSeen.
	EvidenceTable string
	EvidenceRows  int
	// Events are the times of the evidence rows, oldest first (at most
	// MaxEvents).
	Events []time.Time
	// Binaries are the files behind the finding, by SHA1.
	Binaries []Binary
	// Processes are the distinct runs of the finding's binaries on the
	// device: process creations and network connections by them.
	Processes []Process
	// ProcessesOmitted counts the distinct processes cut from Processes.
	ProcessesOmitted int
	// RemoteURLs are the remote URLs the binaries connected to; RemoteIPs
	// the addresses of connections that had no URL.
	RemoteURLs []string
	RemoteIPs  []string
	// Accounts are the accounts the binaries ran as (DOMAIN\name).
	Accounts []string
	// CommandLines are the binaries' command lines.
	CommandLines []string
}

// Binary is one file behind a finding.
type Binary struct {
	SHA1        string
	FileNames   []string
	FolderPaths []string
	Signers     []string
	// DroppedBy names the processes that wrote the file
	// (DeviceFileEvents).
	DroppedBy []string
}

// Process is one distinct run of a finding's binary: what ran, as whom,
// with what command line, started by which parent.
type Process struct {
	// Source is the table it was seen in (DeviceProcessEvents or
	// DeviceNetworkEvents).
	Source            string
	FileName          string
	FolderPath        string
	SHA1              string
	CommandLine       string
	Account           string
	ParentFileName    string
	ParentCommandLine string
	// Count, FirstSeen and LastSeen are over the rows that show this run.
	Count               int
	FirstSeen, LastSeen time.Time
}

// MaxContextItems caps each list of a Context.
const MaxContextItems = 50

// MaxEvents caps Context.Events.
const MaxEvents = 2000

// Outcome is a hunt's findings explained and, when an allowlist was
// applied, sorted into active and suppressed.
type Outcome struct {
	Result *Result
	// Items holds every finding, rule after rule as in Result.Findings.
	Items []*Explained
	// Allow is the allowlist applied (nil when none).
	Allow *Allowlist
	// Expired lists the allowlist entries that expired before the
	// reference time, with what they would still have suppressed.
	Expired []*ExpiredEntry
}

// Suppressed returns the number of suppressed findings.
func (o *Outcome) Suppressed() int {
	n := 0
	for _, it := range o.Items {
		if it.Suppressed != nil {
			n++
		}
	}
	return n
}

// Explain builds the Outcome of a hunt: each finding's tool and variant, and
// its context joined from src (nil: only what the finding's own row says).
// Each table is scanned at most twice for all findings together: once for
// the rows behind the findings, once for the rows that share their
// binaries. The error is set when a scan fails; the Outcome is complete
// but for the context.
func Explain(ctx context.Context, res *Result, src Source) (*Outcome, error) {
	cat, _ := loadCatalog()
	tr := newToolResolver(cat)
	out := &Outcome{Result: res}
	for _, rr := range res.Rules {
		tool, variant := RuleToolVariant(rr.Rule)
		for _, f := range rr.Findings {
			it := &Explained{Finding: f, Variant: variant}
			it.Tool = tr.resolve(tool, f.Schema, f.Row)
			if it.Variant == "" && strings.EqualFold(tool, AllTools) {
				it.Variant = VariantNetwork
			}
			it.Context = baseContext(f)
			out.Items = append(out.Items, it)
		}
	}
	var err error
	if src != nil && len(out.Items) > 0 {
		err = newJoiner(ctx, out, src).run()
	}
	for _, it := range out.Items {
		finishContext(it)
	}
	return out, err
}

// baseContext reads the finding's own columns.
func baseContext(f Finding) *Context {
	c := &Context{Count: -1}
	get := func(name string) (types.Value, bool) {
		i := f.Schema.Index(name)
		if i < 0 {
			return types.Value{}, false
		}
		return f.Row[i], true
	}
	str := func(name string) string {
		if v, ok := get(name); ok && !v.Null && v.Type.UsesStrings() {
			return v.S
		}
		return ""
	}
	c.DeviceID, c.DeviceName = str("DeviceId"), str("DeviceName")
	tm := func(names ...string) time.Time {
		for _, n := range names {
			if v, ok := get(n); ok && !v.Null && v.Type == types.Datetime {
				return types.TimeFromTicks(v.I)
			}
		}
		return time.Time{}
	}
	c.FirstSeen = tm("FirstSeen", "min_Timestamp", "Timestamp")
	c.LastSeen = tm("LastSeen", "max_Timestamp", "Timestamp")
	for _, n := range []string{"Count", "count_"} {
		if v, ok := get(n); ok && !v.Null && v.Type.IsInteger() {
			c.Count = v.I
			break
		}
	}
	for _, n := range []string{"Report", "ReportId", "ReportIds", "set_ReportId"} {
		v, ok := get(n)
		if !ok || v.Null {
			continue
		}
		switch {
		case v.Type.IsInteger():
			c.ReportIDs = []int64{v.I}
		case v.Type == types.Dynamic:
			c.ReportIDs = dynamicInts(v.D)
		}
		if len(c.ReportIDs) > 0 {
			break
		}
	}
	return c
}

// dynamicInts returns the integers of a dynamic array (or a lone integer).
func dynamicInts(d any) []int64 {
	var out []int64
	add := func(x any) {
		switch n := x.(type) {
		case int64:
			out = append(out, n)
		case float64:
			if n == float64(int64(n)) {
				out = append(out, int64(n))
			}
		}
	}
	if arr, ok := d.([]any); ok {
		for _, x := range arr {
			add(x)
		}
	} else {
		add(d)
	}
	return out
}

// finishContext derives the lists of a context from the observations and
// fills what the data did not say.
func finishContext(it *Explained) {
	c := it.Context
	if len(it.obs) == 0 {
		it.obs = []*observation{rowObservation(it.Finding)}
	}
	if c.Count < 0 {
		c.Count = int64(c.EvidenceRows)
	}
	sort.Slice(c.Events, func(i, j int) bool { return c.Events[i].Before(c.Events[j]) })
	if c.FirstSeen.IsZero() && len(c.Events) > 0 {
		c.FirstSeen = c.Events[0]
	}
	if c.LastSeen.IsZero() && len(c.Events) > 0 {
		c.LastSeen = c.Events[len(c.Events)-1]
	}
	var urls, ips, accts, cmds distinct
	type pkey struct {
		src, file, folder, sha, cmd, acct, pfile, pcmd string
	}
	procs := map[pkey]*Process{}
	var order []pkey
	for _, o := range it.obs {
		if u := o.vals[fRemoteUrl]; u != "" {
			urls.add(u)
		} else if ip := o.vals[fRemoteIP]; ip != "" {
			ips.add(ip)
		}
		acct := o.account()
		accts.add(acct)
		cmds.add(o.vals[fProcessCommandLine])
		if o.table != tableProcess && o.table != tableNetwork {
			continue
		}
		k := pkey{o.table, o.vals[fFileName], o.vals[fFolderPath], o.vals[fSHA1], o.vals[fProcessCommandLine], acct,
			o.vals[fInitiatingProcessFileName], o.vals[fInitiatingProcessCommandLine]}
		p := procs[k]
		if p == nil {
			p = &Process{Source: k.src, FileName: k.file, FolderPath: k.folder, SHA1: k.sha, CommandLine: k.cmd,
				Account: k.acct, ParentFileName: k.pfile, ParentCommandLine: k.pcmd}
			procs[k] = p
			order = append(order, k)
		}
		p.Count += o.count
		if o.first != 0 && (p.FirstSeen.IsZero() || types.TimeFromTicks(o.first).Before(p.FirstSeen)) {
			p.FirstSeen = types.TimeFromTicks(o.first)
		}
		if o.last != 0 && types.TimeFromTicks(o.last).After(p.LastSeen) {
			p.LastSeen = types.TimeFromTicks(o.last)
		}
	}
	list := make([]Process, 0, len(order))
	for _, k := range order {
		list = append(list, *procs[k])
	}
	// Process creations first, then connections; most frequent first.
	sort.SliceStable(list, func(i, j int) bool {
		if a, b := list[i].Source == tableNetwork, list[j].Source == tableNetwork; a != b {
			return b
		}
		return list[i].Count > list[j].Count
	})
	if len(list) > MaxContextItems {
		c.ProcessesOmitted = len(list) - MaxContextItems
		list = list[:MaxContextItems]
	}
	c.Processes = list
	c.RemoteURLs, c.RemoteIPs, c.Accounts, c.CommandLines = urls.list(), ips.list(), accts.list(), cmds.list()
}

// distinct collects distinct non-empty strings in order, up to
// MaxContextItems.
type distinct struct {
	seen map[string]bool
	out  []string
}

func (d *distinct) add(s string) {
	if s == "" || d.seen[s] {
		return
	}
	if d.seen == nil {
		d.seen = map[string]bool{}
	}
	d.seen[s] = true
	if len(d.out) < MaxContextItems {
		d.out = append(d.out, s)
	}
}

func (d *distinct) list() []string { return d.out }

// Tables the context is joined from.
const (
	tableProcess = "DeviceProcessEvents"
	tableNetwork = "DeviceNetworkEvents"
	tableFile    = "DeviceFileEvents"
	tableCert    = "DeviceFileCertificateInfo"
)
