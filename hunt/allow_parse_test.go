package hunt_test

import (
	"strings"
	"testing"
	"time"

	"github.com/rmmhunt/rmmhunt/hunt"
)

// TestParseAllowlistErrors checks that every defect of an allowlist is
// reported at its YAML line and column.
func TestParseAllowlistErrors(t *testing.T) {
	cases := []struct {
		name, yaml string
		want       []string // diagnostics, first line of each, in order
	}{
		{"not yaml", "allow:\n  - tool: [AnyDesk\n", []string{"a.yaml:2:1: error: did not find expected ',' or ']'"}},
		{"empty", "", []string{"a.yaml:1:1: error: the allowlist is empty: want a top-level `allow:` list"}},
		{"not a mapping", "- tool: AnyDesk\n", []string{`a.yaml:1:1: error: the allowlist must be a mapping with an ` + "`allow:`" + ` list, not a list`}},
		{"missing allow", "alow: []\n", []string{`a.yaml:1:1: error: unknown key "alow" (did you mean "allow"?); the keys are allow`}},
		{"allow not a list", "allow: AnyDesk\n", []string{`a.yaml:1:8: error: ` + "`allow`" + ` must be a list of entries, not "AnyDesk"`}},
		{"entry not a mapping", "allow:\n  - AnyDesk\n", []string{`a.yaml:2:5: error: entry 1 must be a mapping with at least ` + "`tool` and `reason`" + `, not "AnyDesk"`}},
		{"missing tool and reason", "allow:\n  - owner: me\n", []string{
			"a.yaml:2:5: error: entry 1 has no `tool`: name the tool it allows",
			"a.yaml:2:5: error: entry 1 has no `reason`: say why this use is sanctioned",
		}},
		{"unknown and duplicate keys", "allow:\n  - tool: AnyDesk\n    reason: r\n    owner: o\n    devises: [x]\n    owner: p\n", []string{
			`a.yaml:5:5: error: unknown key "devises" (did you mean "devices"?); the keys are account, devices, expires, folder_path, owner, reason, remote_url, sha1, signer, ticket, tool, variants, where`,
			`a.yaml:6:5: error: duplicate key "owner"`,
		}},
		{"unknown tool", "allow:\n  - tool: AnyDsk\n    reason: r\n    owner: o\n", []string{`a.yaml:2:11: error: unknown tool "AnyDsk" (did you mean "AnyDesk"?)`}},
		{"unknown tool, prefix", "allow:\n  - tool: Splash\n    reason: r\n    owner: o\n", []string{`a.yaml:2:11: error: unknown tool "Splash" (did you mean "Splashtop"?)`}},
		{"unknown tool, nothing close", "allow:\n  - tool: Qqqqqqqqqqqqq\n    reason: r\n    owner: o\n", []string{"a.yaml:2:11: error: unknown tool \"Qqqqqqqqqqqqq\"; `rmmhunt catalog` lists the tools"}},
		{"tool is a list", "allow:\n  - tool: [AnyDesk]\n    reason: r\n    owner: o\n", []string{`a.yaml:2:11: error: tool must be a single value (the tool's catalog name or alias), not a list`}},
		{"empty list", "allow:\n  - tool: AnyDesk\n    devices: []\n    reason: r\n    owner: o\n", []string{"a.yaml:3:14: error: devices is an empty list: remove it or give DeviceName globs or DeviceIds"}},
		{"bad values", "allow:\n  - tool: AnyDesk\n    sha1: [abc]\n    variants: File Sig\n    expires: 30/06/2027\n    remote_url: 'https://'\n    reason: r\n    owner: o\n", []string{
			`a.yaml:3:12: error: sha1 "abc" is not 40 hexadecimal digits`,
			`a.yaml:4:15: error: unknown variant "File Sig"; the variants are "File Signature", "Create Process" and "Network Connection"`,
			`a.yaml:5:14: error: expires "30/06/2027": not a date (want YYYY-MM-DD, e.g. 2027-06-30, or an RFC 3339 time)`,
			`a.yaml:6:17: error: remote_url "https://" has no host name`,
		}},
		{"missing owner", "allow:\n  - tool: AnyDesk\n    reason: r\n", []string{"a.yaml:2:5: warning: entry 1 has no `owner`"}},
		{"where syntax", "allow:\n  - tool: AnyDesk\n    where: process.name ==\n    reason: r\n    owner: o\n", []string{"a.yaml:3:27: error: expected expression but found end of query"}},
		{"where not bool", "allow:\n  - tool: AnyDesk\n    where: process.name\n    reason: r\n    owner: o\n", []string{"a.yaml:3:12: error: where needs a bool predicate, but this is string"}},
		{"where unknown field", "allow:\n  - tool: AnyDesk\n    where: file.nme == 'x'\n    reason: r\n    owner: o\n", []string{"a.yaml:3:12: error: unknown field file.nme (did you mean file.name?); file fields are file.hash, file.name, file.path, file.sha1, file.signer"}},
		{"where unknown column", "allow:\n  - tool: AnyDesk\n    where: 'ProcesCommandLine has \"x\"'\n    reason: r\n    owner: o\n", []string{`a.yaml:3:13: error: unknown column or name ProcesCommandLine (did you mean "ProcessCommandLine"?)`}},
		{"where reads no table", "allow:\n  - tool: AnyDesk\n    where: FileName in (DeviceProcessEvents | project FileName)\n    reason: r\n    owner: o\n", []string{"a.yaml:3:25: error: unknown table or name DeviceProcessEvents"}},
		{"where literal block", "allow:\n  - tool: AnyDesk\n    where: |\n      process.name == 'AnyDesk.exe'\n        and process.usr == 'x'\n    reason: r\n    owner: o\n", []string{"a.yaml:5:13: error: unknown field process.usr (did you mean process.user?)"}},
		{"where with escapes", "allow:\n  - tool: AnyDesk\n    where: \"process.name == \\\"a\\\" and proces.x\"\n    reason: r\n    owner: o\n", []string{"a.yaml:3:39: error: unknown column or name proces"}},
		{"single quotes", "allow:\n  - tool: AnyDesk\n    where: 'FileName == ''a'' and proces.x'\n    reason: r\n    owner: o\n", []string{"a.yaml:3:35: error: unknown column or name proces"}},
		{"unicode escape", "allow:\n  - tool: AnyDesk\n    where: \"FileName == \\\"\\u00e9\\\" and proces.x\"\n    reason: r\n    owner: o\n", []string{"a.yaml:3:40: error: unknown column or name proces"}},
		{"folded", "allow:\n  - tool: AnyDesk\n    where: >\n      FileName == 'a'\n      and proces.x\n    reason: r\n    owner: o\n", []string{"a.yaml:5:11: error: unknown column or name proces"}},
		{"multi-line plain", "allow:\n  - tool: AnyDesk\n    where: FileName == 'a'\n      and proces.x\n    reason: r\n    owner: o\n", []string{"a.yaml:4:11: error: unknown column or name proces"}},
		{"crlf", "allow:\r\n  - tool: AnyDesk\r\n    where: process.nam == 'x'\r\n    reason: r\r\n    owner: o\r\n", []string{"a.yaml:3:12: error: unknown field process.nam (did you mean process.name?)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, d := hunt.ParseAllowlist("a.yaml", []byte(c.yaml))
			var got []string
			for _, line := range strings.Split(d.Format(), "\n") {
				if strings.HasPrefix(line, "a.yaml") {
					got = append(got, line)
				}
			}
			if len(got) != len(c.want) {
				t.Fatalf("got:\n%s\nwant:\n%s", d.Format(), strings.Join(c.want, "\n"))
			}
			for i := range got {
				if !strings.HasPrefix(got[i], c.want[i]) {
					t.Errorf("got:\n  %s\nwant prefix:\n  %s", got[i], c.want[i])
				}
			}
		})
	}
}

