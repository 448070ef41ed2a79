package pack

import (
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/catalog"
)

func TestUUIDv5(t *testing.T) {
	// RFC 9562 name-based example: the DNS namespace and "www.example.com".
	if got := UUIDv5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "www.example.com"); got != "2ed6657d-e927-568b-95e1-2665a8aea6a2" {
		t.Errorf("UUIDv5 = %s", got)
	}
	a, b := RuleID("AnyDesk", VariantFileSignature), RuleID("AnyDesk", VariantFileSignature)
	if a != b || a == RuleID("AnyDesk", VariantNetwork) || a[14] != '5' {
		t.Errorf("RuleID not stable or not version 5: %s %s", a, b)
	}
}

func TestPredRoundTrip(t *testing.T) {
	cases := []string{
		`Signer has 'NinjaRMM'`,
		`ProcessVersionInfoCompanyName has_any ('AeroAdmin', 'Aero Admin') and ProcessVersionInfoProductName has 'x'`,
		`RemoteUrl has 'a.com' and (InitiatingProcessVersionInfoCompanyName has_any ('CentraStage', 'Datto') or isempty(InitiatingProcessVersionInfoCompanyName))`,
		`FileName startswith 'level' and FolderPath has_any (@'\Program Files\Level\', 'it''s') and isempty(ProcessVersionInfoCompanyName)`,
		`RemoteUrl has 'dwservice.net' and InitiatingProcessSHA1 in (rmmInitialFileSet)`,
		`ProcessVersionInfoProductName has 'PDQConnectAgent' or FileName =~ 'pdq-connect-agent.exe'`,
	}
	for _, c := range cases {
		p, err := ParsePred(c)
		if err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		for _, text := range []string{p.KQL(), p.Format("    ")} {
			q, err := ParsePred(text)
			if err != nil {
				t.Fatalf("%s: reparse %q: %v", c, text, err)
			}
			if !q.Equal(p) {
				t.Errorf("%s: round trip through %q differs", c, text)
			}
		}
	}
	if _, err := ParsePred(`Signer has_all has_any ('a')`); err == nil {
		t.Error("a double operator parsed")
	}
	p, _ := ParsePred(`a has 'x' and (b has 'y' and c has 'z')`)
	if p.Op != OpAnd || len(p.Args) != 3 {
		t.Errorf("and not flattened: %s", p.KQL())
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"AnyDesk": "anydesk", "parsec.app": "parsec_app", "Absolute (Computrace)": "absolute_computrace",
		"MSP360_CloudBerry": "msp360_cloudberry", "mstsc.exe (Microsoft Remote Desktop Connection)": "mstsc_exe_microsoft_remote_desktop_connection",
	} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPublishedFacts(t *testing.T) {
	pub, err := LoadPublished()
	if err != nil {
		t.Fatal(err)
	}
	if len(pub.Rules) != 167 || len(pub.Tools()) != 59 || len(pub.AllTools.Rows) != 177 {
		t.Fatalf("%d rules of %d tools, %d All Tools rows", len(pub.Rules), len(pub.Tools()), len(pub.AllTools.Rows))
	}
	ids := map[string]bool{pub.AllTools.ID: true}
	defects := map[string]int{}
	for _, r := range pub.Rules {
		if ids[r.ID] {
			t.Errorf("duplicate id %s", r.ID)
		}
		ids[r.ID] = true
		if r.Name != RuleName(r.Tool, r.Variant) || r.Table != VariantTable(r.Variant) || r.Where == nil {
			t.Errorf("%s: inconsistent facts", r.File)
		}
		for _, d := range r.Defects {
			defects[r.Tool+"/"+VariantSlug(r.Variant)+"/"+d.Kind]++
		}
	}
	for _, want := range []string{"DWService/createproc/syntax", "DWService/createproc/column", "DWService/netconn/column",
		"Level/createproc/syntax", "MSP360_CloudBerry/netconn/syntax", "ZohoAssist/netconn/syntax", "AnyDesk/netconn/summarize-key"} {
		if defects[want] != 1 {
			t.Errorf("defect %s recorded %d times", want, defects[want])
		}
	}
}

func TestPolicy(t *testing.T) {
	pol, err := LoadPolicy()
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"Microsoft Corporation", "Google", "Google LLC", ".NET", "Simon Tatham"} {
		if _, ok := pol.BenignVendor(v); !ok {
			t.Errorf("%q is not a benign vendor", v)
		}
	}
	for _, v := range []string{"AnyDesk Software GmbH", "NinjaRMM", "Tactical Techs"} {
		if c, ok := pol.BenignVendor(v); ok {
			t.Errorf("%q is benign: %+v", v, c)
		}
	}
	if _, ok := pol.SharedService("TacticalRMM", "login.tailscale.com"); !ok {
		t.Error("login.tailscale.com is not shared for TacticalRMM")
	}
	if _, ok := pol.SharedService("Tailscale", "tailscale.com"); ok {
		t.Error("tailscale.com is shared for Tailscale")
	}
	for _, d := range []string{"github.com", "raw.githubusercontent.com", "amazonaws.com", "icanhazip.com"} {
		if _, ok := pol.SharedService("X", d); !ok {
			t.Errorf("%s is not a shared service", d)
		}
	}
	for _, d := range []string{"a1-backend-packages.s3.amazonaws.com", "icanhazip.tacticalrmm.io", "gorelo-rmm.azurewebsites.net"} {
		if c, ok := pol.SharedService("X", d); ok {
			t.Errorf("%s is shared: %+v", d, c)
		}
	}
}

