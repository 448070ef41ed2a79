package catalog

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func load(t *testing.T) *Catalog {
	t.Helper()
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestLoadCounts(t *testing.T) {
	c := load(t)
	var meta struct {
		Counts struct {
			ToolsTotal            int `json:"tools_total"`
			ToolsFromJischell     int `json:"tools_from_jischell"`
			ToolsWithSigner       int `json:"tools_with_signer"`
			ToolsWithJischellTerm int `json:"tools_with_jischell_signer_term"`
			ToolsWithDomain       int `json:"tools_with_domain"`
		} `json:"counts"`
	}
	if err := json.Unmarshal(metaJSON, &meta); err != nil {
		t.Fatal(err)
	}
	var jis, signer, term, domain int
	for _, tool := range c.Tools() {
		if tool.InJischell {
			jis++
		}
		if len(tool.Signers) > 0 {
			signer++
		}
		if len(tool.SignerTerms) > 0 {
			term++
		}
		if len(tool.Domains) > 0 {
			domain++
		}
	}
	for _, tc := range []struct {
		name      string
		got, want int
	}{
		{"tools", c.Len(), meta.Counts.ToolsTotal},
		{"Tools()", len(c.Tools()), meta.Counts.ToolsTotal},
		{"in jischell", jis, meta.Counts.ToolsFromJischell},
		{"with signer", signer, meta.Counts.ToolsWithSigner},
		{"with jischell signer term", term, meta.Counts.ToolsWithJischellTerm},
		{"with domain", domain, meta.Counts.ToolsWithDomain},
	} {
		if tc.got != tc.want || tc.want == 0 {
			t.Errorf("%s: got %d, want %d (from meta)", tc.name, tc.got, tc.want)
		}
	}
	if len(c.Sources()) != 2 {
		t.Errorf("Sources: got %d, want 2", len(c.Sources()))
	}
	for _, s := range c.Sources() {
		if s.Repo == "" || len(s.Commit) != 40 || s.License == "" {
			t.Errorf("incomplete source %+v", s)
		}
	}
}

func TestLookup(t *testing.T) {
	c := load(t)
	for _, tc := range []struct {
		query string
		want  string // "" = not found
	}{
		{"TacticalRMM", "TacticalRMM"},
		{"tacticalrmm", "TacticalRMM"},
		{"Tactical RMM", "TacticalRMM"}, // alias
		{"  NINJARMM ", "NinjaRMM"},
		{"NinjaOne (formerly NinjaRMM)", "NinjaRMM"},
		{"anydesk", "AnyDesk"},
		{"ScreenConnect", "ConnectWise"},
		{"no such tool", ""},
		{"", ""},
	} {
		tool, ok := c.Lookup(tc.query)
		switch {
		case tc.want == "" && ok:
			t.Errorf("Lookup(%q) = %q, want not found", tc.query, tool.Name)
		case tc.want != "" && !ok:
			t.Errorf("Lookup(%q) not found, want %q", tc.query, tc.want)
		case ok && tool.Name != tc.want:
			t.Errorf("Lookup(%q) = %q, want %q", tc.query, tool.Name, tc.want)
		}
	}
}

func TestToolFacts(t *testing.T) {
	c := load(t)
	for _, tc := range []struct {
		tool        string
		signerTerms []string
		company     []string
		product     []string
		url         []string
		detections  []string
		category    string
	}{
		{"TacticalRMM", []string{"AmidaWare", "Tactical Techs"}, []string{"AmidaWare", "Tactical Techs"}, []string{"Tactical RMM"}, []string{"tacticalrmm.io"}, []string{"createproc", "filesig", "netconn"}, "RMM"},
		{"NinjaRMM", []string{"NinjaRMM"}, []string{"Ninja MSP", "NinjaRMM"}, []string{"NinjaRMM"}, []string{"ninjarmm.com"}, []string{"createproc", "filesig", "netconn"}, "RMM"},
		{"AnyDesk", []string{"anydesk software", "philandro software"}, []string{"anydesk software", "philandro software"}, []string{"AnyDesk", "anydesk"}, []string{"anydesk.com", "api.playanext.com"}, []string{"createproc", "filesig", "netconn"}, "RMM"},
		{"TSPlus", []string{"JWTS", "Remote Access World", "TSplus"}, []string{"JWTS", "REmote Access World", "TSplus"}, nil, []string{"licenseapi.dl-files.com", "monitoring.tsplus.net", "secure-download-file.com", "securityapi.dl-files.com", "tsplus-remotesupport.com"}, nil, ""},
	} {
		tool, ok := c.Lookup(tc.tool)
		if !ok {
			t.Errorf("%s: not found", tc.tool)
			continue
		}
		for _, f := range []struct {
			field     string
			got, want []string
		}{
			{"SignerTerms", tool.SignerTerms, tc.signerTerms},
			{"PECompanyTerms", tool.PECompanyTerms, tc.company},
			{"PEProductTerms", tool.PEProductTerms, tc.product},
			{"RemoteURLTerms", tool.RemoteURLTerms, tc.url},
			{"Detections", tool.Detections, tc.detections},
		} {
			if !slices.Equal(f.got, f.want) {
				t.Errorf("%s.%s = %q, want %q", tc.tool, f.field, f.got, f.want)
			}
		}
		if tool.Category != tc.category {
			t.Errorf("%s.Category = %q, want %q", tc.tool, tool.Category, tc.category)
		}
		if !tool.InJischell {
			t.Errorf("%s: InJischell = false", tc.tool)
		}
	}

	tr, _ := c.Lookup("TacticalRMM")
	if got := tr.FieldSources.Signers["AmidaWare"]; len(got) != 1 || !strings.HasPrefix(got[0], "jischell:") {
		t.Errorf("TacticalRMM signer AmidaWare sources = %q", got)
	}
	if len(tr.SignersListedForOtherTools) != 1 || tr.SignersListedForOtherTools[0].Signer != "Christopher West" ||
		!slices.Equal(tr.SignersListedForOtherTools[0].AlsoListedFor, []string{"PuTTY Tray"}) {
		t.Errorf("TacticalRMM SignersListedForOtherTools = %+v", tr.SignersListedForOtherTools)
	}
	if !tr.HasDetection(DetectionFileSignature) || tr.HasDetection("other") {
		t.Errorf("TacticalRMM HasDetection wrong")
	}
	ad, _ := c.Lookup("AnyDesk")
	if !slices.Contains(ad.DomainPatterns, "relay-[a-f0-9]{8}.net.anydesk.com") {
		t.Errorf("AnyDesk DomainPatterns = %q", ad.DomainPatterns)
	}
	abs, _ := c.Lookup("Absolute (Computrace)")
	if abs.InJischell || len(abs.SignerTerms) != 0 || abs.Detections != nil {
		t.Errorf("LOLRMM-only tool carries jischell facts: %+v", abs)
	}
}

// TestEveryFieldValueHasSource checks the provenance promise: each signer,
// process and domain has at least one recorded source field.
func TestEveryFieldValueHasSource(t *testing.T) {
	c := load(t)
	for _, tool := range c.Tools() {
		for _, f := range []struct {
			field  string
			values []string
			src    map[string][]string
		}{
			{"signers", tool.Signers, tool.FieldSources.Signers},
			{"processes", tool.Processes, tool.FieldSources.Processes},
			{"domains", tool.Domains, tool.FieldSources.Domains},
		} {
			for _, v := range f.values {
				if len(f.src[v]) == 0 {
					t.Errorf("%s: %s value %q has no source", tool.Name, f.field, v)
				}
			}
		}
		if len(tool.Sources) == 0 {
			t.Errorf("%s: no source URL", tool.Name)
		}
	}
}

func TestToolsSortedAndIndependent(t *testing.T) {
	c := load(t)
	tools := c.Tools()
	for i := 1; i < len(tools); i++ {
		if strings.ToLower(tools[i-1].Name) > strings.ToLower(tools[i].Name) {
			t.Errorf("not sorted: %q before %q", tools[i-1].Name, tools[i].Name)
		}
	}
	tools[0] = nil
	if c.Tools()[0] == nil {
		t.Error("Tools() exposes the catalog's own slice")
	}
}

func TestCategory(t *testing.T) {
	for _, tc := range []struct {
		raw, want string
		err       bool
	}{
		{``, "", false},
		{`null`, "", false},
		{`"RAT"`, "RAT", false},
		{`["RMM","RAT"]`, "RMM/RAT", false},
		{`3`, "", true},
	} {
		got, err := category(json.RawMessage(tc.raw))
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("category(%s) = %q, %v; want %q, err %v", tc.raw, got, err, tc.want, tc.err)
		}
	}
}
