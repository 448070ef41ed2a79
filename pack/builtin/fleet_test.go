package builtin_test

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
	"github.com/rmmhunt/rmmhunt/pack"
	"github.com/rmmhunt/rmmhunt/pack/builtin"
	"github.com/rmmhunt/rmmhunt/rules"
)

// fleets are the generated data sets the pack is measured on.
var fleets = []gen.Options{
	{Devices: 150, Days: 9, Seed: 1},
	{Devices: 90, Days: 7, Seed: 20261120},
	{Devices: 60, Days: 12, Seed: 4242},
	{Devices: 200, Days: 6, Seed: 77, RowsPerDeviceDay: 20},
}

// TestPackOnGeneratedFleets runs the whole pack over generated fleets and
// measures it against their truth.json:
//
//   - recall: every planted install inside the window (tool, variant,
//     device) is found by the pack's rule for that tool and variant, with
//     the exact Count, FirstSeen, LastSeen and Report ids;
//   - precision: every finding names a tool planted on that device inside
//     the window (All Tools findings by the tool owning the remote host),
//     and no finding carries a decoy's report id.
func TestPackOnGeneratedFleets(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and hunts several fleets")
	}
	rs, _, err := builtin.Rules()
	if err != nil {
		t.Fatal(err)
	}
	p, err := pack.Load()
	if err != nil {
		t.Fatal(err)
	}
	var rows []pack.AllToolsRow
	for _, r := range p.Rules {
		if r.Tool == pack.AllTools {
			rows = r.Rows
		}
	}
	var planted, found, findings, correct int
	for _, opts := range fleets {
		opts.OutDir = t.TempDir()
		truth, err := gen.Generate(opts)
		if err != nil {
			t.Fatal(err)
		}
		res, err := ingest.Load([]string{opts.OutDir}, ingest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		now := types.TimeFromTicks(int64(truth.ReferenceTime))
		out := hunt.Run(context.Background(), rs, engine.NewMemSource(res.Tables), now)
		if f := out.Failed(); len(f) > 0 {
			t.Fatalf("seed %d: rule %s failed: %v", opts.Seed, f[0].Rule.Name, f[0].Err)
		}
		s := score(t, opts.Seed, truth, out, rows)
		planted += s.planted
		found += s.found
		findings += s.findings
		correct += s.correct
	}
	recall := float64(found) / float64(planted)
	precision := float64(correct) / float64(findings)
	t.Logf("recall %d/%d = %.1f%%, precision %d/%d = %.1f%% over %d fleets, %d rules",
		found, planted, 100*recall, correct, findings, 100*precision, len(fleets), len(rs))
	if planted == 0 || findings == 0 {
		t.Fatal("nothing planted or nothing found")
	}
	if found != planted || correct != findings {
		t.Errorf("recall %.1f%%, precision %.1f%%; want 100%% and 100%%", 100*recall, 100*precision)
	}
}

type tally struct{ planted, found, findings, correct int }

