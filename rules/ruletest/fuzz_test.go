package ruletest

import "testing"

// FuzzParse checks that Parse never panics and that what it accepts
// writes back (YAML) to a file that parses to the same tests.
func FuzzParse(f *testing.F) {
	f.Add([]byte("name: x\nrule: r\nnow: 2026-11-20T12:00:00Z\nexpect: none\n"))
	f.Add([]byte("tests:\n  - name: x\n    rule: r\n    now: 2026-11-20T12:00:00Z" + rows + "    expect:\n      - {DeviceId: d1, Report: [1, 2], Count: 2}\n"))
	f.Add([]byte("rule: x\nnow: 2026-11-20T12:00:00Z\ndata: [a.json, b.csv]\nexpect: []\n"))
	f.Add([]byte("tests: [{rule: a, now: '2026-11-20', expect: none, rows: {T: [{a: null, b: 1.5, c: true, d: [x, 2]}]}}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("f.yaml", data)
		if err != nil {
			return
		}
		out := file.YAML("")
		again, err := Parse("f.yaml", out)
		if err != nil {
			t.Fatalf("written file does not parse: %v\n%s", err, out)
		}
		if string(again.YAML("")) != string(out) {
			t.Fatalf("round trip differs:\n%s\n---\n%s", out, again.YAML(""))
		}
	})
}
