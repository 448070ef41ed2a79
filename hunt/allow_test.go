package hunt_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/rmmhunt/rmmhunt/engine"
	"github.com/rmmhunt/rmmhunt/hunt"
	"github.com/rmmhunt/rmmhunt/ingest"
	"github.com/rmmhunt/rmmhunt/rules"
)

// seedArchive is the CLI script that holds the allowlist fixture: a fleet
// where each false-positive scenario of the published rules has a device of
// its own, and the seed allowlist.
const seedArchive = "../cli/testdata/script/allow_seed.txtar"

// fixture is the fleet of seedArchive hunted with the example rules.
type fixture struct {
	src *engine.MemSource
	res *hunt.Result
}

func loadFixture(t *testing.T) *fixture {
	t.Helper()
	ar, err := txtar.ParseFile(seedArchive)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range ar.Files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := ingest.Load([]string{filepath.Join(dir, "fleet.jsonl")}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if data.Rejected != 0 {
		t.Fatalf("fixture: %d rejected rows: %v", data.Rejected, data.Rejects)
	}
	rs, diags, err := rules.Load("../examples/rules")
	if err != nil || diags.HasErrors() {
		t.Fatalf("rules: %v %v", err, diags.Err())
	}
	src := engine.NewMemSource(data.Tables)
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	res := hunt.Run(context.Background(), rs, src, now)
	if f := res.Failed(); len(f) > 0 {
		t.Fatalf("rule failed: %v", f[0].Err)
	}
	return &fixture{src: src, res: res}
}

// seedFile returns a file of seedArchive.
func seedFile(t *testing.T, name string) []byte {
	t.Helper()
	ar, err := txtar.ParseFile(seedArchive)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range ar.Files {
		if f.Name == name {
			return f.Data
		}
	}
	t.Fatalf("%s has no %s", seedArchive, name)
	return nil
}

// apply explains the fixture's findings and applies the allowlist text.
func (fx *fixture) apply(t *testing.T, yaml string) (*hunt.Outcome, string) {
	t.Helper()
	a, d := hunt.ParseAllowlist("allow.yaml", []byte(yaml))
	if d.HasErrors() {
		t.Fatalf("allowlist:\n%s", d.Format())
	}
	out, err := hunt.Explain(context.Background(), fx.res, fx.src)
	if err != nil {
		t.Fatal(err)
	}
	warns, err := a.Apply(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	return out, warns.Format()
}

// key names a finding: its device id and its rule's tool and variant.
func key(it *hunt.Explained) string {
	return it.Context.DeviceID + " " + strings.TrimPrefix(it.Rule.Name, "Remote Management and Monitoring tool - ")
}

func suppressed(out *hunt.Outcome) []string {
	var got []string
	for _, it := range out.Items {
		if it.Suppressed != nil {
			got = append(got, key(it))
		}
	}
	sort.Strings(got)
	return got
}

// TestAllowSeedScenarios writes each false-positive scenario of the
// published TacticalRMM and NinjaRMM rules as one allowlist entry, exactly
// as the rules' notes give it, and checks that it suppresses the findings
// of its scenario's devices and nothing else.
func TestAllowSeedScenarios(t *testing.T) {
	fx := loadFixture(t)
	if n := len(fx.res.Findings()); n != 21 {
		t.Fatalf("fixture has %d findings, want 21", n)
	}
	const (
		tacFS   = " TacticalRMM - File Signature"
		ninjaFS = " NinjaRMM - File Signature"
	)
	cases := []struct {
		name, tool, where string
		want              []string
	}{
		{"scheduled job", "TacticalRMM", `process.parent_process_name == "TacticalRMM.exe" or process.name == "TacticalRMM.exe"`, []string{"d-t1" + tacFS}},
		{"inventory", "TacticalRMM", `process.command_line contains "inventory"`, []string{"d-t2" + tacFS}},
		{"backup", "TacticalRMM", `process.command_line contains "backup"`, []string{"d-t3" + tacFS}},
		{"service account", "TacticalRMM", `process.user == "TacticalRMMServiceAccount"`, []string{"d-t4" + tacFS}},
		{"web console", "TacticalRMM", `process.parent_process_name == "IIS_W3SVC_APP"`, []string{"d-t5" + tacFS}},
		{"cleanup", "NinjaRMM", `process.parent_process_name == "ninjaRMM.exe" or process.name == "CleanupTask.exe"`, []string{"d-n1" + ninjaFS, "d-n2" + ninjaFS}},
		{"known script", "NinjaRMM", `process.name == "ninjaRMM.exe" and file.hash == "b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3"`, []string{"d-n3" + ninjaFS}},
		{"remote desktop", "NinjaRMM", `process.command_line contains "rdp"`, []string{"d-n5" + ninjaFS}},
		{"update", "NinjaRMM", `process.command_line contains "update"`, []string{"d-n6" + ninjaFS}},
		{"sync", "NinjaRMM", `process.command_line contains "sync"`, []string{"d-n7" + ninjaFS}},
		{"update or sync", "NinjaRMM", `process.command_line contains "update" or process.command_line contains "sync"`, []string{"d-n6" + ninjaFS, "d-n7" + ninjaFS}},
		{"patches", "NinjaRMM", `file.name contains "patch"`, []string{"d-n8" + ninjaFS}},
		// The tool scopes the predicate: no NinjaRMM finding runs an
		// inventory, though a TacticalRMM one does.
		{"other tool", "NinjaRMM", `process.command_line contains "inventory"`, nil},
		// Defender column names work as well as the dotted names.
		{"column names", "TacticalRMM", `ProcessCommandLine has "backup" and InitiatingProcessFileName =~ "SERVICES.EXE"`, []string{"d-t3" + tacFS}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			yaml := "allow:\n  - tool: " + c.tool + "\n    where: " + c.where + "\n    reason: test\n    owner: test\n"
			out, warns := fx.apply(t, yaml)
			if warns != "" {
				t.Errorf("warnings: %s", warns)
			}
			got := suppressed(out)
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("suppressed:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(c.want, "\n  "))
			}
			if len(out.Items) != 21 {
				t.Errorf("%d findings after the allowlist, want all 21", len(out.Items))
			}
			for _, it := range out.Items {
				if it.Suppressed == nil {
					continue
				}
				m := it.Suppressed.Matched
				if len(m) != 2 || m[0] != "tool: "+c.tool || m[1] != "where: "+c.where {
					t.Errorf("%s: matched %q", key(it), m)
				}
			}
		})
	}
}

// TestAllowSeedFile applies the seed allowlist of the CLI script: every
// scenario at once, first matching entry wins.
func TestAllowSeedFile(t *testing.T) {
	fx := loadFixture(t)
	out, warns := fx.apply(t, string(seedFile(t, "seed.yaml")))
	if warns != "" {
		t.Errorf("warnings: %s", warns)
	}
	want := []string{
		"d-a1 AnyDesk - Create Process",
		"d-n1 NinjaRMM - File Signature", "d-n2 NinjaRMM - File Signature", "d-n3 NinjaRMM - File Signature",
		"d-n5 NinjaRMM - File Signature", "d-n6 NinjaRMM - File Signature", "d-n7 NinjaRMM - File Signature",
		"d-n8 NinjaRMM - File Signature",
		"d-t1 TacticalRMM - File Signature", "d-t2 TacticalRMM - File Signature", "d-t3 TacticalRMM - File Signature",
		"d-t4 TacticalRMM - File Signature", "d-t5 TacticalRMM - File Signature",
	}
	if got := suppressed(out); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("suppressed:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	if out.Suppressed() != len(want) || len(out.Items) != 21 {
		t.Errorf("%d suppressed of %d, want %d of 21", out.Suppressed(), len(out.Items), len(want))
	}
}

// TestAllowScopesAndPins checks device scopes, variants and the pins to
// the organisation's own instance.
func TestAllowScopesAndPins(t *testing.T) {
	fx := loadFixture(t)
	tac := func(devs ...string) []string {
		var out []string
		for _, d := range devs {
			out = append(out, d+" TacticalRMM - File Signature")
		}
		return out
	}
	cases := []struct {
		name, entry string
		want        []string
	}{
		{"device glob", "tool: TacticalRMM\n    devices: [\"t-b*\"]", tac("d-t3")},
		{"short name, any case", "tool: TacticalRMM\n    devices: [T-INV]", tac("d-t2")},
		{"full name", "tool: TacticalRMM\n    devices: t-web.corp.local", tac("d-t5")},
		{"device id", "tool: tactical rmm\n    devices: [d-t4, d-t6]", tac("d-t4", "d-t6")},
		{"no such device", "tool: TacticalRMM\n    devices: [\"helpdesk-*\"]", nil},
		{"signer", "tool: TacticalRMM\n    signer: Tactical Techs", tac("d-t6")},
		{"signer glob", "tool: TacticalRMM\n    signer: \"AmidaWare*\"", tac("d-t1", "d-t2", "d-t3", "d-t4", "d-t5", "d-t7")},
		{"sha1", "tool: TacticalRMM\n    sha1: A4A4A4A4A4A4A4A4A4A4A4A4A4A4A4A4A4A4A4A4", tac("d-t4")},
		{"folder", "tool: TacticalRMM\n    folder_path: 'C:\\Program Files\\TacticalAgent'", tac("d-t1", "d-t2", "d-t3", "d-t4", "d-t5", "d-t7")},
		{"folder is not a prefix of a name", "tool: TacticalRMM\n    folder_path: 'C:\\Program Files\\Tactical'", nil},
		{"account with domain", "tool: TacticalRMM\n    account: 'corp\\jdoe'", tac("d-t6")},
		{"account name", "tool: TacticalRMM\n    account: TacticalRMMServiceAccount", tac("d-t4")},
		{"account and device", "tool: TacticalRMM\n    account: system\n    devices: [\"t-*\"]", tac("d-t1", "d-t2", "d-t3", "d-t5", "d-t7")},
		// Every connection must go to the organisation's relay: the
		// helpdesk device that also reaches the vendor's relay stays
		// active, and so does every finding of it.
		{"remote url", "tool: AnyDesk\n    remote_url: relay.example-corp.com", []string{"d-a1 AnyDesk - Create Process", "d-a3 AnyDesk - Create Process"}},
		{"remote url parent domain", "tool: AnyDesk\n    remote_url: https://example-corp.com/", []string{"d-a1 AnyDesk - Create Process", "d-a3 AnyDesk - Create Process"}},
		{"remote url glob", "tool: AnyDesk\n    remote_url: \"*.anydesk.com\"", nil},
		{"remote url list", "tool: AnyDesk\n    remote_url: [relay.example-corp.com, \"*.net.anydesk.com\"]",
			[]string{"d-a1 AnyDesk - Create Process", "d-a2 All Tools - Network Connection", "d-a2 AnyDesk - Create Process", "d-a2 AnyDesk - Network Connection", "d-a3 AnyDesk - Create Process"}},
		// The TacticalRMM findings come from certificate rows: no
		// connection ties them to any relay, so the pin cannot hold.
		{"remote url without connections", "tool: TacticalRMM\n    remote_url: tacticalrmm.io", nil},
		{"variant", "tool: AnyDesk\n    variants: [network connection]", []string{"d-a2 All Tools - Network Connection", "d-a2 AnyDesk - Network Connection"}},
		{"where over the finding", "tool: AnyDesk\n    where: Variant == \"Network Connection\" and Row.RemoteUrl has \"anydesk\"", []string{"d-a2 All Tools - Network Connection", "d-a2 AnyDesk - Network Connection"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, _ := fx.apply(t, "allow:\n  - "+c.entry+"\n    reason: test\n    owner: test\n")
			if got := suppressed(out); strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("suppressed:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(c.want, "\n  "))
			}
		})
	}
}

// TestAllowExpiry checks that the reference time decides expiry: an entry
// is in force through the whole of its expires date, then stops
// suppressing and is reported.
func TestAllowExpiry(t *testing.T) {
	fx := loadFixture(t)
	entry := func(expires string) string {
		return "allow:\n  - tool: TacticalRMM\n    where: process.command_line contains \"inventory\"\n    reason: test\n    owner: test\n    expires: " + expires + "\n"
	}
	cases := []struct {
		expires    string
		suppressed int
		warn       string
	}{
		{"2026-11-21", 1, ""},
		{"2026-11-20", 1, ""},
		{"2026-11-20T12:00:01Z", 1, ""},
		{"2026-11-20T12:00:00Z", 0, "allow.yaml:6:14: warning: the TacticalRMM entry expired on 2026-11-20T12:00:00Z (reference time 2026-11-20T12:00:00.0000000Z) and no longer suppresses: it matches 1 finding, which stays active"},
		{"2026-11-19", 0, "allow.yaml:6:14: warning: the TacticalRMM entry expired on 2026-11-19 (reference time 2026-11-20T12:00:00.0000000Z) and no longer suppresses: it matches 1 finding, which stays active"},
	}
	for _, c := range cases {
		t.Run(c.expires, func(t *testing.T) {
			out, warns := fx.apply(t, entry(c.expires))
			if out.Suppressed() != c.suppressed {
				t.Errorf("%d suppressed, want %d", out.Suppressed(), c.suppressed)
			}
			first, _, _ := strings.Cut(warns, "\n")
			if first != c.warn {
				t.Errorf("warning:\n  %s\nwant:\n  %s", first, c.warn)
			}
			if (c.warn != "") != (len(out.Expired) == 1) {
				t.Errorf("expired entries: %d", len(out.Expired))
			}
		})
	}
	// An expired entry does not hide a later one that still holds.
	out, _ := fx.apply(t, entry("2026-11-01")+"  - tool: TacticalRMM\n    devices: [t-inv]\n    reason: later\n    owner: test\n")
	if got := suppressed(out); len(got) != 1 || got[0] != "d-t2 TacticalRMM - File Signature" {
		t.Errorf("suppressed %v", got)
	}
	for _, it := range out.Items {
		if it.Suppressed != nil && it.Suppressed.Entry.Reason != "later" {
			t.Errorf("%s suppressed by %q", key(it), it.Suppressed.Entry.Reason)
		}
	}
}

// TestAllowFirstEntryWins checks that the first entry that matches is the
// one reported.
func TestAllowFirstEntryWins(t *testing.T) {
	fx := loadFixture(t)
	out, _ := fx.apply(t, `allow:
  - tool: TacticalRMM
    devices: [t-inv]
    reason: first
    owner: test
  - tool: TacticalRMM
    reason: second
    owner: test
`)
	for _, it := range out.Items {
		if it.Tool != "TacticalRMM" {
			if it.Suppressed != nil {
				t.Errorf("%s suppressed", key(it))
			}
			continue
		}
		want := "second"
		if it.Context.DeviceID == "d-t2" {
			want = "first"
		}
		if it.Suppressed == nil || it.Suppressed.Entry.Reason != want {
			t.Errorf("%s: suppressed by %+v, want %q", key(it), it.Suppressed, want)
		}
	}
}

// TestAllowSeedOnGeneratedFleet applies the seed allowlist to the bundled
// generated fleet, whose RMM installs match none of the false-positive
// scenarios: nothing may be suppressed.
func TestAllowSeedOnGeneratedFleet(t *testing.T) {
	data, err := ingest.Load([]string{"../examples/data"}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rs, _, err := rules.Load("../examples/rules")
	if err != nil {
		t.Fatal(err)
	}
	src := engine.NewMemSource(data.Tables)
	now, _ := hunt.LatestTime(data.Tables)
	res := hunt.Run(context.Background(), rs, src, now)
	fx := &fixture{src: src, res: res}
	out, _ := fx.apply(t, string(seedFile(t, "seed.yaml")))
	if len(out.Items) == 0 {
		t.Fatal("no findings")
	}
	if got := suppressed(out); len(got) != 0 {
		t.Errorf("suppressed %v", got)
	}
}
