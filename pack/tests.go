package pack

import (
	"fmt"
	"hash/fnv"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/rmmhunt/rmmhunt/engine"
	"github.com/rmmhunt/rmmhunt/rules/ruletest"
)

// TestNow is the reference time of the generated detection tests.
var TestNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// Row times of the generated tests: two rows inside the rules' five-day
// window and one before it.
var (
	testFirst = TestNow.Add(-26 * time.Hour)
	testLast  = TestNow.Add(-3 * time.Hour)
	testOld   = TestNow.Add(-6 * 24 * time.Hour)
)

const (
	// maxWitnesses caps the positive devices of one rule's test.
	maxWitnesses = 40
	// maxDecoys caps the decoy devices of one rule's test.
	maxDecoys   = 40
	testAccount = "helpdesk@contoso.example"
)

// TestFile is a generated detection test file.
type TestFile struct {
	// FileName is the file's name in the pack's tests directory.
	FileName string
	File     *ruletest.File
}

// YAML returns the file's text.
func (tf *TestFile) YAML() []byte { return tf.File.YAML(header) }

// Tests generates the detection tests of the pack: for every rule, a test
// whose devices each match the rule through a different indicator (two
// rows inside the window, one before it), and a test of decoys that must
// not match: values that contain an indicator only as part of a longer
// term ("NinjaRMMAgent Ltd", "notanydesk.com") or split a phrase
// ("Tactical Decoy Techs"). One file per tool, plus one for All Tools.
func (p *Pack) Tests() ([]*TestFile, error) {
	byTool := map[string]*TestFile{}
	var out []*TestFile
	for _, r := range p.Rules {
		tf := byTool[r.Tool]
		if tf == nil {
			tf = &TestFile{FileName: Slug(r.Tool) + ".yaml", File: &ruletest.File{}}
			byTool[r.Tool] = tf
			out = append(out, tf)
		}
		tests, err := ruleTests(r)
		if err != nil {
			return nil, fmt.Errorf("pack: tests of %s: %w", r.Name, err)
		}
		tf.File.Tests = append(tf.File.Tests, tests...)
	}
	return out, nil
}

// witness is one assignment of column values that satisfies a predicate.
type witness map[string]string

func (w witness) key() string {
	keys := make([]string, 0, len(w))
	for k := range w {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + "=" + w[k] + "\x00")
	}
	return b.String()
}

// refValue is the SHA1 the generated tests give files in a tabular let's
// set.
const refValue = "5f1e0c7b9a2d4e6f8a0b1c2d3e4f5a6b7c8d9e0f"