// TestAssessments checks the verdicts on indicators the issue names.
func TestAssessments(t *testing.T) {
	p, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	status := func(tool, kind, value string) Indicator {
		ta := p.Tool(tool)
		if ta == nil {
			t.Fatalf("no tool %s", tool)
		}
		for _, in := range ta.Indicators {
			if in.Kind == kind && strings.EqualFold(in.Value, value) {
				return in
			}
		}
		t.Fatalf("%s lists no %s %q", tool, kind, value)
		return Indicator{}
	}
	for _, c := range []struct{ tool, kind, value, status, reason string }{
		{"TacticalRMM", KindDomain, "login.tailscale.com", StatusDropped, "Tailscale"},
		{"TacticalRMM", KindSigner, "Christopher West", StatusDropped, "also listed for PuTTY Tray"},
		{"Atera", KindSigner, ".NET", StatusDropped, ".NET runtime"},
		{"CrossTec", KindSigner, "Microsoft Corporation", StatusDropped, "Microsoft publisher"},
		{"GLPI Agent", KindDomain, "github.com", StatusDropped, "shared service github.com"},
		{"Tailscale", KindDomain, "tailscale.com", StatusUsed, ""},
		{"AnyDesk", KindSigner, "AnyDesk Software GmbH", StatusUsed, ""},
		{"WinSCP", KindSigner, "Martin Prikryl", StatusDropped, "also listed for PcVisit"},
	} {
		in := status(c.tool, c.kind, c.value)
		if in.Status != c.status || !strings.Contains(in.Reason, c.reason) {
			t.Errorf("%s %s %q: %s (%s), want %s (%s)", c.tool, c.kind, c.value, in.Status, in.Reason, c.status, c.reason)
		}
	}
	// Every catalog tool is assessed; tools with no trusted indicator get
	// no rule.
	cat, _ := catalog.Load()
	if len(p.Tools) != cat.Len() {
		t.Errorf("%d assessments for %d tools", len(p.Tools), cat.Len())
	}
	rules := map[string]int{}
	for _, r := range p.Rules {
		rules[r.Tool]++
		if r.Origin == OriginCatalog && r.ID != RuleID(r.Tool, r.Variant) {
			t.Errorf("%s: id %s is not the stable id", r.Name, r.ID)
		}
	}
	if rules["mstsc.exe (Microsoft Remote Desktop Connection)"] != 0 {
		t.Error("mstsc.exe, whose indicators are all Windows', has rules")
	}
	if rules["AnyDesk"] != 3 || rules[AllTools] != 1 {
		t.Errorf("AnyDesk has %d rules, All Tools %d", rules["AnyDesk"], rules[AllTools])
	}
}
