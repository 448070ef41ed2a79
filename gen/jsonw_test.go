package gen

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

func TestAppendDatetime(t *testing.T) {
	for _, tc := range []time.Time{
		time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 15, 11, 59, 59, 999999900, time.UTC),
		time.Date(2024, 2, 29, 23, 59, 59, 100, time.UTC),
		time.Date(2000, 3, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 999999900, time.UTC),
		time.Date(1601, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999900, time.UTC),
	} {
		ticks := types.TicksFromTime(tc)
		if got, want := string(appendDatetime(nil, ticks)), types.FormatDatetime(ticks); got != want {
			t.Errorf("appendDatetime(%v) = %s, want %s", tc, got, want)
		}
	}
}

func TestAppendString(t *testing.T) {
	for _, s := range []string{
		"", "plain", `C:\Windows\System32\svchost.exe`, `"quoted" \ back`, "tab\tnew\nline\rcr",
		"ctl\x00\x01\x1f", "Microsoft® Windows®", "上海贝锐信息科技股份有限公司", "Krämer IT Solutions GmbH",
		"bad\xffutf8", "<html>&amp;</html>", "\u2028",
	} {
		b := appendString(nil, s)
		var got string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Errorf("appendString(%q) = %s: %v", s, b, err)
			continue
		}
		want := string([]rune(s)) // invalid UTF-8 becomes U+FFFD
		if got != want {
			t.Errorf("appendString(%q) round-trips to %q", s, got)
		}
	}
}

func TestStrUser(t *testing.T) {
	for _, tc := range []struct{ in, user, want string }{
		{`C:\Users\%u\AppData`, "jdoe", `"C:\\Users\\jdoe\\AppData"`},
		{`%u and %u`, "x", `"x and x"`},
		{`no placeholder`, "x", `"no placeholder"`},
		{``, "x", `null`},
		{`100%`, "x", `"100%"`},
	} {
		o := obj{}
		o.open()
		o.strUser("k", tc.in, tc.user)
		o.close()
		if got := string(o.b); got != `{"k":`+tc.want+`}` {
			t.Errorf("strUser(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestDatetimeJSON(t *testing.T) {
	d := Datetime(types.TicksFromTime(time.Date(2026, 11, 20, 12, 0, 0, 1200, time.UTC)))
	b, err := json.Marshal(struct{ T Datetime }{d})
	if err != nil || string(b) != `{"T":"2026-11-20T12:00:00.0000012Z"}` {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
	var back struct{ T Datetime }
	if err := json.Unmarshal(b, &back); err != nil || back.T != d {
		t.Fatalf("Unmarshal = %v, %v", back.T, err)
	}
	if err := json.Unmarshal([]byte(`{"T":"yesterday"}`), &back); err == nil {
		t.Error("bad datetime accepted")
	}
}

func TestReadTruth(t *testing.T) {
	dir := t.TempDir()
	want, err := Generate(Options{Devices: 3, Days: 2, Seed: 5, OutDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadTruth(filepath.Join(dir, TruthFile))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Installs) != len(want.Installs) || got.ReferenceTime != want.ReferenceTime || got.TenantID != want.TenantID {
		t.Errorf("ReadTruth differs from Generate's truth")
	}
	for _, in := range got.Installs {
		if in.Scenario != ScenarioRecent || !in.InWindow {
			t.Errorf("2-day data: install %s/%s is %s, in_window=%v", in.Tool, in.Variant, in.Scenario, in.InWindow)
		}
	}
	for i, in := range got.Installs {
		if !slices.Equal(in.ReportIDs, want.Installs[i].ReportIDs) {
			t.Fatalf("report ids changed in the round trip: %v, want %v", in.ReportIDs, want.Installs[i].ReportIDs)
		}
	}
}

func TestPoisson(t *testing.T) {
	r := newTestRand()
	for _, mean := range []float64{0, 0.5, 3, 12, 45} {
		const n = 20000
		sum := 0
		for i := 0; i < n; i++ {
			sum += poisson(r, mean)
		}
		if got := float64(sum) / n; math.Abs(got-mean) > 0.05*mean+0.02 {
			t.Errorf("poisson mean %v: sample mean %.3f", mean, got)
		}
	}
}

func newTestRand() *rand.Rand { return rand.New(rand.NewPCG(1, 2)) }
