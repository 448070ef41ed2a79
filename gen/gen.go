package gen

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// Options controls Generate.
type Options struct {
	// Devices is the fleet size (at least 1).
	Devices int
	// Days is the span of the data, ending at End (at least 1). Rows
	// outside the rules' 5-day window need Days > 5.
	Days int
	// Seed selects the data set: the same Options give byte-identical
	// files.
	Seed int64
	// End is the newest Timestamp of the data and the reference time
	// (now()) the truth is computed for. It is truncated to 100 ns. The
	// zero value means DefaultEnd; the wall clock is never read.
	End time.Time
	// OutDir receives the table files and truth.json; it is created if
	// missing.
	OutDir string
	// RowsPerDeviceDay is the mean number of background rows per device
	// and day over the three tables; 0 means DefaultRowsPerDeviceDay.
	RowsPerDeviceDay int
	// Gzip writes <Table>.json.gz instead of <Table>.json.
	Gzip bool
	// CertRowsPerDeviceDay, ProcessRowsPerDeviceDay and
	// NetworkRowsPerDeviceDay, when positive, set the mean number of
	// background rows per device and day of DeviceFileCertificateInfo,
	// DeviceProcessEvents and DeviceNetworkEvents, instead of their share
	// of RowsPerDeviceDay (workstations have a quarter of their activity
	// at weekends, so the means are reached on weekdays).
	CertRowsPerDeviceDay, ProcessRowsPerDeviceDay, NetworkRowsPerDeviceDay float64
	// Sink, when set, receives the rows as column batches instead of
	// files (rmmhunt gen --store passes a store writer); OutDir then only
	// receives truth.json and may be empty (no truth file is written).
	Sink BatchSink
}

// DefaultEnd is the End used when Options.End is zero.
var DefaultEnd = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// DefaultRowsPerDeviceDay is the default background density.
const DefaultRowsPerDeviceDay = 40

// ExampleOptions are the options of the sample committed under
// examples/data (40 devices, 10 days, a light background, gzip), writing
// into outDir.
func ExampleOptions(outDir string) Options {
	return Options{Devices: 40, Days: 10, Seed: 20261120, End: DefaultEnd, OutDir: outDir, RowsPerDeviceDay: 12, Gzip: true}
}

// FileName returns the name Generate gives the file of table.
func FileName(table string, gz bool) string {
	if gz {
		return table + ".json.gz"
	}
	return table + ".json"
}

const (
	ticksPerDay  = types.TicksPerDay
	ticksPerHour = types.TicksPerHour
	ticksPerMin  = types.TicksPerMinute
	ticksPerSec  = types.TicksPerSecond
)

// event kinds
const (
	kBackground    uint8 = iota
	kInstall             // a row the tool's rule matches
	kInstallChild        // process started by the tool (rule does not match)
	kInstallIPOnly       // relay connection without a URL (rule does not match)
	kDecoy
)

// event is one row to be written; rows are rendered in (ticks, dev, table,
// seq) order, which also assigns ReportIds.
type event struct {
	ticks int64
	salt  uint64
	seq   uint32
	dev   int32
	ref   int32 // template, install or decoy index
	table uint8
	kind  uint8
}

func eventLess(a, b event) int {
	switch {
	case a.ticks != b.ticks:
		return cmp64(a.ticks, b.ticks)
	case a.dev != b.dev:
		return cmp64(int64(a.dev), int64(b.dev))
	case a.table != b.table:
		return cmp64(int64(a.table), int64(b.table))
	}
	return cmp64(int64(a.seq), int64(b.seq))
}

func cmp64(a, b int64) int {
	if a < b {
		return -1
	}
	if a > b {
		return 1
	}
	return 0
}

// rowRef is one written row of an install.
type rowRef struct{ ticks, report int64 }

// install is one RMM tool on one device.
type install struct {
	p        *toolProfile
	dev      int
	scenario string
	from, to int64
	signer   string
	url      string
	urlIP    uint32
	acct     *account
	img      image // main process image
	parent   int   // background parent image index
	child    int   // background image the tool spawns
	cert     certFacts
	rows     [3][]rowRef
	forced   []event
}

// certFacts are the certificate columns of a signed file.
type certFacts struct {
	signer, issuer, hash, issuerHash, serial string
	crlJSON                                  []byte
	created, expires, signed                 int64
	msRoot, trusted                          bool
	signatureType                            string
}

// planted is one decoy row.
type planted struct {
	spec   *decoySpec
	dev    int
	ticks  int64
	inst   install // the imitated tool's facts, decoy column applied
	report int64
}

