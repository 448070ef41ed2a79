package rules

import "testing"

func TestToolVariant(t *testing.T) {
	cases := []struct {
		name          string
		tags          []string
		tool, variant string
	}{
		{"Remote Management and Monitoring tool - AnyDesk - File Signature", nil, "AnyDesk", "File Signature"},
		{"remote management and monitoring tool - parsec.app - network connection", nil, "parsec.app", "Network Connection"},
		{"Remote Management and Monitoring tool - All Tools - Network Connection", nil, "All Tools", "Network Connection"},
		{"Remote Management and Monitoring tool - Foo - Bar", nil, "Foo - Bar", ""},
		{"Some other rule", nil, "", ""},
		{"Some other rule", []string{"rmmhunt.tool: Atera", "rmmhunt.variant: Create Process"}, "Atera", "Create Process"},
		{"Remote Management and Monitoring tool - X - File Signature", []string{"Rmmhunt.Tool: Y"}, "Y", "File Signature"},
	}
	for _, c := range cases {
		r := &Rule{Name: c.name, Tags: c.tags}
		if got := r.Tool(); got != c.tool {
			t.Errorf("%q: Tool() = %q, want %q", c.name, got, c.tool)
		}
		if got := r.Variant(); got != c.variant {
			t.Errorf("%q: Variant() = %q, want %q", c.name, got, c.variant)
		}
	}
}

func TestTagValuesFromYAML(t *testing.T) {
	src := "id: 3a4d43d5-2326-467c-a22a-4f1f1f3e2890\nname: n\nquery: T\ntags:\n  - rmmhunt.tool: NinjaRMM\n  - rmmhunt.dropped: \"Signer 'x': benign\"\n  - rmmhunt.dropped: \"Signer 'y': shared\"\n  - plain\n"
	r, l := Parse("t.yaml", []byte(src))
	if l.HasErrors() {
		t.Fatal(l.Format())
	}
	if got := r.TagValues("rmmhunt.dropped"); len(got) != 2 || got[1] != "Signer 'y': shared" {
		t.Errorf("TagValues = %q", got)
	}
	if r.Tool() != "NinjaRMM" {
		t.Errorf("Tool() = %q", r.Tool())
	}
}
