package report

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rmmhunt/rmmhunt/hunt"
)

// Timeline geometry, in SVG user units.
const (
	tlWidth     = 900.0
	tlLabelW    = 300.0 // left column with the lane labels
	tlRightPad  = 44.0  // room for the last axis label
	tlMaxLabel  = 44    // characters of a lane label
	tlLaneH     = 24.0
	tlTop       = 8.0
	tlAxisH     = 28.0
	tlMaxEvents = 400 // event marks drawn per lane
)

// timeline is the SVG plot of one device: one lane per finding, a bar from
// first to last seen and a mark per evidence row, on a time axis shared by
// every device.
type timeline struct {
	Device string
	Width  float64
	Height float64
	Lanes  []*lane
	Ticks  []axisTick
	AxisY  float64
	PlotX0 float64
	PlotX1 float64
	Desc   string
}

type lane struct {
	Label      string
	Y          float64 // top of the lane
	BarY       float64
	X1, X2     float64
	Marks      []float64
	Suppressed bool
	Class      string
	Title      string
}

type axisTick struct {
	X     float64
	Label string
}

// timelines builds one plot per device that has findings, devices sorted
// by name.
func timelines(o *hunt.Outcome) []*timeline {
	if len(o.Items) == 0 {
		return nil
	}
	ref := o.Result.ReferenceTime
	lo := ref
	for _, it := range o.Items {
		c := it.Context
		if !c.FirstSeen.IsZero() && c.FirstSeen.Before(lo) {
			lo = c.FirstSeen
		}
		if len(c.Events) > 0 && c.Events[0].Before(lo) {
			lo = c.Events[0]
		}
	}
	hi := ref
	for _, it := range o.Items {
		if it.Context.LastSeen.After(hi) {
			hi = it.Context.LastSeen
		}
	}
	if !hi.After(lo) {
		lo = hi.Add(-time.Hour)
	}
	// A little room on the left so that the first mark is not on the edge.
	lo = lo.Add(-hi.Sub(lo) / 50)
	x0, x1 := tlLabelW, tlWidth-tlRightPad
	xOf := func(t time.Time) float64 {
		return x0 + (x1-x0)*float64(t.Sub(lo))/float64(hi.Sub(lo))
	}
	ticks := axisTicks(lo, hi, xOf)

	type dev struct {
		label string
		items []*hunt.Explained
	}
	byDev := map[string]*dev{}
	var devs []*dev
	for _, it := range o.Items {
		d := &deviceGroup{ID: it.Context.DeviceID, Name: it.Context.DeviceName}
		key := d.ID + "\x00" + d.Name
		x := byDev[key]
		if x == nil {
			x = &dev{label: d.Label()}
			byDev[key] = x
			devs = append(devs, x)
		}
		x.items = append(x.items, it)
	}
	sort.SliceStable(devs, func(i, j int) bool { return strings.ToLower(devs[i].label) < strings.ToLower(devs[j].label) })

	var out []*timeline
	for _, d := range devs {
		sort.SliceStable(d.items, func(i, j int) bool {
			a, b := d.items[i], d.items[j]
			if ga, gb := strings.ToLower(groupLabel(a)), strings.ToLower(groupLabel(b)); ga != gb {
				return ga < gb
			}
			return variantOrder[a.Variant] < variantOrder[b.Variant]
		})
		tl := &timeline{Device: d.label, Width: tlWidth, PlotX0: x0, PlotX1: x1, Ticks: ticks}
		y := tlTop
		for _, it := range d.items {
			c := it.Context
			label := groupLabel(it)
			if it.Variant != "" {
				label += " — " + it.Variant
			}
			if rt, _ := hunt.RuleToolVariant(it.Rule); strings.EqualFold(rt, hunt.AllTools) {
				label += " (All Tools)"
			}
			first, last := c.FirstSeen, c.LastSeen
			if first.IsZero() {
				first = last
			}
			if last.IsZero() {
				last = first
			}
			l := &lane{Label: label, Y: y, BarY: y + 6, Suppressed: it.Suppressed != nil, Class: variantClass(it.Variant)}
			if !first.IsZero() {
				l.X1, l.X2 = xOf(first), xOf(last)
				if l.X2-l.X1 < 3 {
					l.X2 = l.X1 + 3
				}
			}
			step := 1
			if len(c.Events) > tlMaxEvents {
				step = (len(c.Events) + tlMaxEvents - 1) / tlMaxEvents
			}
			for i := 0; i < len(c.Events); i += step {
				l.Marks = append(l.Marks, xOf(c.Events[i]))
			}
			l.Title = label + ": " + timeOrDash(c.FirstSeen) + " .. " + timeOrDash(c.LastSeen)
			if l.Suppressed {
				l.Title += " (suppressed: " + it.Suppressed.Entry.Reason + ")"
				l.Label += " (suppressed)"
			}
			if r := []rune(l.Label); len(r) > tlMaxLabel {
				l.Label = string(r[:tlMaxLabel-1]) + "…"
			}
			tl.Lanes = append(tl.Lanes, l)
			y += tlLaneH
		}
		tl.AxisY = y + 4
		tl.Height = tl.AxisY + tlAxisH
		tl.Desc = "Timeline of " + d.label + ": " + plural2(len(tl.Lanes), "finding")
		out = append(out, tl)
	}
	return out
}

func plural2(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

func variantClass(v string) string {
	switch v {
	case hunt.VariantFileSignature:
		return "v-sig"
	case hunt.VariantCreateProcess:
		return "v-proc"
	case hunt.VariantNetwork:
		return "v-net"
	}
	return "v-other"
}

// axisTicks chooses round tick times between lo and hi, as many as fit
// the plot's width without their labels overlapping.
func axisTicks(lo, hi time.Time, xOf func(time.Time) float64) []axisTick {
	span := hi.Sub(lo)
	width := xOf(hi) - xOf(lo)
	steps := []time.Duration{
		time.Minute, 5 * time.Minute, 15 * time.Minute, 30 * time.Minute,
		time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour,
		24 * time.Hour, 2 * 24 * time.Hour, 7 * 24 * time.Hour, 14 * 24 * time.Hour, 28 * 24 * time.Hour,
		91 * 24 * time.Hour, 364 * 24 * time.Hour,
	}
	step, layout := steps[len(steps)-1], "Jan 2"
	for _, s := range steps {
		l := "Jan 2"
		if s < 24*time.Hour {
			l = "Jan 2 15:04"
		}
		// About 6.5 units per character of an 11-unit font, plus a gap.
		labelW := 6.5*float64(len(l)) + 18
		if float64(span/s) <= width/labelW {
			step, layout = s, l
			break
		}
	}
	var out []axisTick
	t := lo.UTC().Truncate(step)
	if t.Before(lo) {
		t = t.Add(step)
	}
	for ; !t.After(hi) && len(out) < 40; t = t.Add(step) {
		out = append(out, axisTick{X: xOf(t), Label: t.Format(layout)})
	}
	return out
}
