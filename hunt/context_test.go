package hunt_test

import (
	"context"
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/engine"
	"github.com/rmmhunt/rmmhunt/gen"
	"github.com/rmmhunt/rmmhunt/hunt"
	"github.com/rmmhunt/rmmhunt/ingest"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/rules"
)

func TestRuleToolVariant(t *testing.T) {
	cases := []struct{ name, tool, variant string }{
		{"Remote Management and Monitoring tool - TacticalRMM - File Signature", "TacticalRMM", hunt.VariantFileSignature},
		{"Remote Management and Monitoring tool - AnyDesk - Create Process", "AnyDesk", hunt.VariantCreateProcess},
		{"remote management and monitoring tool - All Tools - network connection", "All Tools", hunt.VariantNetwork},
		{"Remote Management and Monitoring tool - ConnectWise - ScreenConnect - Create Process", "ConnectWise - ScreenConnect", hunt.VariantCreateProcess},
		{"Remote Management and Monitoring tool - Atera", "Atera", ""},
		{"Remote Management and Monitoring tool - Atera - Registry", "Atera - Registry", ""},
		{"Suspicious PowerShell", "", ""},
	}
	for _, c := range cases {
		tool, variant := hunt.RuleToolVariant(&rules.Rule{Name: c.name})
		if tool != c.tool || variant != c.variant {
			t.Errorf("%q: got (%q, %q), want (%q, %q)", c.name, tool, variant, c.tool, c.variant)
		}
	}
}