type tableWriter struct {
	f    *os.File
	gz   *gzip.Writer
	w    *bufio.Writer
	name string
	rows int
}

type generator struct {
	opts                 Options
	seed                 uint64
	rng                  *rand.Rand
	start, end, winStart int64
	tenant               string
	devices              []device
	procs                []image
	procIndex            map[string]int
	procPick             [2]picker
	signers              []signerRT
	signerPick           picker
	nets                 []netRT
	netPick              [2]picker
	installs             []*install
	decoys               []planted
	chunkTicks           int64
	extra                [][]event // per chunk: install, decoy and forced rows
	seq                  uint32
	out                  [3]*tableWriter
	sinks                [3]*colSink
	buf                  []byte
	envelopePrefix       [3][]byte
}

// Generate writes a synthetic fleet's telemetry and its truth.json into
// opts.OutDir and returns the truth.
func Generate(opts Options) (*Truth, error) {
	if opts.Devices < 1 || opts.Devices > 10_000_000 {
		return nil, fmt.Errorf("gen: Devices must be between 1 and 10000000, got %d", opts.Devices)
	}
	if opts.Days < 1 || opts.Days > 3660 {
		return nil, fmt.Errorf("gen: Days must be between 1 and 3660, got %d", opts.Days)
	}
	if opts.OutDir == "" && opts.Sink == nil {
		return nil, errors.New("gen: OutDir is empty")
	}
	for _, v := range []float64{opts.CertRowsPerDeviceDay, opts.ProcessRowsPerDeviceDay, opts.NetworkRowsPerDeviceDay} {
		if v < 0 || v != v || v > 1e6 {
			return nil, fmt.Errorf("gen: rows per device and day must be between 0 and 1e6, got %v", v)
		}
	}
	if opts.RowsPerDeviceDay < 0 {
		return nil, fmt.Errorf("gen: RowsPerDeviceDay must not be negative, got %d", opts.RowsPerDeviceDay)
	}
	if opts.RowsPerDeviceDay == 0 {
		opts.RowsPerDeviceDay = DefaultRowsPerDeviceDay
	}
	if opts.End.IsZero() {
		opts.End = DefaultEnd
	}
	g := &generator{
		opts: opts,
		seed: uint64(opts.Seed),
		rng:  rand.New(rand.NewPCG(uint64(opts.Seed), 0x726d6d68756e74)),
	}
	g.end = types.TicksFromTime(opts.End)
	g.start = g.end - int64(opts.Days)*ticksPerDay
	g.winStart = g.end - WindowDays*ticksPerDay
	g.tenant = guid(mix64(g.seed ^ 0x7e4a47))
	g.buildFleet()
	g.buildTemplates()
	g.planChunks()
	if err := g.planInstalls(); err != nil {
		return nil, err
	}
	g.planDecoys()
	g.planReportIDs()
	g.planForcedEnd()

	if opts.OutDir != "" {
		if err := os.MkdirAll(opts.OutDir, 0o755); err != nil {
			return nil, fmt.Errorf("gen: %w", err)
		}
	}
	if opts.Sink != nil {
		for t, name := range tableNames {
			g.sinks[t] = newColSink(name, opts.Sink)
		}
	} else if err := g.openWriters(); err != nil {
		return nil, err
	}
	werr := g.run()
	var cerr error
	if opts.Sink != nil {
		for _, s := range g.sinks {
			if err := s.flush(); err != nil && werr == nil {
				werr = err
			}
		}
	} else {
		cerr = g.closeWriters()
	}
	if werr != nil {
		return nil, werr
	}
	if cerr != nil {
		return nil, cerr
	}
	t := g.truth()
	if opts.OutDir == "" {
		return t, nil
	}
	b, err := json.MarshalIndent(t, "", " ")
	if err != nil {
		return nil, fmt.Errorf("gen: %w", err)
	}
	if err := os.WriteFile(filepath.Join(opts.OutDir, TruthFile), append(b, '\n'), 0o644); err != nil {
		return nil, fmt.Errorf("gen: %w", err)
	}
	return t, nil
}

// chunkOf returns the chunk a time falls in; End belongs to the last one.
func (g *generator) chunkOf(ticks int64) int {
	c := int((ticks - g.start) / g.chunkTicks)
	return max(0, min(c, len(g.extra)-1))
}