// TestParseAllowlistCaret checks that a predicate error is printed under
// the YAML line, caret on the offending name.
func TestParseAllowlistCaret(t *testing.T) {
	_, d := hunt.ParseAllowlist("a.yaml", []byte("allow:\n  - tool: AnyDesk\n    where: |\n      process.name == 'x'\n        or process.comand_line has 'y'\n    reason: r\n    owner: o\n"))
	want := "a.yaml:5:12: error: unknown field process.comand_line (did you mean process.command_line?); " +
		"process fields are process.command_line, process.hash, process.name, process.parent_command_line, process.parent_name, " +
		"process.parent_path, process.parent_process_name, process.path, process.sha1, process.signer, process.user, process.user_domain, process.user_upn\n" +
		"            or process.comand_line has 'y'\n" +
		"               ^~~~~~~~~~~~~~~~~~~\n"
	if got := d.Format(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// TestParseAllowlistEntry checks the decoded fields of a valid entry.
func TestParseAllowlistEntry(t *testing.T) {
	a, d := hunt.ParseAllowlist("a.yaml", []byte(`allow:
  - tool: ninja rmm                # an alias
    variants: [create process, Network Connection]
    devices: [helpdesk-*, d-42]
    remote_url: [relay.example-corp.com]
    signer: NinjaRMM, LLC
    sha1: B3B3B3B3B3B3B3B3B3B3B3B3B3B3B3B3B3B3B3B3
    folder_path: 'C:\ProgramData\NinjaRMMAgent'
    account: 'NT AUTHORITY\SYSTEM'
    where: process.command_line contains "update"
    expires: 2027-06-30
    reason: agent updates
    owner: it-ops
    ticket: CHG-1234
`))
	if d.HasErrors() || len(d.Format()) > 0 {
		t.Fatalf("diagnostics:\n%s", d.Format())
	}
	if len(a.Entries) != 1 {
		t.Fatalf("%d entries", len(a.Entries))
	}
	e := a.Entries[0]
	check := func(what, got, want string) {
		if got != want {
			t.Errorf("%s = %q, want %q", what, got, want)
		}
	}
	check("Tool", e.Tool, "NinjaRMM")
	check("ToolAsWritten", e.ToolAsWritten, "ninja rmm")
	check("Variants", strings.Join(e.Variants, "|"), "Create Process|Network Connection")
	check("Devices", strings.Join(e.Devices, "|"), "helpdesk-*|d-42")
	check("RemoteURLs", strings.Join(e.RemoteURLs, "|"), "relay.example-corp.com")
	check("Signers", strings.Join(e.Signers, "|"), "NinjaRMM, LLC")
	check("SHA1s", strings.Join(e.SHA1s, "|"), "B3B3B3B3B3B3B3B3B3B3B3B3B3B3B3B3B3B3B3B3")
	check("FolderPaths", strings.Join(e.FolderPaths, "|"), `C:\ProgramData\NinjaRMMAgent`)
	check("Accounts", strings.Join(e.Accounts, "|"), `NT AUTHORITY\SYSTEM`)
	check("Where", e.Where, `process.command_line contains "update"`)
	check("Reason", e.Reason, "agent updates")
	check("Owner", e.Owner, "it-ops")
	check("Ticket", e.Ticket, "CHG-1234")
	check("Position", e.Position(a), "a.yaml:2:5")
	if want := time.Date(2027, 7, 1, 0, 0, 0, 0, time.UTC); !e.Expires.Equal(want) {
		t.Errorf("Expires = %v, want %v (the end of the date)", e.Expires, want)
	}
	if e.Expired(time.Date(2027, 6, 30, 23, 59, 59, 0, time.UTC)) || !e.Expired(time.Date(2027, 7, 1, 0, 0, 0, 0, time.UTC)) {
		t.Error("the entry must hold through its expires date and not after")
	}
}

// TestFieldAliasesMapToColumns checks that every dotted name maps to a
// column of the enriched row.
func TestFieldAliasesMapToColumns(t *testing.T) {
	s := hunt.EnrichedSchema()
	for k, v := range hunt.FieldAliases {
		if s.Index(v) < 0 {
			t.Errorf("%s maps to %s, which the enriched row lacks", k, v)
		}
	}
	for _, k := range []string{"process.name", "process.parent_process_name", "process.command_line", "process.user", "file.hash", "file.name"} {
		if _, ok := hunt.FieldAliases[k]; !ok {
			t.Errorf("%s, a name of the rules' notes, is not mapped", k)
		}
	}
}

// FuzzParseAllowlist checks that no input makes the parser panic.
func FuzzParseAllowlist(f *testing.F) {
	f.Add([]byte("allow:\n  - tool: AnyDesk\n    devices: [\"helpdesk-*\"]\n    remote_url: relay.example-corp.com\n    reason: r\n    owner: o\n    expires: 2027-06-30\n"))
	f.Add([]byte("allow:\n  - tool: TacticalRMM\n    where: process.parent_process_name == \"TacticalRMM.exe\" or process.name == \"TacticalRMM.exe\"\n    reason: r\n"))
	f.Add([]byte("allow:\n  - tool: NinjaRMM\n    where: |\n      process.name == 'x'\n        and file.hash == 'y'\n    reason: r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		hunt.ParseAllowlist("f.yaml", data)
	})
}
