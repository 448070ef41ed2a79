package gen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rmmhunt/rmmhunt/catalog"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/schema"
)

// shared is one generated data set most tests read.
type shared struct {
	dir    string
	truth  *Truth
	tables map[string][]*row
}

var (
	sharedOnce sync.Once
	sharedData shared
	sharedErr  error
	tempRoot   string
)

func TestMain(m *testing.M) {
	var err error
	tempRoot, err = os.MkdirTemp("", "rmmhunt-gen-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(tempRoot)
	os.Exit(code)
}

// sharedOptions: 120 devices give 9 RMM devices (7.5 %); 9 days leave 4
// days before the window.
func sharedOptions(dir string) Options {
	return Options{Devices: 120, Days: 9, Seed: 42, End: time.Date(2026, 3, 4, 9, 30, 0, 0, time.UTC), OutDir: dir, RowsPerDeviceDay: 14}
}

func getShared(t *testing.T) *shared {
	t.Helper()
	sharedOnce.Do(func() {
		dir := filepath.Join(tempRoot, "shared")
		tr, err := Generate(sharedOptions(dir))
		if err != nil {
			sharedErr = err
			return
		}
		sharedData = shared{dir: dir, truth: tr}
		sharedData.tables = readTables(t, dir, tr)
	})
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return &sharedData
}

var (
	chunkedOnce sync.Once
	chunkedData shared
)

// datasets returns the shared data set and one generated in many small
// chunks per day (so rows cross chunk boundaries), at a different seed.
func datasets(t *testing.T) []*shared {
	t.Helper()
	s := getShared(t)
	chunkedOnce.Do(func() {
		saved := maxChunkRows
		maxChunkRows = 200
		defer func() { maxChunkRows = saved }()
		dir := filepath.Join(tempRoot, "chunked")
		tr, err := Generate(Options{Devices: 60, Days: 7, Seed: -3, OutDir: dir, RowsPerDeviceDay: 20, Gzip: true})
		if err != nil {
			t.Fatal(err)
		}
		chunkedData = shared{dir: dir, truth: tr, tables: readTables(t, dir, tr)}
	})
	if chunkedData.truth == nil {
		t.Fatal("chunked data set missing")
	}
	return []*shared{s, &chunkedData}
}

func TestPlanChunks(t *testing.T) {
	for _, tc := range []struct {
		devices, rows int
		limit         float64
		perDay        int64
	}{
		{40, 12, 1 << 21, 1},
		{60, 20, 200, 8},
		{100_000, 40, 1 << 21, 3},
		{10_000_000, 40, 1 << 21, 288},
		{10_000_000, 4000, 1 << 21, 1440},
	} {
		saved := maxChunkRows
		maxChunkRows = tc.limit
		g := &generator{opts: Options{Devices: tc.devices, Days: 2, RowsPerDeviceDay: tc.rows}}
		g.planChunks()
		maxChunkRows = saved
		if g.chunkTicks != ticksPerDay/tc.perDay || len(g.extra) != 2*int(tc.perDay) {
			t.Errorf("%d devices x %d rows: %d chunks of %d ticks, want %d per day", tc.devices, tc.rows, len(g.extra), g.chunkTicks, tc.perDay)
		}
	}
}

func loadCatalog(t *testing.T) *catalog.Catalog {
	t.Helper()
	c, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestOptionsValidation(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		opts Options
		ok   bool
	}{
		{"ok", Options{Devices: 1, Days: 1, OutDir: dir}, true},
		{"no devices", Options{Devices: 0, Days: 3, OutDir: dir}, false},
		{"no days", Options{Devices: 3, Days: 0, OutDir: dir}, false},
		{"no dir", Options{Devices: 3, Days: 3}, false},
		{"negative rate", Options{Devices: 3, Days: 3, OutDir: dir, RowsPerDeviceDay: -1}, false},
	} {
		_, err := Generate(tc.opts)
		if (err == nil) != tc.ok {
			t.Errorf("%s: err = %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}

// TestDeterminism: the same options give byte-identical files; another
// seed gives other data.
func TestDeterminism(t *testing.T) {
	for _, gz := range []bool{false, true} {
		opts := Options{Devices: 20, Days: 7, Seed: 99, OutDir: t.TempDir(), Gzip: gz, RowsPerDeviceDay: 15}
		a, err := Generate(opts)
		if err != nil {
			t.Fatal(err)
		}
		dirA := opts.OutDir
		opts.OutDir = t.TempDir()
		if _, err := Generate(opts); err != nil {
			t.Fatal(err)
		}
		files := []string{TruthFile}
		for _, f := range a.Files {
			files = append(files, f.File)
		}
		for _, f := range files {
			x, _ := os.ReadFile(filepath.Join(dirA, f))
			y, _ := os.ReadFile(filepath.Join(opts.OutDir, f))
			if len(x) == 0 || !bytes.Equal(x, y) {
				t.Errorf("gzip=%v: %s differs between two runs (%d vs %d bytes)", gz, f, len(x), len(y))
			}
		}
		opts.OutDir = t.TempDir()
		opts.Seed++
		if _, err := Generate(opts); err != nil {
			t.Fatal(err)
		}
		x, _ := os.ReadFile(filepath.Join(dirA, FileName(TableProcesses, gz)))
		y, _ := os.ReadFile(filepath.Join(opts.OutDir, FileName(TableProcesses, gz)))
		if bytes.Equal(x, y) {
			t.Errorf("gzip=%v: another seed gave the same data", gz)
		}
	}
}

var (
	reDatetime7 = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$`)
	reDeviceID  = regexp.MustCompile(`^[0-9a-f]{40}$`)
	reDevice    = regexp.MustCompile(`^([a-z]+-(ws|lt)-\d{3}|srv-[a-z]+-\d{2})\.contoso\.local$`)
)

// TestFormat checks the streaming-API envelope, the column names and JSON
// types against the schema, time order, MachineGroup and ReportIds.
func TestFormat(t *testing.T) {
	for _, s := range datasets(t) {
		t.Run(filepath.Base(s.dir), func(t *testing.T) { checkFormat(t, s) })
	}
}

func checkFormat(t *testing.T, s *shared) {
	tr := s.truth
	reg := schema.Default()
	large := map[string]bool{}
	for _, d := range tr.Devices {
		if !reDeviceID.MatchString(d.DeviceID) || !reDevice.MatchString(d.DeviceName) {
			t.Errorf("bad device %+v", d)
		}
		large[d.DeviceID] = d.LargeReportIDs
	}
	var sawLarge bool
	type ord struct {
		ticks  int64
		table  int
		line   int
		report int64
	}
	perDevice := map[string][]ord{}
	for ti, name := range tableNames {
		rows := s.tables[name]
		if len(rows) == 0 {
			t.Fatalf("%s: no rows", name)
		}
		tab, ok := reg.Lookup(name)
		if !ok {
			t.Fatalf("no schema for %s", name)
		}
		colType := map[string]types.Type{}
		for _, c := range tab.Columns {
			colType[c.Name] = c.Type
		}
		var maxTicks int64
		prev := int64(math.MinInt64)
		for _, r := range rows {
			where := fmt.Sprintf("%s:%d", name, r.line)
			if len(r.envelope) != 5 || r.envelope["operationName"] != "Publish" ||
				r.envelope["category"] != "AdvancedHunting-"+name || r.envelope["tenantId"] != tr.TenantID {
				t.Fatalf("%s: bad envelope %v", where, r.envelope)
			}
			if tm, _ := r.envelope["time"].(string); !reDatetime7.MatchString(tm) {
				t.Fatalf("%s: bad time %q", where, tm)
			}
			if ts := r.str("Timestamp"); !reDatetime7.MatchString(ts) {
				t.Fatalf("%s: bad Timestamp %q", where, ts)
			}
			if r.ticks < prev {
				t.Fatalf("%s: rows not in time order", where)
			}
			prev = r.ticks
			maxTicks = max(maxTicks, r.ticks)
			if r.ticks < int64(tr.DataStart) || r.ticks > int64(tr.ReferenceTime) {
				t.Fatalf("%s: Timestamp outside the data span", where)
			}
			if mg, ok := r.props["MachineGroup"].(string); !ok || mg == "" {
				t.Fatalf("%s: MachineGroup missing", where)
			}
			for col, v := range r.props {
				if col == "MachineGroup" {
					continue
				}
				ty, ok := colType[col]
				if !ok {
					t.Fatalf("%s: column %s not in the schema", where, col)
				}
				if err := checkJSONType(ty, v); err != nil {
					t.Fatalf("%s: column %s: %v", where, col, err)
				}
			}
			num := r.props["ReportId"].(json.Number)
			if string(num) != strconv.FormatInt(r.report, 10) {
				t.Fatalf("%s: ReportId %s not exact", where, num)
			}
			if r.report > 1<<53 {
				sawLarge = true
				if !large[r.device] {
					t.Fatalf("%s: large ReportId on a device not marked large", where)
				}
			} else if large[r.device] {
				t.Fatalf("%s: small ReportId on a device marked large", where)
			}
			perDevice[r.device] = append(perDevice[r.device], ord{r.ticks, ti, r.line, r.report})
		}
		if maxTicks != int64(tr.ReferenceTime) {
			t.Errorf("%s: newest Timestamp %s, want the reference time %s", name, types.FormatDatetime(maxTicks), tr.ReferenceTime)
		}
	}
	if !sawLarge {
		t.Error("no ReportId above 2^53")
	}
	for dev, list := range perDevice {
		sort.Slice(list, func(i, j int) bool {
			a, b := list[i], list[j]
			if a.ticks != b.ticks {
				return a.ticks < b.ticks
			}
			if a.table != b.table {
				return a.table < b.table
			}
			return a.line < b.line
		})
		for i := 1; i < len(list); i++ {
			if list[i].report <= list[i-1].report {
				t.Fatalf("device %s: ReportId not increasing in time order (%d after %d)", dev, list[i].report, list[i-1].report)
			}
		}
	}
}

func checkJSONType(ty types.Type, v any) error {
	if v == nil {
		return nil
	}
	switch ty {
	case types.String:
		if _, ok := v.(string); !ok {
			return fmt.Errorf("want string, got %T", v)
		}
	case types.Datetime:
		s, ok := v.(string)
		if !ok || !reDatetime7.MatchString(s) {
			return fmt.Errorf("want datetime, got %v", v)
		}
	case types.Long, types.Int:
		n, ok := v.(json.Number)
		if !ok {
			return fmt.Errorf("want integer, got %T", v)
		}
		if _, err := strconv.ParseInt(string(n), 10, 64); err != nil {
			return err
		}
	case types.Bool:
		if _, ok := v.(bool); !ok {
			return fmt.Errorf("want bool, got %T", v)
		}
	default:
		return fmt.Errorf("unexpected column type %v", ty)
	}
	return nil
}

// ruleTerms are the jischell terms of one tool.
type ruleTerms struct {
	tool             string
	signer, company  []string
	product, url     []string
	installable      bool // has a generator profile
	createProcOnlyCo bool
}

func jischellTerms(c *catalog.Catalog) []ruleTerms {
	var out []ruleTerms
	for _, tool := range c.Tools() {
		if !tool.InJischell {
			continue
		}
		out = append(out, ruleTerms{
			tool: tool.Name, signer: tool.SignerTerms, company: tool.PECompanyTerms,
			product: tool.PEProductTerms, url: tool.RemoteURLTerms,
			installable: profileByName(tool.Name) != nil,
		})
	}
	return out
}

// The published rules of the installed tools, as they are written:
//   File Signature:     Signer has_any (signer terms)
//   Create Process:     ProcessVersionInfoCompanyName has_any (company terms)
//                       [and ProcessVersionInfoProductName has_any (product terms)]
//   Network Connection: RemoteUrl has_any (url terms) and the initiating
//                       process's company (or, for AnyDesk, product) terms.
// matchStrict requires every non-empty term list; matchLoose only one of
// company/product for network rows. The generated data must make both
// agree, so the answer does not depend on which of the two a rule uses.

func (rt *ruleTerms) matchStrict(r *row) bool {
	switch r.table {
	case TableCertificates:
		return len(rt.signer) > 0 && hasAny(r.str("Signer"), rt.signer)
	case TableProcesses:
		return len(rt.company)+len(rt.product) > 0 &&
			(len(rt.company) == 0 || hasAny(r.str("ProcessVersionInfoCompanyName"), rt.company)) &&
			(len(rt.product) == 0 || hasAny(r.str("ProcessVersionInfoProductName"), rt.product))
	default:
		return len(rt.url) > 0 && hasAny(r.str("RemoteUrl"), rt.url) &&
			(len(rt.company) == 0 || hasAny(r.str("InitiatingProcessVersionInfoCompanyName"), rt.company)) &&
			(len(rt.product) == 0 || hasAny(r.str("InitiatingProcessVersionInfoProductName"), rt.product))
	}
}

func (rt *ruleTerms) matchLoose(r *row) bool {
	switch r.table {
	case TableNetwork:
		return len(rt.url) > 0 && hasAny(r.str("RemoteUrl"), rt.url) &&
			(hasAny(r.str("InitiatingProcessVersionInfoCompanyName"), rt.company) ||
				hasAny(r.str("InitiatingProcessVersionInfoProductName"), rt.product))
	case TableProcesses:
		return len(rt.company) > 0 && hasAny(r.str("ProcessVersionInfoCompanyName"), rt.company)
	}
	return rt.matchStrict(r)
}

// ruleColumnTerms pairs each column a rule tests with the term family it
// is tested against.
func ruleColumnTerms(rt *ruleTerms, table string) map[string][]string {
	switch table {
	case TableCertificates:
		return map[string][]string{"Signer": rt.signer}
	case TableProcesses:
		// Create Process rules test the product only together with the
		// company, unless the tool has no company terms.
		if len(rt.company) == 0 {
			return map[string][]string{"ProcessVersionInfoProductName": rt.product}
		}
		return map[string][]string{"ProcessVersionInfoCompanyName": rt.company}
	}
	return map[string][]string{"RemoteUrl": rt.url}
}

// allowedBackgroundHits are background values that carry a rule term in a
// column the rule also tests together with another, non-matching, column.
var allowedBackgroundHits = map[[2]string]bool{
	// ChromeRDP: company has 'Google' and product has 'Chrome Remote Desktop'.
	{"ChromeRDP", "Google LLC"}: true,
}

// TestTruthConsistency recomputes every rule's answer from the files and
// compares it with truth.json.
func TestTruthConsistency(t *testing.T) {
	for _, s := range datasets(t) {
		t.Run(filepath.Base(s.dir), func(t *testing.T) { checkTruth(t, s) })
	}
}

func checkTruth(t *testing.T, s *shared) {
	tr := s.truth
	all := jischellTerms(loadCatalog(t))
	win0, win1 := int64(tr.WindowStart), int64(tr.ReferenceTime)
	if win1-win0 != WindowDays*types.TicksPerDay || tr.WindowDays != WindowDays {
		t.Fatalf("window %s..%s", tr.WindowStart, tr.ReferenceTime)
	}

	type key struct{ device, tool, variant string }
	truthBy := map[key]*Install{}
	for i := range tr.Installs {
		in := &tr.Installs[i]
		k := key{in.DeviceID, in.Tool, in.Variant}
		if truthBy[k] != nil {
			t.Fatalf("duplicate truth install %v", k)
		}
		truthBy[k] = in
	}
	decoyAt := map[string]*Decoy{}
	for i := range tr.Decoys {
		d := &tr.Decoys[i]
		decoyAt[d.Table+"/"+d.DeviceID+"/"+strconv.FormatInt(d.ReportID, 10)] = d
	}

	type agg struct {
		inWin, total       int
		first, last        int64
		tFirst, tLast      int64
		reports            []int64
		groups             map[string]bool
		signers, companies map[string]bool
	}
	got := map[key]*agg{}
	for vi, table := range tableNames {
		variant := variantNames[vi]
		colTerms := make([]map[string][]string, len(all))
		for i := range all {
			colTerms[i] = ruleColumnTerms(&all[i], table)
		}
		for _, r := range s.tables[table] {
			var matched []string
			for i := range all {
				rt := &all[i]
				strict := rt.matchStrict(r)
				if rt.installable && strict != rt.matchLoose(r) {
					t.Errorf("%s:%d: %s strict=%v loose=%v: answer would depend on the rule's exact shape", table, r.line, rt.tool, strict, !strict)
				}
				if strict {
					matched = append(matched, rt.tool)
				}
			}
			_, isDecoy := decoyAt[table+"/"+r.device+"/"+strconv.FormatInt(r.report, 10)]
			if isDecoy && len(matched) > 0 {
				t.Errorf("%s:%d: decoy row matches %v", table, r.line, matched)
			}
			// Any rule column carrying a term must belong to a matching row
			// of exactly that tool, or to a decoy row.
			for i := range all {
				rt := &all[i]
				for col, family := range colTerms[i] {
					v := r.str(col)
					if v == "" || !hasAny(v, family) || allowedBackgroundHits[[2]string{rt.tool, v}] {
						continue
					}
					if !isDecoy && !slices.Contains(matched, rt.tool) {
						t.Errorf("%s:%d: %s %q carries a %s term but the row is neither an install nor a decoy", table, r.line, col, v, rt.tool)
					}
				}
			}
			if len(matched) > 1 {
				t.Errorf("%s:%d: row matches several tools %v", table, r.line, matched)
			}
			for _, tool := range matched {
				k := key{r.device, tool, variant}
				a := got[k]
				if a == nil {
					a = &agg{groups: map[string]bool{}, tFirst: r.ticks, tLast: r.ticks}
					got[k] = a
				}
				a.total++
				a.tFirst, a.tLast = min(a.tFirst, r.ticks), max(a.tLast, r.ticks)
				if r.ticks < win0 || r.ticks > win1 {
					continue
				}
				if a.inWin == 0 {
					a.first, a.last = r.ticks, r.ticks
				}
				a.inWin++
				a.first, a.last = min(a.first, r.ticks), max(a.last, r.ticks)
				a.reports = append(a.reports, r.report)
				switch table {
				case TableProcesses:
					a.groups[r.str("AccountUpn")] = true
				case TableNetwork:
					a.groups[r.str("InitiatingProcessAccountUpn")+"|"+r.str("RemoteUrl")] = true
				}
			}
		}
	}

	for k, a := range got {
		in := truthBy[k]
		if in == nil {
			t.Errorf("rows match %v but truth has no install", k)
			continue
		}
		slices.Sort(a.reports)
		if a.total != in.TotalCount || a.tFirst != int64(in.TotalFirstSeen) || a.tLast != int64(in.TotalLastSeen) {
			t.Errorf("%v: all rows: count %d first %s last %s; truth %d %s %s", k, a.total,
				types.FormatDatetime(a.tFirst), types.FormatDatetime(a.tLast), in.TotalCount, in.TotalFirstSeen, in.TotalLastSeen)
		}
		if (a.inWin > 0) != in.InWindow || a.inWin != in.Count || !slices.Equal(a.reports, in.ReportIDs) {
			t.Errorf("%v: in window: count %d reports %v; truth in_window=%v count %d reports %v", k, a.inWin, a.reports, in.InWindow, in.Count, in.ReportIDs)
		}
		if in.InWindow {
			if in.FirstSeen == nil || in.LastSeen == nil || int64(*in.FirstSeen) != a.first || int64(*in.LastSeen) != a.last {
				t.Errorf("%v: FirstSeen/LastSeen %s/%s; truth %v/%v", k, types.FormatDatetime(a.first), types.FormatDatetime(a.last), in.FirstSeen, in.LastSeen)
			}
			if k.variant != VariantFileSignature {
				want := *in.AccountUpn
				if k.variant == VariantNetwork {
					want += "|" + in.RemoteURL
				}
				if len(a.groups) != 1 || !a.groups[want] {
					t.Errorf("%v: summarize groups %v, truth %q", k, a.groups, want)
				}
			}
		} else if in.FirstSeen != nil || in.LastSeen != nil || len(in.ReportIDs) != 0 {
			t.Errorf("%v: out-of-window install with window values", k)
		}
	}
	for k := range truthBy {
		if got[k] == nil {
			t.Errorf("truth install %v has no matching rows", k)
		}
	}
}

// TestInstallsCoverage: the promised scenarios are there.
func TestInstallsCoverage(t *testing.T) {
	tr := getShared(t).truth
	type tv struct{ tool, scenario string }
	seen := map[tv]int{}
	for _, in := range tr.Installs {
		seen[tv{in.Tool, in.Scenario}]++
	}
	for _, want := range []tv{
		{"TacticalRMM", ScenarioStraddle}, {"TacticalRMM", ScenarioBefore},
		{"NinjaRMM", ScenarioStraddle}, {"NinjaRMM", ScenarioBefore},
		{"AnyDesk", ScenarioRecent},
	} {
		if seen[want] == 0 {
			t.Errorf("no %s install with scenario %s", want.tool, want.scenario)
		}
	}
	// The boundary rows: TacticalRMM certificate rows at exactly the window
	// start (counted) and one tick earlier (not counted); a NinjaRMM
	// connection at exactly the reference time.
	var atStart, atEnd bool
	for _, in := range tr.Installs {
		if in.Tool == "TacticalRMM" && in.Variant == VariantFileSignature && in.FirstSeen != nil && *in.FirstSeen == tr.WindowStart &&
			in.TotalFirstSeen < tr.WindowStart {
			atStart = true
		}
		if in.Tool == "NinjaRMM" && in.Variant == VariantNetwork && in.LastSeen != nil && *in.LastSeen == tr.ReferenceTime {
			atEnd = true
		}
	}
	if !atStart || !atEnd {
		t.Errorf("boundary rows missing: at window start %v, at reference time %v", atStart, atEnd)
	}
	s := getShared(t)
	var justBefore bool
	for _, r := range s.tables[TableCertificates] {
		if r.ticks == int64(tr.WindowStart)-1 && has(r.str("Signer"), "AmidaWare") || r.ticks == int64(tr.WindowStart)-1 && has(r.str("Signer"), "Tactical Techs") {
			justBefore = true
		}
	}
	if !justBefore {
		t.Error("no TacticalRMM certificate row one tick before the window")
	}
}

// TestDecoys: every decoy row is there, resembles its tool's terms the way
// its trap says, and matches no term under has.
func TestDecoys(t *testing.T) {
	s := getShared(t)
	tr := s.truth
	all := jischellTerms(loadCatalog(t))
	if len(tr.Decoys) < len(decoySpecs) {
		t.Fatalf("%d decoys, want at least %d", len(tr.Decoys), len(decoySpecs))
	}
	byReport := map[string]*row{}
	for _, table := range tableNames {
		for _, r := range s.tables[table] {
			byReport[table+"/"+r.device+"/"+strconv.FormatInt(r.report, 10)] = r
		}
	}
	for _, d := range tr.Decoys {
		r := byReport[d.Table+"/"+d.DeviceID+"/"+strconv.FormatInt(d.ReportID, 10)]
		if r == nil {
			t.Errorf("decoy %q: row not found", d.Value)
			continue
		}
		if r.str(d.Column) != d.Value || r.ticks != int64(d.Timestamp) {
			t.Errorf("decoy %q: row has %q at %s", d.Value, r.str(d.Column), types.FormatDatetime(r.ticks))
		}
		if r.ticks < int64(tr.WindowStart) {
			t.Errorf("decoy %q outside the window", d.Value)
		}
		var target *ruleTerms
		for i := range all {
			rt := &all[i]
			if rt.tool == d.Tool {
				target = rt
			}
			family := ruleColumnTerms(rt, d.Table)[d.Column]
			for _, term := range family {
				if has(d.Value, term) {
					t.Errorf("decoy %q has %s term %q", d.Value, rt.tool, term)
				}
			}
			if rt.matchStrict(r) || rt.matchLoose(r) {
				t.Errorf("decoy %q: row matches %s", d.Value, rt.tool)
			}
		}
		if target == nil {
			t.Fatalf("decoy %q: unknown tool %s", d.Value, d.Tool)
		}
		family := ruleColumnTerms(target, d.Table)[d.Column]
		var trapped bool
		for _, term := range family {
			switch d.Trap {
			case TrapSubstring:
				trapped = trapped || strings.Contains(strings.ToLower(d.Value), strings.ToLower(term))
			case TrapPhrase:
				tt := terms(term)
				for _, x := range tt {
					trapped = trapped || len(tt) > 1 && slices.Contains(terms(d.Value), x)
				}
			}
		}
		if !trapped {
			t.Errorf("decoy %q (%s) does not resemble any %s term %q", d.Value, d.Trap, d.Tool, family)
		}
		if d.Why == "" {
			t.Errorf("decoy %q: no reason", d.Value)
		}
		// Under substring semantics the row would be a hit: the other
		// columns carry the tool's genuine values.
		if d.Trap == TrapSubstring && !containsModel(target, r) {
			t.Errorf("decoy %q: the row would not match %s even with contains", d.Value, d.Tool)
		}
	}
}

// containsModel is matchStrict with contains instead of has.
func containsModel(rt *ruleTerms, r *row) bool {
	ci := func(v string, list []string) bool {
		for _, x := range list {
			if strings.Contains(strings.ToLower(v), strings.ToLower(x)) {
				return true
			}
		}
		return len(list) == 0
	}
	switch r.table {
	case TableCertificates:
		return ci(r.str("Signer"), rt.signer)
	case TableProcesses:
		return ci(r.str("ProcessVersionInfoCompanyName"), rt.company) && ci(r.str("ProcessVersionInfoProductName"), rt.product)
	}
	return ci(r.str("RemoteUrl"), rt.url) && ci(r.str("InitiatingProcessVersionInfoCompanyName"), rt.company) &&
		ci(r.str("InitiatingProcessVersionInfoProductName"), rt.product)
}

// TestProfilesMatchCatalog: the strings the generator plants for a tool are
// its catalog facts.
func TestProfilesMatchCatalog(t *testing.T) {
	c := loadCatalog(t)
	for _, p := range toolProfiles {
		tool, ok := c.Lookup(p.tool)
		if !ok {
			t.Errorf("%s: not in the catalog", p.tool)
			continue
		}
		for _, kind := range []string{catalog.DetectionFileSignature, catalog.DetectionCreateProcess, catalog.DetectionNetwork} {
			if !tool.HasDetection(kind) {
				t.Errorf("%s: no published %s rule", p.tool, kind)
			}
		}
		for _, sgn := range p.signers {
			if !hasAny(sgn, tool.SignerTerms) {
				t.Errorf("%s: signer %q matches none of %q", p.tool, sgn, tool.SignerTerms)
			}
		}
		if !hasAny(p.company, tool.PECompanyTerms) {
			t.Errorf("%s: company %q matches none of %q", p.tool, p.company, tool.PECompanyTerms)
		}
		if len(tool.PEProductTerms) > 0 && !hasAny(p.product, tool.PEProductTerms) {
			t.Errorf("%s: product %q matches none of %q", p.tool, p.product, tool.PEProductTerms)
		}
		for _, u := range p.urls {
			if !hasAny(u, tool.RemoteURLTerms) {
				t.Errorf("%s: url %q matches none of %q", p.tool, u, tool.RemoteURLTerms)
			}
		}
		for _, f := range p.files {
			if !slices.ContainsFunc(tool.Processes, func(x string) bool { return strings.EqualFold(x, f) }) {
				t.Errorf("%s: file %q not among the catalog processes %q", p.tool, f, tool.Processes)
			}
		}
	}
}

// TestRealism: a heavy-tailed spread of signers, a small share of devices
// with RMM tools, varied processes and destinations.
func TestRealism(t *testing.T) {
	s := getShared(t)
	count := func(table, col string) map[string]int {
		m := map[string]int{}
		for _, r := range s.tables[table] {
			if v := r.str(col); v != "" {
				m[v]++
			}
		}
		return m
	}
	signers := count(TableCertificates, "Signer")
	if len(signers) < 40 {
		t.Errorf("%d distinct signers, want at least 40", len(signers))
	}
	freq := make([]int, 0, len(signers))
	total := 0
	for _, n := range signers {
		freq = append(freq, n)
		total += n
	}
	slices.Sort(freq)
	top, median := freq[len(freq)-1], freq[len(freq)/2]
	if top < 10*median || float64(top) < 0.15*float64(total) {
		t.Errorf("signer frequencies not heavy-tailed: top %d, median %d, total %d", top, median, total)
	}
	if n := len(count(TableProcesses, "ProcessVersionInfoCompanyName")); n < 20 {
		t.Errorf("%d distinct process companies, want at least 20", n)
	}
	if n := len(count(TableNetwork, "RemoteUrl")); n < 60 {
		t.Errorf("%d distinct RemoteUrl values, want at least 60", n)
	}
	withRMM := map[string]bool{}
	for _, in := range s.truth.Installs {
		withRMM[in.DeviceID] = true
	}
	share := float64(len(withRMM)) / float64(len(s.truth.Devices))
	if share < 0.05 || share > 0.10 {
		t.Errorf("%.1f%% of devices have an RMM tool, want 5-10%%", 100*share)
	}
	kinds := map[string]int{}
	for _, d := range s.truth.Devices {
		kinds[d.Kind]++
	}
	if kinds[kindServer] == 0 || kinds[kindWorkstation] == 0 || kinds[kindLaptop] == 0 {
		t.Errorf("device kinds %v", kinds)
	}
}

// TestExampleUpToDate: examples/data is what ExampleOptions generate
// (compared after decompression). Regenerate with go generate ./gen.
func TestExampleUpToDate(t *testing.T) {
	const dir = "../examples/data"
	if _, err := os.Stat(filepath.Join(dir, TruthFile)); err != nil {
		t.Skip("no committed sample")
	}
	opts := ExampleOptions(t.TempDir())
	tr, err := Generate(opts)
	if err != nil {
		t.Fatal(err)
	}
	names := []string{TruthFile}
	for _, f := range tr.Files {
		names = append(names, f.File)
	}
	for _, name := range names {
		want := openData(t, filepath.Join(opts.OutDir, name))
		got := openData(t, filepath.Join(dir, name))
		if !bytes.Equal(got, want) {
			t.Errorf("%s/%s is stale: run go generate ./gen", dir, name)
		}
	}
}

func BenchmarkGenerate(b *testing.B) {
	dir := b.TempDir()
	rows := 0
	for b.Loop() {
		tr, err := Generate(Options{Devices: 500, Days: 7, Seed: 1, OutDir: dir})
		if err != nil {
			b.Fatal(err)
		}
		rows = 0
		for _, f := range tr.Files {
			rows += f.Rows
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
