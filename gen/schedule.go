package gen

import (
	"fmt"
	"math"
	"strings"
)

// Install scenarios: where an install's rows sit against the 5-day window.
const (
	ScenarioStraddle = "straddle" // rows before and inside the window
	ScenarioBefore   = "before"   // all rows before the window (the rule returns nothing)
	ScenarioRecent   = "recent"   // all rows inside the window
)

// requiredInstalls are planted in every data set (as far as the fleet and
// the span allow), in this order.
var requiredInstalls = []struct{ tool, scenario string }{
	{"TacticalRMM", ScenarioStraddle},
	{"NinjaRMM", ScenarioStraddle},
	{"TacticalRMM", ScenarioBefore},
	{"NinjaRMM", ScenarioBefore},
	{"AnyDesk", ScenarioRecent},
	{"ConnectWise", ScenarioStraddle},
	{"TeamViewer", ScenarioBefore},
	{"Splashtop", ScenarioRecent},
	{"Atera", ScenarioRecent},
}

// rmmShare is the share of devices with an RMM tool when the fleet is large
// enough; small fleets get at least minRMMDevices.
const (
	rmmShare      = 0.075
	minRMMDevices = 4
)

// planInstalls chooses the RMM devices and tools and schedules their rows.
func (g *generator) planInstalls() error {
	for _, p := range toolProfiles {
		if len(p.signers) == 0 || len(p.urls) == 0 || len(p.files) == 0 {
			return fmt.Errorf("gen: incomplete profile for %s", p.tool)
		}
		if _, ok := g.procIndex[p.parent]; !ok {
			return fmt.Errorf("gen: profile %s: unknown parent %q", p.tool, p.parent)
		}
	}
	n := len(g.devices)
	k := int(math.Round(float64(n) * rmmShare))
	k = max(k, minRMMDevices)
	k = min(k, n)
	perm := g.rng.Perm(n)
	rmm := perm[:k]

	hasTool := func(dev int, tool string) bool {
		for _, in := range g.installs {
			if in.dev == dev && in.p.tool == tool {
				return true
			}
		}
		return false
	}
	canStraddle := g.winStart-ticksPerHour > g.start
	for i, req := range requiredInstalls {
		sc := req.scenario
		if !canStraddle {
			sc = ScenarioRecent
		}
		for j := 0; j < k; j++ {
			dev := rmm[(i+j)%k]
			if !hasTool(dev, req.tool) {
				g.addInstall(profileByName(req.tool), dev, sc)
				break
			}
		}
	}
	// Larger fleets: one more tool on each remaining RMM device.
	w := make([]float64, len(toolProfiles))
	for i, p := range toolProfiles {
		w[i] = p.weight
	}
	pick := newPicker(w)
	for i := len(requiredInstalls); i < k; i++ {
		p := &toolProfiles[pick.pick(g.rng)]
		sc := ScenarioRecent
		if canStraddle {
			switch x := g.rng.IntN(10); {
			case x < 3:
				sc = ScenarioStraddle
			case x < 5:
				sc = ScenarioBefore
			}
		}
		g.addInstall(p, rmm[i], sc)
	}
	for _, in := range g.installs {
		g.devices[in.dev].hasRMM = true
	}
	return nil
}

// newInstall resolves the facts of profile p on device dev.
func (g *generator) newInstall(p *toolProfile, dev int) *install {
	d := &g.devices[dev]
	in := &install{p: p, dev: dev}
	in.signer = p.signers[g.rng.IntN(len(p.signers))]
	in.url = p.urls[g.rng.IntN(len(p.urls))]
	in.urlIP = publicIP(g.seed, in.url)
	in.acct = systemAccount
	if p.user {
		in.acct = d.user
	}
	in.img = imageFor(g.seed, p.files[0], p.folder, p.company, p.product, p.version, p.desc, p.cmd, p.user)
	in.img.signerType = "ThirdParty"
	in.parent = g.procIndex[p.parent]
	in.img.parent = in.parent
	in.child = -1
	if !p.user {
		in.child = g.procIndex["powershell.exe"]
		if g.rng.IntN(2) == 0 {
			in.child = g.procIndex["cmd.exe"]
		}
	}
	in.cert = g.certFor(in.signer, p.issuer)
	return in
}

// certFor returns stable certificate facts for a signer subject.
func (g *generator) certFor(signer, issuer string) certFacts {
	h := strHash(g.seed, "signer:"+signer)
	created := g.end - int64(150+h%400)*ticksPerDay
	c := certFacts{
		signer: signer, issuer: issuer,
		hash:          hexString(h, 40),
		issuerHash:    hexString(strHash(g.seed, "issuer:"+issuer), 40),
		serial:        hexString(h^0x77, 32),
		created:       created,
		expires:       created + 3*365*ticksPerDay,
		signed:        created + int64(h>>20%90)*ticksPerDay,
		trusted:       true,
		signatureType: "Embedded",
	}
	crl := crlDigi
	if strings.HasPrefix(issuer, "Sectigo") {
		crl = crlSectigo
	}
	c.crlJSON = appendString(nil, `["`+crl+`"]`)
	return c
}