// ruleTests builds the positive and the decoy test of a rule.
func ruleTests(r *Rule) ([]*ruletest.Test, error) {
	pred := r.Where
	if r.Tool == AllTools {
		pred = allToolsPred(r)
	}
	ws := witnesses(pred)
	var good []witness
	seen := map[string]bool{}
	for _, w := range ws {
		if seen[w.key()] || !evalPred(pred, w) {
			continue
		}
		seen[w.key()] = true
		good = append(good, w)
		if len(good) == maxWitnesses {
			break
		}
	}
	if len(good) == 0 {
		return nil, fmt.Errorf("no row satisfies %s", pred.KQL())
	}
	pos := &ruletest.Test{
		Name: r.Name + ": every indicator matches, inside the window only",
		Rule: r.ID, Now: TestNow,
	}
	rows := map[string][]ruletest.Row{}
	var tables []string
	addRow := func(table string, row ruletest.Row) {
		if _, ok := rows[table]; !ok {
			tables = append(tables, table)
		}
		rows[table] = append(rows[table], row)
	}
	report := int64(1000)
	for i, w := range good {
		dev, name := deviceID(r.ID, "p", i), fmt.Sprintf("pos-%02d", i+1)
		var ids []any
		for _, at := range []time.Time{testOld, testFirst, testLast} {
			report++
			addRow(r.Table, r.testRow(at, dev, name, report, w))
			if at != testOld {
				ids = append(ids, report)
			}
		}
		exp := ruletest.Row{{Column: "DeviceId", Value: dev}, {Column: "Count", Value: int64(2)},
			{Column: "FirstSeen", Value: stamp(testFirst)}, {Column: "LastSeen", Value: stamp(testLast)},
			{Column: "Report", Value: ids}}
		if r.Tool == AllTools {
			exp = append(exp, ruletest.Field{Column: "RemoteUrl", Value: hostOf(w["RemoteUrl"])})
		}
		pos.Expect = append(pos.Expect, exp)
	}
	for _, l := range r.Lets {
		// Files of the let's set: one certificate row per positive device.
		lw := witnesses(l.Where)
		if len(lw) == 0 {
			return nil, fmt.Errorf("no row satisfies let %s", l.Name)
		}
		for i := range good {
			report++
			row := ruletest.Row{{Column: "Timestamp", Value: stamp(testFirst)}, {Column: "DeviceId", Value: deviceID(r.ID, "p", i)},
				{Column: "DeviceName", Value: fmt.Sprintf("pos-%02d", i+1)}, {Column: "ReportId", Value: report},
				{Column: columnSpelling(l.Distinct), Value: refValue}}
			for _, c := range sortedKeys(lw[0]) {
				row = append(row, ruletest.Field{Column: c, Value: lw[0][c]})
			}
			addRow(l.Table, row)
		}
	}
	for _, t := range tables {
		pos.Rows = append(pos.Rows, ruletest.TableRows{Table: t, Rows: rows[t]})
	}
	out := []*ruletest.Test{pos}

	// Decoys.
	decoys := decoyWitnesses(pred, good)
	if len(decoys) > 0 {
		neg := &ruletest.Test{
			Name: r.Name + ": decoys (an indicator inside a longer term, a split phrase) do not match",
			Rule: r.ID, Now: TestNow, None: true,
		}
		var drows []ruletest.Row
		for i, d := range decoys {
			report++
			drows = append(drows, r.testRow(testLast, deviceID(r.ID, "d", i), fmt.Sprintf("decoy-%02d", i+1), report, d))
		}
		neg.Rows = []ruletest.TableRows{{Table: r.Table, Rows: drows}}
		out = append(out, neg)
	}
	return out, nil
}

// allToolsPred is the All Tools rule's predicate as facts: RemoteUrl
// has_any of its datatable's URIs.
func allToolsPred(r *Rule) *Pred {
	// One witness per tool: the tool's first URI.
	var terms []string
	seen := map[string]bool{}
	for _, row := range r.Rows {
		if !seen[row.Tool] {
			seen[row.Tool] = true
			terms = append(terms, row.URI)
		}
	}
	return Atom("RemoteUrl", "has_any", terms...)
}

// testRow builds one input row: the device columns, the witness's values
// and the other summarize keys.
func (r *Rule) testRow(at time.Time, dev, name string, report int64, w witness) ruletest.Row {
	row := ruletest.Row{{Column: "Timestamp", Value: stamp(at)}, {Column: "DeviceId", Value: dev},
		{Column: "DeviceName", Value: name}, {Column: "ReportId", Value: report}}
	for _, c := range sortedKeys(w) {
		row = append(row, ruletest.Field{Column: c, Value: w[c]})
	}
	for _, k := range r.SummarizeBy {
		if _, ok := w[k]; ok || k == "DeviceId" || k == "DeviceName" {
			continue
		}
		switch k {
		case "AccountUpn", "InitiatingProcessAccountUpn":
			row = append(row, ruletest.Field{Column: k, Value: testAccount})
		case "RemoteUrl":
			row = append(row, ruletest.Field{Column: k, Value: "https://portal.contoso.example/"})
		case "InitiatingProcessFileName":
			row = append(row, ruletest.Field{Column: k, Value: "client.exe"})
		}
	}
	return row
}