// addExtra queues a non-background row.
func (g *generator) addExtra(e event) {
	e.seq = g.nextSeq()
	e.salt = g.rng.Uint64()
	c := g.chunkOf(e.ticks)
	g.extra[c] = append(g.extra[c], e)
}

func (g *generator) nextSeq() uint32 {
	g.seq++
	return g.seq
}

// between returns a uniform time in [lo, hi].
func (g *generator) between(lo, hi int64) int64 {
	if hi <= lo {
		return lo
	}
	return lo + g.rng.Int64N(hi-lo+1)
}

// planReportIDs gives every device its first ReportId. About one device in
// sixteen (at least one, always the first TacticalRMM install's) counts in
// 18-digit values above 2^53.
func (g *generator) planReportIDs() {
	forced := -1
	for _, in := range g.installs {
		if in.p.tool == "TacticalRMM" {
			forced = in.dev
			break
		}
	}
	if forced < 0 {
		forced = 0
	}
	for i := range g.devices {
		d := &g.devices[i]
		d.large = i == forced || g.rng.IntN(16) == 0
		if d.large {
			d.nextReport = 100_000_000_000_000_000 + g.rng.Int64N(800_000_000_000_000_000) | 1
		} else {
			d.nextReport = 1000 + g.rng.Int64N(60000)
		}
	}
}

// planForcedEnd puts one background row of each table at exactly End, so
// the newest Timestamp of every table is the reference time.
func (g *generator) planForcedEnd() {
	for t := 0; t < 3; t++ {
		dev := g.rng.IntN(len(g.devices))
		var ref int
		switch t {
		case tCert:
			ref = g.signerPick.pick(g.rng)
		case tProc:
			ref = g.procPick[g.kindIdx(dev)].pick(g.rng)
		default:
			ref = g.pickNet(dev)
		}
		g.addExtra(event{ticks: g.end, dev: int32(dev), table: uint8(t), kind: kBackground, ref: int32(ref)})
	}
}

func (g *generator) kindIdx(dev int) int {
	if g.devices[dev].server {
		return 1
	}
	return 0
}

func (g *generator) pickNet(dev int) int {
	return g.netPick[g.kindIdx(dev)].pick(g.rng)
}

// Table shares of background rows: certificates, processes, network.
var (
	shareWorkstation = [3]float64{0.15, 0.45, 0.40}
	shareServer      = [3]float64{0.10, 0.40, 0.50}
)

// maxChunkRows bounds the background rows held in memory at once: a day
// is split into as many equal chunks as needed. (A variable for tests.)
var maxChunkRows = float64(1 << 21)

// chunkDivisors are the allowed numbers of chunks per day (divisors of a
// day in ticks).
var chunkDivisors = []int{1, 2, 3, 4, 6, 8, 12, 24, 48, 96, 144, 288, 720, 1440}

// planChunks splits the span into chunks of whole fractions of a day.
func (g *generator) planChunks() {
	perDevDay := 0.0
	for t := range 3 {
		perDevDay += g.tableRate(t, shareWorkstation[t])
	}
	perDay := float64(g.opts.Devices) * perDevDay * 1.3
	per := chunkDivisors[len(chunkDivisors)-1]
	for _, d := range chunkDivisors {
		if perDay/float64(d) <= maxChunkRows {
			per = d
			break
		}
	}
	g.chunkTicks = ticksPerDay / int64(per)
	g.extra = make([][]event, g.opts.Days*per)
}