// addInstall plans one install and queues its rows.
func (g *generator) addInstall(p *toolProfile, dev int, scenario string) {
	in := g.newInstall(p, dev)
	in.scenario = scenario
	idx := int32(len(g.installs))
	g.installs = append(g.installs, in)
	dataStart := g.start
	win := max(g.winStart, g.start)
	switch scenario {
	case ScenarioStraddle:
		in.from = g.between(dataStart, g.winStart-12*ticksPerHour)
		in.to = g.end
	case ScenarioBefore:
		last := g.winStart - ticksPerHour
		in.from = g.between(dataStart, dataStart+(last-dataStart)/2)
		in.to = g.between(in.from+(last-in.from)/3, last)
	default:
		in.from = g.between(win, win+min(3*ticksPerDay, (g.end-win)/2))
		in.to = g.end
		if p.user {
			in.to = min(g.end, in.from+int64(1+g.rng.IntN(3))*ticksPerDay)
		}
	}

	var counts [3]int
	add := func(t int, kind uint8, ticks int64) {
		g.addExtra(event{ticks: ticks, dev: int32(dev), ref: idx, table: uint8(t), kind: kind})
		if kind == kInstall {
			counts[t]++
		}
	}
	for lo := g.start; lo < g.end; lo += ticksPerDay {
		a := max(lo, in.from)
		b := min(lo+ticksPerDay-1, in.to)
		if b < a {
			continue
		}
		if p.user {
			if g.rng.IntN(10) >= 6 {
				continue
			}
			// One remote session: everything within two hours.
			s := g.between(a, b)
			e := min(b, s+2*ticksPerHour)
			add(tCert, kInstall, g.between(s, e))
			for n := 1 + g.rng.IntN(2); n > 0; n-- {
				add(tProc, kInstall, g.between(s, e))
			}
			for n := 1 + g.rng.IntN(4); n > 0; n-- {
				add(tNet, kInstall, g.between(s, e))
			}
			if p.ipOnly {
				for n := 1 + g.rng.IntN(3); n > 0; n-- {
					add(tNet, kInstallIPOnly, g.between(s, e))
				}
			}
			continue
		}
		if g.rng.IntN(10) < 7 {
			add(tCert, kInstall, g.between(a, b))
		}
		for n := 1 + g.rng.IntN(3); n > 0; n-- {
			add(tProc, kInstall, g.between(a, b))
		}
		for n := g.rng.IntN(3); n > 0; n-- {
			add(tProc, kInstallChild, g.between(a, b))
		}
		for n := 2 + g.rng.IntN(5); n > 0; n-- {
			add(tNet, kInstall, g.between(a, b))
		}
	}
	for t := 0; t < 3; t++ {
		switch {
		case scenario == ScenarioStraddle:
			// Guarantee rows on both sides of the window start.
			add(t, kInstall, g.between(in.from, g.winStart-1))
			add(t, kInstall, g.between(g.winStart, in.to))
		case counts[t] == 0:
			add(t, kInstall, g.between(in.from, in.to))
		}
	}
	// Boundary rows: the first straddling TacticalRMM gets certificate rows
	// at exactly the window start (counted) and one tick before it (not
	// counted); the first straddling NinjaRMM a connection at exactly End.
	if scenario == ScenarioStraddle {
		first := true
		for _, o := range g.installs[:idx] {
			if o.p == p && o.scenario == ScenarioStraddle {
				first = false
			}
		}
		if first && p.tool == "TacticalRMM" && g.winStart-1 >= in.from {
			add(tCert, kInstall, g.winStart)
			add(tCert, kInstall, g.winStart-1)
		}
		if first && p.tool == "NinjaRMM" {
			add(tNet, kInstall, g.end)
		}
	}
}

// planDecoys plants every decoy once per 200 devices (at least once), on
// random devices, inside the window.
func (g *generator) planDecoys() {
	reps := 1 + len(g.devices)/200
	lo := max(g.winStart, g.start) + ticksPerMin
	hi := g.end - ticksPerMin
	for rep := 0; rep < reps; rep++ {
		for i := range decoySpecs {
			s := &decoySpecs[i]
			dev := g.rng.IntN(len(g.devices))
			in := g.newInstall(profileByName(s.tool), dev)
			switch s.column {
			case "Signer":
				in.signer = s.value
				in.cert = g.certFor(s.value, in.p.issuer)
			case "ProcessVersionInfoCompanyName":
				in.img.company = s.value
			case "ProcessVersionInfoProductName":
				in.img.product = s.value
			case "RemoteUrl":
				in.url = s.value
				in.urlIP = publicIP(g.seed, s.value)
			default:
				panic("gen: decoy column " + s.column)
			}
			// A decoy is its own binary: do not reuse the tool's hashes.
			h := strHash(g.seed, "decoy:"+s.value)
			in.img.sha1, in.img.sha256, in.img.md5 = hexString(h, 40), hexString(h^0xa5a5, 64), hexString(h^0x3c3c, 32)
			ticks := g.between(lo, hi)
			g.decoys = append(g.decoys, planted{spec: s, dev: dev, ticks: ticks, inst: *in})
			g.addExtra(event{ticks: ticks, dev: int32(dev), ref: int32(len(g.decoys) - 1), table: uint8(s.table), kind: kDecoy})
		}
	}
}
