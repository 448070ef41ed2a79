package hunt_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/engine"
	"github.com/rmmhunt/rmmhunt/gen"
	"github.com/rmmhunt/rmmhunt/hunt"
	"github.com/rmmhunt/rmmhunt/ingest"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/rules"
)

// TestExamplesMatchTruth runs the example rules over the bundled synthetic
// fleet and checks every single-tool rule's findings against truth.json:
// each install inside the window is found with its exact FirstSeen,
// LastSeen, Report set and Count, and nothing else is found (no decoy).
func TestExamplesMatchTruth(t *testing.T) {
	truth, err := gen.ReadTruth("../examples/data/truth.json")
	if err != nil {
		t.Fatal(err)
	}
	res, err := ingest.Load([]string{"../examples/data"}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rejected != 0 || res.Read != res.Stored {
		t.Fatalf("read %d stored %d rejected %d", res.Read, res.Stored, res.Rejected)
	}
	rs, diags, err := rules.Load("../examples/rules")
	if err != nil || diags.HasErrors() {
		t.Fatalf("rules: %v %v", err, diags.Err())
	}
	now := types.TimeFromTicks(int64(truth.ReferenceTime))
	out := hunt.Run(context.Background(), rs, engine.NewMemSource(res.Tables), now)
	if f := out.Failed(); len(f) > 0 {
		t.Fatalf("rule failed: %v", f[0].Err)
	}
	// Rule name fragment → (tool, variant) in the truth.
	cases := map[string][2]string{
		"TacticalRMM - File Signature": {"TacticalRMM", gen.VariantFileSignature},
		"NinjaRMM - File Signature":    {"NinjaRMM", gen.VariantFileSignature},
		"AnyDesk - Create Process":     {"AnyDesk", gen.VariantCreateProcess},
		"AnyDesk - Network Connection": {"AnyDesk", gen.VariantNetwork},
	}
	checked := 0
	for _, rr := range out.Rules {
		var tv [2]string
		found := false
		for frag, v := range cases {
			if strings.Contains(rr.Rule.Name, frag) {
				tv, found = v, true
			}
		}
		if !found {
			continue
		}
		checked++
		var want []string
		for _, in := range truth.Installs {
			if in.Tool == tv[0] && in.Variant == tv[1] && in.InWindow {
				ids := append([]int64(nil), in.ReportIDs...)
				want = append(want, fmt.Sprintf("%s %s %s %v %d", in.DeviceID,
					types.FormatDatetime(int64(*in.FirstSeen)), types.FormatDatetime(int64(*in.LastSeen)), sorted(ids), in.Count))
			}
		}
		var got []string
		for _, f := range rr.Findings {
			v := func(name string) types.Value { return f.Row[f.Schema.Index(name)] }
			var ids []int64
			for _, x := range v("Report").D.([]any) {
				ids = append(ids, x.(int64))
			}
			got = append(got, fmt.Sprintf("%s %s %s %v %d", v("DeviceId").S,
				v("FirstSeen").String(), v("LastSeen").String(), sorted(ids), v("Count").I))
		}
		sort.Strings(want)
		sort.Strings(got)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s:\n got:\n  %s\n want (truth.json):\n  %s", rr.Rule.Name, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
		}
		if len(want) == 0 {
			t.Errorf("%s: the sample plants no install for it", rr.Rule.Name)
		}
	}
	if checked != len(cases) {
		t.Errorf("checked %d rules, want %d", checked, len(cases))
	}
}

func sorted(ids []int64) []int64 {
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}