func TestURLHost(t *testing.T) {
	cases := map[string]string{
		"relay.example-corp.com":              "relay.example-corp.com",
		"https://Eu.NinjaRMM.com/ws/agent":    "eu.ninjarmm.com",
		"http://user@host.example:8443/x?y#z": "host.example",
		"host.example.":                       "host.example",
		"[2001:db8::1]:443":                   "2001:db8::1",
		"":                                    "",
	}
	for in, want := range cases {
		if got := hunt.URLHost(in); got != want {
			t.Errorf("URLHost(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestContextFixture checks the context joined for findings of the
// allowlist fixture: the binary, the process and its parent, the account,
// the file event that wrote it, the connections.
func TestContextFixture(t *testing.T) {
	fx := loadFixture(t)
	out, err := hunt.Explain(context.Background(), fx.res, fx.src)
	if err != nil {
		t.Fatal(err)
	}
	find := func(dev, rule string) *hunt.Explained {
		for _, it := range out.Items {
			if it.Context.DeviceID == dev && strings.Contains(it.Rule.Name, rule) {
				return it
			}
		}
		t.Fatalf("no %s finding on %s", rule, dev)
		return nil
	}

	it := find("d-n8", "NinjaRMM - File Signature")
	c := it.Context
	if it.Tool != "NinjaRMM" || it.Variant != hunt.VariantFileSignature {
		t.Errorf("tool %q variant %q", it.Tool, it.Variant)
	}
	if c.DeviceName != "n-patch.corp.local" || c.Count != 1 || len(c.ReportIDs) != 1 || c.EvidenceRows != 1 || c.EvidenceTable != "DeviceFileCertificateInfo" {
		t.Errorf("finding: %+v", c)
	}
	if len(c.Binaries) != 1 {
		t.Fatalf("binaries: %+v", c.Binaries)
	}
	b := c.Binaries[0]
	if b.SHA1 != strings.Repeat("b8", 20) || strings.Join(b.FileNames, ",") != "NinjaRMMAgentPatcher.exe" ||
		strings.Join(b.Signers, ",") != "NinjaRMM, LLC" || strings.Join(b.DroppedBy, ",") != "NinjaRMMAgent.exe" ||
		strings.Join(b.FolderPaths, ",") != `C:\ProgramData\NinjaRMMAgent\NinjaRMMAgentPatcher.exe` {
		t.Errorf("binary: %+v", b)
	}
	if len(c.Processes) != 1 {
		t.Fatalf("processes: %+v", c.Processes)
	}
	p := c.Processes[0]
	if p.Source != "DeviceProcessEvents" || p.FileName != "NinjaRMMAgentPatcher.exe" || p.ParentFileName != "services.exe" ||
		p.Account != `nt authority\system` || p.CommandLine != `"C:\ProgramData\NinjaRMMAgent\NinjaRMMAgentPatcher.exe" /install` || p.Count != 1 {
		t.Errorf("process: %+v", p)
	}

	// A network finding: the connection's process is the tool, its
	// parent the process that started it; the launch joins by SHA1.
	it = find("d-a2", "AnyDesk - Network Connection")
	c = it.Context
	if strings.Join(c.RemoteURLs, ",") != "relay-4a1f0c9e.net.anydesk.com,relay.example-corp.com" {
		t.Errorf("remote URLs %q", c.RemoteURLs)
	}
	if c.EvidenceTable != "DeviceNetworkEvents" || c.EvidenceRows != 1 || len(c.Events) != 1 {
		t.Errorf("evidence %s %d %d", c.EvidenceTable, c.EvidenceRows, len(c.Events))
	}
	if len(c.Processes) != 2 || c.Processes[0].Source != "DeviceProcessEvents" || c.Processes[1].Source != "DeviceNetworkEvents" ||
		c.Processes[1].ParentFileName != "explorer.exe" || c.Processes[1].Count != 2 {
		t.Errorf("processes %+v", c.Processes)
	}
	if strings.Join(c.Accounts, ",") != `corp\helpdesk2` {
		t.Errorf("accounts %q", c.Accounts)
	}

	// The All Tools rule names no tool: the remote host does.
	it = find("d-a2", "All Tools")
	if it.Tool != "AnyDesk" || it.Variant != hunt.VariantNetwork {
		t.Errorf("All Tools finding: tool %q variant %q", it.Tool, it.Variant)
	}
}

// TestContextExamples explains the findings of the example rules over the
// bundled fleet: every finding has its tool, its variant, its rows and a
// binary whose SHA1 the truth knows for its device.
func TestContextExamples(t *testing.T) {
	truth, err := gen.ReadTruth("../examples/data/truth.json")
	if err != nil {
		t.Fatal(err)
	}
	data, err := ingest.Load([]string{"../examples/data"}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rs, _, err := rules.Load("../examples/rules")
	if err != nil {
		t.Fatal(err)
	}
	src := engine.NewMemSource(data.Tables)
	res := hunt.Run(context.Background(), rs, src, types.TimeFromTicks(int64(truth.ReferenceTime)))
	out, err := hunt.Explain(context.Background(), res, src)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Items) == 0 {
		t.Fatal("no findings")
	}
	tools := map[string]bool{}
	for _, in := range truth.Installs {
		tools[in.DeviceID+"/"+in.Tool] = true
	}
	for _, it := range out.Items {
		c := it.Context
		name := it.Rule.Name + " on " + c.DeviceName
		if it.Tool == "" || it.Tool == hunt.AllTools || it.Variant == "" {
			t.Errorf("%s: tool %q variant %q", name, it.Tool, it.Variant)
		}
		if !tools[c.DeviceID+"/"+it.Tool] {
			t.Errorf("%s: the truth plants no %s on the device", name, it.Tool)
		}
		if c.EvidenceRows != int(c.Count) || len(c.Events) != c.EvidenceRows {
			t.Errorf("%s: %d evidence rows, %d events, count %d", name, c.EvidenceRows, len(c.Events), c.Count)
		}
		if len(c.Binaries) == 0 || len(c.Binaries[0].FileNames) == 0 || len(c.Binaries[0].Signers) == 0 {
			t.Errorf("%s: binaries %+v", name, c.Binaries)
		}
		if len(c.Processes) == 0 || c.Processes[0].ParentFileName == "" || len(c.Accounts) == 0 || len(c.CommandLines) == 0 {
			t.Errorf("%s: processes %+v", name, c.Processes)
		}
		for _, e := range c.Events {
			if e.Before(c.FirstSeen) || e.After(c.LastSeen) {
				t.Errorf("%s: event %v outside %v..%v", name, e, c.FirstSeen, c.LastSeen)
			}
		}
	}
}
