package engine_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/rmmhunt/rmmhunt/engine"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/query"
)

// recordingSource serves an empty table and records the requests.
type recordingSource struct {
	reqs []engine.ScanRequest
}

func (s *recordingSource) Scan(ctx context.Context, req engine.ScanRequest) (engine.BatchIterator, error) {
	s.reqs = append(s.reqs, req)
	return engine.NewMemSource(nil).Scan(ctx, req)
}

func TestTimeRangePushdown(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	nowT := types.TicksFromTime(now)
	day := types.TicksPerDay
	d := func(s string) int64 {
		v, ok := types.ParseDatetime(s)
		if !ok {
			t.Fatalf("bad datetime %q", s)
		}
		return v
	}
	const minT, maxT = math.MinInt64, math.MaxInt64
	tests := []struct {
		q        string
		col      string
		min, max int64
		none     bool // no range expected
	}{
		{q: `DeviceProcessEvents | where Timestamp > ago(1d)`, col: "Timestamp", min: nowT - day + 1, max: maxT},
		{q: `DeviceProcessEvents | where Timestamp >= ago(1d) and FileName == "x"`, col: "Timestamp", min: nowT - day, max: maxT},
		{q: `DeviceProcessEvents | where Timestamp < datetime(2026-11-01)`, col: "Timestamp", min: minT, max: d("2026-11-01") - 1},
		{q: `DeviceProcessEvents | where datetime(2026-11-01) <= Timestamp`, col: "Timestamp", min: d("2026-11-01"), max: maxT},
		{q: `DeviceProcessEvents | where Timestamp between (ago(2d) .. now())`, col: "Timestamp", min: nowT - 2*day, max: nowT},
		{q: `DeviceProcessEvents | where Timestamp between (datetime(2026-11-01) .. 1d)`, col: "Timestamp", min: d("2026-11-01"), max: d("2026-11-02")},
		{q: `let s = now(-5d); let e = now(); DeviceProcessEvents | where Timestamp between (s .. e) | where FileName has "x"`, col: "Timestamp", min: nowT - 5*day, max: nowT},
		{q: `DeviceProcessEvents | where Timestamp > ago(3d) and Timestamp < ago(1d)`, col: "Timestamp", min: nowT - 3*day + 1, max: nowT - day - 1},
		{q: `DeviceProcessEvents | where TimeGenerated > ago(1d)`, col: "TimeGenerated", min: nowT - day + 1, max: maxT},
		{q: `DeviceProcessEvents | where Timestamp == datetime(2026-11-01)`, col: "Timestamp", min: d("2026-11-01"), max: d("2026-11-01")},
		{q: `DeviceProcessEvents | where Timestamp > ago(1d) or FileName == "x"`, none: true},
		{q: `DeviceProcessEvents | where not(Timestamp > ago(1d))`, none: true},
		{q: `DeviceProcessEvents | where Timestamp !between (ago(2d) .. now())`, none: true},
		{q: `DeviceProcessEvents | where FileName == "x"`, none: true},
		{q: `DeviceProcessEvents | where ProcessCreationTime > ago(1d)`, none: true},
		{q: `DeviceProcessEvents | extend T = Timestamp | where T > ago(1d)`, none: true},
		{q: `DeviceProcessEvents | take 5`, none: true},
	}
	for _, tc := range tests {
		src := &recordingSource{}
		q, err := query.CompileString("q", tc.q, nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.q, err)
		}
		if _, err := q.Run(context.Background(), src, now); err != nil {
			t.Fatalf("%s: %v", tc.q, err)
		}
		if len(src.reqs) != 1 {
			t.Fatalf("%s: %d scans", tc.q, len(src.reqs))
		}
		tr := src.reqs[0].Time
		if tc.none {
			if tr != nil {
				t.Errorf("%s: got range %+v, want none", tc.q, *tr)
			}
			continue
		}
		if tr == nil {
			t.Errorf("%s: no range", tc.q)
			continue
		}
		if tr.Column != tc.col || tr.Min != tc.min || tr.Max != tc.max {
			t.Errorf("%s: got %+v, want %s [%d, %d]", tc.q, *tr, tc.col, tc.min, tc.max)
		}
	}
}

// TestTimeRangeShared checks that a scan shared by two filters gets the
// union of their ranges, and none when one consumer reads it unfiltered.
func TestTimeRangeShared(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		q    string
		want bool
	}{
		{`let T = DeviceProcessEvents; union (T | where Timestamp > ago(1d)), (T | where Timestamp > ago(2d))`, true},
		{`let T = DeviceProcessEvents; union (T | where Timestamp > ago(1d)), (T | take 1)`, false},
	} {
		src := &recordingSource{}
		q, err := query.CompileString("q", tc.q, nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.q, err)
		}
		if _, err := q.Run(context.Background(), src, now); err != nil {
			t.Fatalf("%s: %v", tc.q, err)
		}
		for _, r := range src.reqs {
			if (r.Time != nil) != tc.want {
				t.Errorf("%s: range %v, want range: %v", tc.q, r.Time, tc.want)
			}
		}
	}
}