// run generates and writes the rows chunk by chunk. The background of a
// chunk is drawn per device group (workstations and laptops, servers) and
// table: a Poisson number of rows, each on a device chosen in proportion
// to its activity, which is the same as a Poisson count per device.
func (g *generator) run() error {
	var groups [2]struct {
		devs []int32
		pick picker
		sum  float64
	}
	for i := range g.devices {
		k := g.kindIdx(i)
		groups[k].devs = append(groups[k].devs, int32(i))
	}
	for k := range groups {
		w := make([]float64, len(groups[k].devs))
		for j, di := range groups[k].devs {
			w[j] = g.devices[di].activity
			groups[k].sum += w[j]
		}
		groups[k].pick = newPicker(w)
	}
	rate := float64(g.opts.RowsPerDeviceDay) * float64(g.chunkTicks) / float64(ticksPerDay)
	evs := make([]event, 0, 1024)
	for c := range g.extra {
		lo := g.start + int64(c)*g.chunkTicks
		hi := lo + g.chunkTicks // exclusive; End itself comes from planForcedEnd
		weekday := types.TimeFromTicks(lo + g.chunkTicks/2).Weekday()
		weekend := weekday == time.Saturday || weekday == time.Sunday
		evs = evs[:0]
		for k := range groups {
			grp := &groups[k]
			if len(grp.devs) == 0 {
				continue
			}
			share := &shareWorkstation
			mean := rate * grp.sum
			if k == 1 {
				share = &shareServer
			} else if weekend {
				mean *= 0.25
			}
			for t := 0; t < 3; t++ {
				m := mean * share[t]
				if r := g.tableOverride(t); r > 0 {
					m = mean * r / float64(g.opts.RowsPerDeviceDay)
				}
				for n := poisson(g.rng, m); n > 0; n-- {
					di := int(grp.devs[grp.pick.pick(g.rng)])
					var ref int
					user := false
					switch t {
					case tCert:
						ref = g.signerPick.pick(g.rng)
					case tProc:
						ref = g.procPick[k].pick(g.rng)
						user = g.procs[ref].user
					default:
						ref = g.netPick[k].pick(g.rng)
						user = g.procs[g.nets[ref].proc].user
					}
					evs = append(evs, event{
						ticks: g.bgTime(lo, hi, user && k == 0),
						salt:  g.rng.Uint64(),
						seq:   g.nextSeq(),
						dev:   int32(di),
						ref:   int32(ref),
						table: uint8(t),
						kind:  kBackground,
					})
				}
			}
		}
		evs = append(evs, g.extra[c]...)
		g.extra[c] = nil
		slices.SortFunc(evs, eventLess)
		for i := range evs {
			if err := g.render(&evs[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

// tableOverride returns the mean background rows per device and day set
// for table t, or 0.
func (g *generator) tableOverride(t int) float64 {
	switch t {
	case tCert:
		return g.opts.CertRowsPerDeviceDay
	case tProc:
		return g.opts.ProcessRowsPerDeviceDay
	}
	return g.opts.NetworkRowsPerDeviceDay
}

// tableRate returns the mean background rows per device and day of table
// t, given its default share.
func (g *generator) tableRate(t int, share float64) float64 {
	if r := g.tableOverride(t); r > 0 {
		return r
	}
	return float64(g.opts.RowsPerDeviceDay) * share
}

// bgTime draws a time in [lo, hi); interactive activity prefers working
// hours (07:00-19:00 UTC).
func (g *generator) bgTime(lo, hi int64, interactive bool) int64 {
	for {
		t := lo + g.rng.Int64N(hi-lo)
		if !interactive {
			return t
		}
		h := (t % ticksPerDay) / ticksPerHour
		if (h >= 7 && h < 19) || g.rng.IntN(5) == 0 {
			return t
		}
	}
}

// poisson draws a Poisson variate (Knuth for small means, a rounded normal
// approximation above 30).
func poisson(r *rand.Rand, mean float64) int {
	if mean <= 0 {
		return 0
	}
	if mean > 30 {
		n := int(math.Round(mean + math.Sqrt(mean)*r.NormFloat64()))
		if n < 0 {
			n = 0
		}
		return n
	}
	l := math.Exp(-mean)
	k := 0
	p := 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

func (g *generator) openWriters() error {
	for t, name := range tableNames {
		path := filepath.Join(g.opts.OutDir, FileName(name, g.opts.Gzip))
		f, err := os.Create(path)
		if err != nil {
			g.closeWriters()
			return fmt.Errorf("gen: %w", err)
		}
		tw := &tableWriter{f: f, name: name}
		var w io.Writer = f
		if g.opts.Gzip {
			tw.gz, _ = gzip.NewWriterLevel(f, gzip.BestCompression)
			w = tw.gz
		}
		tw.w = bufio.NewWriterSize(w, 256<<10)
		g.out[t] = tw
		prefix := appendString([]byte(`,"tenantId":`), g.tenant)
		prefix = append(prefix, `,"operationName":"Publish","category":"AdvancedHunting-`...)
		prefix = append(prefix, name...)
		prefix = append(prefix, `","properties":`...)
		g.envelopePrefix[t] = prefix
	}
	return nil
}

func (g *generator) closeWriters() error {
	var first error
	keep := func(err error) {
		if err != nil && first == nil {
			first = fmt.Errorf("gen: %w", err)
		}
	}
	for _, tw := range g.out {
		if tw == nil {
			continue
		}
		keep(tw.w.Flush())
		if tw.gz != nil {
			keep(tw.gz.Close())
		}
		keep(tw.f.Close())
	}
	return first
}