func sortedKeys(w witness) []string {
	keys := make([]string, 0, len(w))
	for k := range w {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// deviceID returns a stable 40-hex-digit device id, like Defender's.
func deviceID(ruleID, kind string, i int) string {
	h := fnv.New128a()
	fmt.Fprintf(h, "%s/%s/%d", ruleID, kind, i)
	s := fmt.Sprintf("%x", h.Sum(nil))
	return (s + s)[:40]
}

// hostOf returns the host of a test URL as the All Tools rule reduces it.
func hostOf(u string) string {
	u = strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
	if i := strings.IndexByte(u, '/'); i >= 0 {
		u = u[:i]
	}
	if i := strings.IndexByte(u, ':'); i >= 0 {
		u = u[:i]
	}
	return u
}

// witnesses returns assignments that satisfy p, one per term of each atom
// (with the first witness of the other operands of an "and").
func witnesses(p *Pred) []witness {
	switch p.Op {
	case OpOr:
		var out []witness
		for _, a := range p.Args {
			out = append(out, witnesses(a)...)
		}
		return out
	case OpAnd:
		parts := make([][]witness, len(p.Args))
		for i, a := range p.Args {
			parts[i] = witnesses(a)
			if len(parts[i]) == 0 {
				return nil
			}
		}
		var out []witness
		for i := range parts {
			for _, w := range parts[i] {
				m := witness{}
				ok := true
				for j := range parts {
					src := parts[j][0]
					if j == i {
						src = w
					}
					for k, v := range src {
						if old, dup := m[k]; dup && old != v {
							ok = false
						}
						m[k] = v
					}
				}
				if ok {
					out = append(out, m)
				}
			}
		}
		return out
	}
	return atomWitnesses(p)
}

func atomWitnesses(p *Pred) []witness {
	col := p.Column
	switch op := strings.ToLower(p.Op); {
	case p.Ref != "":
		return []witness{{col: refValue}}
	case op == "isempty" || op == "isnull":
		return []witness{{col: ""}}
	case op == "isnotempty" || op == "isnotnull":
		return []witness{{col: "present"}}
	case op == "has_all":
		return []witness{{col: embed(col, strings.Join(p.Terms, " "))}}
	default:
		var out []witness
		for _, t := range p.Terms {
			out = append(out, witness{col: synth(op, col, t)})
		}
		return out
	}
}

// synth returns a value of column that satisfies `column op term`.
func synth(op, col, term string) string {
	switch op {
	case "has", "has_any", "has_cs":
		return embed(col, term)
	case "startswith", "startswith_cs", "hasprefix":
		return term + "-agent.exe"
	case "endswith", "endswith_cs", "hassuffix":
		return "x-" + term
	case "contains", "contains_cs":
		return "x" + term + "x"
	case "=~", "in~":
		return flipCase(term)
	}
	return term
}

// embed places a has term in a realistic value of its column.
func embed(col, term string) string {
	switch {
	case col == "RemoteUrl" && strings.Contains(term, "."):
		return "https://" + term + ":443/agent"
	case col == "FolderPath":
		return "C:" + strings.TrimSuffix(term, `\`) + `\agent.exe`
	}
	return term
}

// flipCase swaps the case of every letter (to test case-insensitive
// equality).
func flipCase(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsUpper(r):
			return unicode.ToLower(r)
		case unicode.IsLower(r):
			return unicode.ToUpper(r)
		}
		return r
	}, s)
}

// decoyWitnesses turns positive witnesses into near misses: each has
// atom's value replaced by the term glued to a longer word on either side,
// or a multi-term phrase split by another word. Only decoys that the
// predicate rejects are kept.
func decoyWitnesses(p *Pred, good []witness) []witness {
	var out []witness
	seen := map[string]bool{}
	for _, at := range p.Atoms() {
		op := strings.ToLower(at.Op)
		if op != "has" && op != "has_any" && op != "in~" && op != "=~" || at.Ref != "" {
			continue
		}
		for ti, term := range at.Terms {
			if ti >= 4 {
				break
			}
			want := embed(at.Column, term)
			values := decoyValues(at.Column, term)
			if op == "in~" || op == "=~" {
				want, values = flipCase(term), []string{"Not" + term}
			}
			base := baseWitness(good, at.Column, want)
			if base == nil {
				continue
			}
			for _, dv := range values {
				d := witness{}
				for k, v := range base {
					d[k] = v
				}
				d[at.Column] = dv
				if seen[d.key()] || evalPred(p, d) {
					continue
				}
				seen[d.key()] = true
				out = append(out, d)
				if len(out) == maxDecoys {
					return out
				}
			}
		}
	}
	return out
}

// baseWitness returns the positive witness whose value of col is value.
func baseWitness(good []witness, col, value string) witness {
	for _, w := range good {
		if w[col] == value {
			return w
		}
	}
	return nil
}

// decoyValues returns near misses of a has term.
func decoyValues(col, term string) []string {
	var out []string
	first, _ := utf8.DecodeRuneInString(term)
	last, _ := utf8.DecodeLastRuneInString(term)
	domain := col == "RemoteUrl"
	if isTermRune(first) {
		if domain {
			out = append(out, embed(col, "not"+term))
		} else {
			out = append(out, "Not"+term)
		}
	}
	if isTermRune(last) {
		if domain {
			out = append(out, embed(col, term+"x.example"))
		} else {
			out = append(out, term+"Agent Ltd")
		}
	}
	if i := phraseSplit(term); i > 0 {
		if domain {
			out = append(out, embed(col, term[:i]+".decoy"+term[i:]))
		} else {
			out = append(out, term[:i]+" Decoy"+term[i:])
			// The phrase with its last term cut short ("Tactical Tech"
			// for "Tactical Techs").
			if _, size := utf8.DecodeLastRuneInString(term); isTermRune(last) && len(term)-size > i+2 {
				out = append(out, term[:len(term)-size])
			}
		}
	}
	return out
}

// phraseSplit returns the end of the first term of a multi-term phrase, or
// 0 when the phrase has one term.
func phraseSplit(s string) int {
	inTerm := false
	for i, r := range s {
		if isTermRune(r) {
			inTerm = true
			continue
		}
		if inTerm {
			rest := s[i:]
			if strings.IndexFunc(rest, isTermRune) > 0 {
				return i
			}
			return 0
		}
	}
	return 0
}

func isTermRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// evalPred evaluates p on a row (absent columns are null) with the
// engine's has semantics; a row that does not set a Ref atom's column
// fails it.
func evalPred(p *Pred, w witness) bool {
	switch p.Op {
	case OpAnd:
		for _, a := range p.Args {
			if !evalPred(a, w) {
				return false
			}
		}
		return true
	case OpOr:
		for _, a := range p.Args {
			if evalPred(a, w) {
				return true
			}
		}
		return false
	}
	v, set := w[p.Column]
	op := strings.ToLower(p.Op)
	switch {
	case op == "isempty" || op == "isnull":
		return !set || v == ""
	case op == "isnotempty" || op == "isnotnull":
		return set && v != ""
	case !set:
		return false
	case p.Ref != "":
		return v == refValue
	}
	any := func(f func(string) bool) bool {
		for _, t := range p.Terms {
			if f(t) {
				return true
			}
		}
		return false
	}
	switch op {
	case "has", "has_any":
		return any(func(t string) bool { return engine.HasTerm(v, t) })
	case "has_all":
		for _, t := range p.Terms {
			if !engine.HasTerm(v, t) {
				return false
			}
		}
		return true
	case "=~", "in~":
		return any(func(t string) bool { return strings.EqualFold(v, t) })
	case "==", "in":
		return any(func(t string) bool { return v == t })
	case "startswith":
		return any(func(t string) bool { return strings.HasPrefix(strings.ToLower(v), strings.ToLower(t)) })
	case "endswith":
		return any(func(t string) bool { return strings.HasSuffix(strings.ToLower(v), strings.ToLower(t)) })
	case "contains":
		return any(func(t string) bool { return strings.Contains(strings.ToLower(v), strings.ToLower(t)) })
	}
	return false
}
