package gen

import (
	"cmp"
	"slices"
)

// truth assembles the answer key once every row is written.
func (g *generator) truth() *Truth {
	t := &Truth{
		Options: TruthOptions{
			Devices: g.opts.Devices, Days: g.opts.Days, Seed: g.opts.Seed, End: Datetime(g.end),
			RowsPerDeviceDay: g.opts.RowsPerDeviceDay, Gzip: g.opts.Gzip,
		},
		ReferenceTime: Datetime(g.end),
		WindowDays:    WindowDays,
		WindowStart:   Datetime(g.winStart),
		DataStart:     Datetime(g.start),
		TenantID:      g.tenant,
		Installs:      []Install{},
		Decoys:        []Decoy{},
	}
	for i, name := range tableNames {
		var rows int
		if g.out[i] != nil {
			rows = g.out[i].rows
		} else if g.sinks[i] != nil {
			rows = g.sinks[i].rows
		}
		t.Files = append(t.Files, TruthFileInfo{Table: name, File: FileName(name, g.opts.Gzip), Rows: rows})
	}
	for i := range g.devices {
		d := &g.devices[i]
		td := TruthDevice{
			DeviceID: d.id, DeviceName: d.name, MachineGroup: d.group, Kind: d.kind,
			LargeReportIDs: d.large,
		}
		if d.user != nil {
			td.PrimaryUser = d.user.upn
		}
		t.Devices = append(t.Devices, td)
	}
	for _, in := range g.installs {
		d := &g.devices[in.dev]
		for v := 0; v < 3; v++ {
			rows := in.rows[v]
			if len(rows) == 0 {
				continue
			}
			e := Install{
				DeviceID: d.id, DeviceName: d.name, Tool: in.p.tool,
				Variant: variantNames[v], Table: tableNames[v],
				ReportIDs:      []int64{},
				TotalCount:     len(rows),
				TotalFirstSeen: Datetime(rows[0].ticks),
				TotalLastSeen:  Datetime(rows[0].ticks),
			}
			switch v {
			case tCert:
				e.Signer = in.signer
			case tProc, tNet:
				e.Company, e.Product, e.FileName = in.img.company, in.img.product, in.img.file
				upn := in.acct.upn
				e.AccountUpn = &upn
				if v == tNet {
					e.RemoteURL = in.url
				}
			}
			var first, last Datetime
			before := false
			for _, r := range rows {
				e.TotalFirstSeen = min(e.TotalFirstSeen, Datetime(r.ticks))
				e.TotalLastSeen = max(e.TotalLastSeen, Datetime(r.ticks))
				if r.ticks < g.winStart || r.ticks > g.end {
					before = true
					continue
				}
				if e.Count == 0 || Datetime(r.ticks) < first {
					first = Datetime(r.ticks)
				}
				if e.Count == 0 || Datetime(r.ticks) > last {
					last = Datetime(r.ticks)
				}
				e.Count++
				e.ReportIDs = append(e.ReportIDs, r.report)
			}
			slices.Sort(e.ReportIDs)
			e.ReportIDs = slices.Compact(e.ReportIDs)
			e.InWindow = e.Count > 0
			if e.InWindow {
				e.FirstSeen, e.LastSeen = &first, &last
			}
			switch {
			case before && e.InWindow:
				e.Scenario = ScenarioStraddle
			case before:
				e.Scenario = ScenarioBefore
			default:
				e.Scenario = ScenarioRecent
			}
			t.Installs = append(t.Installs, e)
		}
	}
	slices.SortStableFunc(t.Installs, func(a, b Install) int {
		return cmp.Or(cmp.Compare(a.DeviceName, b.DeviceName), cmp.Compare(a.Tool, b.Tool),
			cmp.Compare(variantIndex(a.Variant), variantIndex(b.Variant)))
	})
	for i := range g.decoys {
		p := &g.decoys[i]
		d := &g.devices[p.dev]
		t.Decoys = append(t.Decoys, Decoy{
			DeviceID: d.id, DeviceName: d.name, Table: tableNames[p.spec.table], Column: p.spec.column,
			Value: p.spec.value, Tool: p.spec.tool, Trap: p.spec.trap, Why: p.spec.why,
			Timestamp: Datetime(p.ticks), ReportID: p.report,
		})
	}
	return t
}

func variantIndex(v string) int {
	for i, n := range variantNames {
		if n == v {
			return i
		}
	}
	return len(variantNames)
}