func score(t *testing.T, seed int64, truth *gen.Truth, out *hunt.Result, rows []pack.AllToolsRow) tally {
	var s tally
	type key struct{ dev, tool, variant string }
	got := map[key][]string{}
	inWindow := map[[2]string]bool{}
	netInWindow := map[[2]string]bool{}
	for _, in := range truth.Installs {
		if in.InWindow {
			inWindow[[2]string{in.DeviceID, in.Tool}] = true
			if in.Variant == gen.VariantNetwork {
				netInWindow[[2]string{in.DeviceID, in.Tool}] = true
			}
		}
	}
	decoys := map[int64]gen.Decoy{}
	for _, d := range truth.Decoys {
		decoys[d.ReportID] = d
	}
	for _, rr := range out.Rules {
		tool, variant := rr.Rule.Tool(), rr.Rule.Variant()
		for _, f := range rr.Findings {
			s.findings++
			dev := value(f, "DeviceId").S
			ids := reportIDs(f)
			ok := true
			for _, id := range ids {
				if d, bad := decoys[id]; bad {
					t.Errorf("seed %d: %s reports decoy %q (%s) on %s", seed, rr.Rule.Name, d.Value, d.Why, d.DeviceName)
					ok = false
				}
			}
			if tool == pack.AllTools {
				owners := hostOwners(rows, value(f, "RemoteUrl").S)
				hit := false
				for _, o := range owners {
					hit = hit || netInWindow[[2]string{dev, o}]
				}
				if !hit {
					t.Errorf("seed %d: All Tools finding on %s for %s (owners %v) matches no planted install",
						seed, value(f, "DeviceName").S, value(f, "RemoteUrl").S, owners)
					ok = false
				}
			} else if !inWindow[[2]string{dev, tool}] {
				t.Errorf("seed %d: %s found %s on %s, where it is not planted", seed, rr.Rule.Name, tool, value(f, "DeviceName").S)
				ok = false
			}
			if ok {
				s.correct++
			}
			if tool != pack.AllTools {
				got[key{dev, tool, variant}] = append(got[key{dev, tool, variant}], signature(f))
			}
		}
	}
	for _, in := range truth.Installs {
		if !in.InWindow {
			continue
		}
		s.planted++
		ids := append([]int64(nil), in.ReportIDs...)
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		want := fmt.Sprintf("%s %s %v %d", types.FormatDatetime(int64(*in.FirstSeen)), types.FormatDatetime(int64(*in.LastSeen)), ids, in.Count)
		matched := false
		for _, g := range got[key{in.DeviceID, in.Tool, in.Variant}] {
			matched = matched || g == want
		}
		if matched {
			s.found++
		} else {
			t.Errorf("seed %d: %s %s on %s not found: want %s, got %v", seed, in.Tool, in.Variant, in.DeviceName, want,
				got[key{in.DeviceID, in.Tool, in.Variant}])
		}
	}
	return s
}

func value(f hunt.Finding, col string) types.Value {
	if i := f.Schema.Index(col); i >= 0 {
		return f.Row[i]
	}
	return types.Value{Null: true}
}

func reportIDs(f hunt.Finding) []int64 {
	var ids []int64
	if arr, ok := value(f, "Report").D.([]any); ok {
		for _, x := range arr {
			if id, ok := x.(int64); ok {
				ids = append(ids, id)
			}
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

func signature(f hunt.Finding) string {
	return fmt.Sprintf("%s %s %v %d", value(f, "FirstSeen").String(), value(f, "LastSeen").String(), reportIDs(f), value(f, "Count").I)
}

// hostOwners returns the tools whose All Tools URI the host has.
func hostOwners(rows []pack.AllToolsRow, host string) []string {
	var out []string
	for _, r := range rows {
		if engine.HasTerm(host, r.URI) {
			out = append(out, r.Tool)
		}
	}
	return out
}

// TestRuleToolsAreCatalogNames checks that every pack rule names its tool
// and variant in the machine-readable tags and the name, and that the tool
// is a catalog name.
func TestRuleToolsAreCatalogNames(t *testing.T) {
	rs, _, err := builtin.Rules()
	if err != nil {
		t.Fatal(err)
	}
	p, err := pack.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		tool, variant := r.TagValues(rules.TagTool), r.TagValues(rules.TagVariant)
		if len(tool) != 1 || len(variant) != 1 {
			t.Errorf("%s: tool tags %v, variant tags %v", r.Path, tool, variant)
			continue
		}
		nt, nv := rules.ParseRMMName(r.Name)
		if nt != tool[0] || nv != variant[0] {
			t.Errorf("%s: name says %s/%s, tags %s/%s", r.Path, nt, nv, tool[0], variant[0])
		}
		if tool[0] != pack.AllTools && p.Tool(tool[0]) == nil {
			t.Errorf("%s: tool %q is not in the catalog", r.Path, tool[0])
		}
		if !strings.HasPrefix(r.Path, builtin.Name+"/") {
			t.Errorf("%s: path outside the pack", r.Path)
		}
	}
}
