package engine

import (
	"math"
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// Expected values below were computed independently (plain least squares
// and medians in a few lines of Python) or taken from Kusto's documentation.
func TestFitLine(t *testing.T) {
	cases := []struct {
		name                                  string
		ys                                    []float64
		learn                                 int
		rsquare, slope, variance, rvar, icept float64
		last                                  float64 // line value at the last position
	}{
		{"documented example", []float64{2, 5, 6, 8, 11, 15, 17, 18, 25, 26, 30, 30}, 12,
			0.982900730884447, 2.7307692307692313, 98.62878787878786, 1.6864801864801868, -1.6666666666666714, 31.102564102564102},
		{"exact line", []float64{3, 5, 7, 9}, 4, 1, 2, 6.666666666666667, 0, 1, 9},
		{"learned prefix extrapolated", []float64{1, 2, 3, 0, 0}, 3, 1, 1, 1, 0, 0, 5},
	}
	for _, c := range cases {
		f := fitLine(c.ys, c.learn)
		got := []float64{f.rsquare, f.slope, f.variance, f.rvariance, f.interception, f.line[len(f.line)-1]}
		want := []float64{c.rsquare, c.slope, c.variance, c.rvar, c.icept, c.last}
		for i := range got {
			if math.Abs(got[i]-want[i]) > 1e-12 {
				t.Errorf("%s: output %d = %v, want %v", c.name, i, got[i], want[i])
			}
		}
	}
}

func TestSeasonalComponent(t *testing.T) {
	cases := []struct {
		xs     []float64
		period int
		learn  int
		want   []float64
	}{
		{[]float64{1, 3, 5, 1, 3, 5, 2, 4, 6}, 3, 9, []float64{1, 3, 5, 1, 3, 5, 1, 3, 5}},
		{[]float64{1, 3, 5, 2, 4, 6, 1, 3, 5, 2, 4, 6}, 3, 12, []float64{1.5, 3.5, 5.5, 1.5, 3.5, 5.5, 1.5, 3.5, 5.5, 1.5, 3.5, 5.5}},
		{[]float64{1, 2, 9, 9}, 2, 2, []float64{1, 2, 1, 2}},
		{[]float64{1, 2, 3}, 0, 3, []float64{0, 0, 0}},
	}
	for _, c := range cases {
		numeric := make([]bool, len(c.xs))
		for i := range numeric {
			numeric[i] = true
		}
		got := seasonalComponent(c.xs, numeric, c.period, c.learn)
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("seasonal(%v, %d): %v, want %v", c.xs, c.period, got, c.want)
				break
			}
		}
	}
}

func TestSeriesStats(t *testing.T) {
	arr := func(vs ...any) types.Value { return types.NewDynamic(vs) }
	cases := []struct {
		in     types.Value
		ignore bool
		ok     bool
		want   seriesStats
	}{
		{arr(int64(23), int64(46), int64(23), int64(87), int64(4), int64(8), int64(3), int64(75), int64(2), int64(56),
			int64(13), int64(75), int64(32), int64(16), int64(29)), false, true,
			seriesStats{min: 2, minIdx: 8, max: 87, maxIdx: 3, avg: 32.8, stdev: 28.503633853548269,
				variance: 812.45714285714291, sum: 492, length: 15}},
		{arr(4.0, nil, 2.0), false, false, seriesStats{}},
		{arr(4.0, math.NaN(), 2.0), true, true, seriesStats{min: 2, minIdx: 2, max: 4, avg: 3, stdev: math.Sqrt2, variance: 2, sum: 6, length: 3}},
		{arr(5.0), false, true, seriesStats{min: 5, max: 5, avg: 5, sum: 5, length: 1}},
		{arr(), false, false, seriesStats{}},
	}
	for i, c := range cases {
		got, ok := seriesStatsOf([]types.Value{c.in, types.NewBool(c.ignore)})
		if ok != c.ok || ok && got != c.want {
			t.Errorf("case %d: %+v %v, want %+v %v", i, got, ok, c.want, c.ok)
		}
	}
}
