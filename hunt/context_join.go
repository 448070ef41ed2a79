package hunt

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/rmmhunt/rmmhunt/engine"
	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/query"
	"github.com/rmmhunt/rmmhunt/schema"
	"github.com/rmmhunt/rmmhunt/table"
)

// ContextLookback is how far before a finding's first sighting the context
// join looks for rows of its binaries (process creations, connections, file
// events): a service started weeks ago still explains today's finding.
const ContextLookback = 30 * 24 * time.Hour

// An observation is one distinct view of a finding's binary at work, in the
// columns of the enriched row: a process creation of it, a network
// connection it made, or, when the data has neither, the file or
// certificate row behind the finding. Identical views are counted once.
type observation struct {
	table       string
	vals        [nObsFields]string
	port        int64
	hasPort     bool
	count       int
	first, last int64 // ticks; 0 when unknown
}

// Observation fields, named as the enriched row's columns.
const (
	fSHA1 = iota
	fFileName
	fFolderPath
	fSigner
	fProcessCommandLine
	fAccountDomain
	fAccountName
	fAccountUpn
	fInitiatingProcessFileName
	fInitiatingProcessCommandLine
	fInitiatingProcessFolderPath
	fRemoteUrl
	fRemoteIP
	nObsFields
)

// obsFieldNames are the enriched-row column names of the observation
// fields, in field order.
var obsFieldNames = [nObsFields]string{
	"SHA1", "FileName", "FolderPath", "Signer", "ProcessCommandLine", "AccountDomain", "AccountName",
	"AccountUpn", "InitiatingProcessFileName", "InitiatingProcessCommandLine", "InitiatingProcessFolderPath",
	"RemoteUrl", "RemoteIP",
}

// obsSources maps a table to the column each observation field is read
// from ("" for none). The binary is the row's subject: the created process
// in DeviceProcessEvents, the process that made the connection in
// DeviceNetworkEvents (so its parent is InitiatingProcessParentFileName).
// Other tables map columns of the same name.
var obsSources = map[string][nObsFields]string{
	tableProcess: {
		"SHA1", "FileName", "FolderPath", "", "ProcessCommandLine", "AccountDomain", "AccountName",
		"AccountUpn", "InitiatingProcessFileName", "InitiatingProcessCommandLine", "InitiatingProcessFolderPath",
		"", "",
	},
	tableNetwork: {
		"InitiatingProcessSHA1", "InitiatingProcessFileName", "InitiatingProcessFolderPath", "",
		"InitiatingProcessCommandLine", "InitiatingProcessAccountDomain", "InitiatingProcessAccountName",
		"InitiatingProcessAccountUpn", "InitiatingProcessParentFileName", "", "",
		"RemoteUrl", "RemoteIP",
	},
	tableFile: {
		"SHA1", "FileName", "FolderPath", "", "", "", "", "", "", "", "", "", "",
	},
	tableCert: {
		"SHA1", "", "", "Signer", "", "", "", "", "", "", "", "", "",
	},
}

// sourcesFor returns the field sources of a table.
func sourcesFor(t string) [nObsFields]string {
	if s, ok := obsSources[t]; ok {
		return s
	}
	return obsFieldNames
}

// account returns DOMAIN\name, name or the UPN.
func (o *observation) account() string {
	switch {
	case o.vals[fAccountName] != "" && o.vals[fAccountDomain] != "":
		return o.vals[fAccountDomain] + `\` + o.vals[fAccountName]
	case o.vals[fAccountName] != "":
		return o.vals[fAccountName]
	}
	return o.vals[fAccountUpn]
}

// rowObservation is the observation of a finding whose evidence was not
// found: the finding's own columns of the same names.
func rowObservation(f Finding) *observation {
	o := &observation{table: "", count: 1}
	for k, name := range obsFieldNames {
		if i := f.Schema.Index(name); i >= 0 && f.Row[i].Type.UsesStrings() {
			o.vals[k] = f.Row[i].S
		}
	}
	if i := f.Schema.Index("RemotePort"); i >= 0 && f.Row[i].Type.IsInteger() && !f.Row[i].Null {
		o.port, o.hasPort = f.Row[i].I, true
	}
	return o
}

// scanTable is a scan prepared over one table: the columns the joiner
// reads, by their index in the scanned batches (-1 when the table lacks
// them).
type scanTable struct {
	name    string
	req     engine.ScanRequest
	dev     int // DeviceId
	devName int // DeviceName
	ts      int // Timestamp
	report  int // ReportId
	src     [nObsFields]int
	port    int
	dropper int // DeviceFileEvents: InitiatingProcessFileName
	// keep, when set, selects the rows of a batch worth visiting; it reads
	// only the columns keepCols lists, so a store can decode the others
	// only for the rows it selects (late materialisation).
	keep     func(b *table.Batch) []int
	keepCols []int
}

// filter makes the scan visit only the rows keep selects. keep reads only
// the columns cols and must be safe for concurrent use.
func (st *scanTable) filter(cols []int, keep func(b *table.Batch) []int) {
	st.keep, st.keepCols = keep, cols
	fc := make([]bool, len(st.req.Columns))
	for _, c := range cols {
		if c >= 0 {
			fc[c] = true
		}
	}
	st.req.FilterCols = fc
	st.req.Filter = func(b *table.Batch) ([]int, error) { return keep(b), nil }
}

// strIn returns whether row i of string column c of b is in set, deciding
// each dictionary value once per batch; false for every row when c < 0.
func strIn(b *table.Batch, c int, set map[string]bool) func(i int) bool {
	if c < 0 || len(set) == 0 || b.Cols[c] == nil {
		return func(int) bool { return false }
	}
	col := b.Cols[c]
	if col.Dict != nil {
		in := make([]bool, len(col.Dict))
		any := false
		for k, v := range col.Dict {
			in[k] = set[v]
			any = any || in[k]
		}
		if !any {
			return func(int) bool { return false }
		}
		return func(i int) bool { return !col.IsNull(i) && in[col.Codes[i]] }
	}
	return func(i int) bool { return set[col.Str(i)] }
}

// prepare plans a scan of the table, or returns nil when the catalog does
// not know it.
func prepare(cat binder.Catalog, name string, lo, hi int64) *scanTable {
	info, ok := cat.Table(name)
	if !ok {
		return nil
	}
	st := &scanTable{name: name, req: engine.ScanRequest{Table: name}}
	col := func(n string, want func(types.Type) bool) int {
		src := n
		if a, ok := info.Aliases[n]; ok {
			src = a
		}
		for _, s := range []table.Schema{info.Columns, info.Optional} {
			for _, f := range s {
				if (f.Name == n || f.Name == src) && want(f.Type) {
					st.req.Columns = append(st.req.Columns, table.Field{Name: n, Type: f.Type})
					st.req.Sources = append(st.req.Sources, f.Name)
					return len(st.req.Columns) - 1
				}
			}
		}
		return -1
	}
	isStr := func(t types.Type) bool { return t.UsesStrings() }
	isInt := func(t types.Type) bool { return t.IsInteger() }
	st.dev, st.devName = col("DeviceId", isStr), col("DeviceName", isStr)
	st.ts = col(schema.TimeColumn, func(t types.Type) bool { return t == types.Datetime })
	if st.ts < 0 {
		st.ts = col(schema.SentinelTimeColumn, func(t types.Type) bool { return t == types.Datetime })
	}
	st.report, st.port = col("ReportId", isInt), col("RemotePort", isInt)
	st.dropper = -1
	if name == tableFile {
		st.dropper = col("InitiatingProcessFileName", isStr)
	}
	for k, c := range sourcesFor(name) {
		st.src[k] = -1
		if c != "" {
			st.src[k] = col(c, isStr)
		}
	}
	if st.ts >= 0 {
		f := st.req.Columns[st.ts]
		st.req.Time = &engine.TimeRange{Column: f.Name, Source: st.req.Sources[st.ts], Min: lo, Max: hi}
	}
	return st
}

// each calls fn for every row the scan returns.
func (st *scanTable) each(ctx context.Context, src engine.Source, fn func(b *table.Batch, r int)) error {
	it, err := src.Scan(ctx, st.req)
	if err != nil {
		return fmt.Errorf("%s: %v", st.name, err)
	}
	applied := false
	if fi, ok := it.(engine.FilteredIterator); ok {
		applied = fi.FilterApplied()
	}
	for {
		b, err := it.Next()
		if err != nil {
			return fmt.Errorf("%s: %v", st.name, err)
		}
		if b == nil {
			return nil
		}
		if st.keep != nil && !applied {
			for _, r := range st.keep(b) {
				fn(b, r)
			}
			continue
		}
		for r := 0; r < b.N; r++ {
			fn(b, r)
		}
	}
}

// str returns the string in column c of row i of b ("" when c < 0).
func str(b *table.Batch, c, i int) string {
	if c < 0 {
		return ""
	}
	col := b.Cols[c]
	if col.IsNull(i) {
		return ""
	}
	return col.Str(i)
}

// ticks returns the datetime in column c (ok false when absent or null).
func ticksAt(b *table.Batch, c, i int) (int64, bool) {
	if c < 0 || b.Cols[c].IsNull(i) {
		return 0, false
	}
	return b.Cols[c].Ints[i], true
}

// observe builds the observation of row i of b.
func (st *scanTable) observe(b *table.Batch, i int) observation {
	o := observation{table: st.name, count: 1}
	for k, c := range st.src {
		o.vals[k] = str(b, c, i)
	}
	if st.port >= 0 && !b.Cols[st.port].IsNull(i) {
		o.port, o.hasPort = b.Cols[st.port].Ints[i], true
	}
	if t, ok := ticksAt(b, st.ts, i); ok {
		o.first, o.last = t, t
	}
	return o
}

// devKey identifies a device: by id, or by name for findings without one.
type devKey struct {
	byName bool
	s      string
}

// rowKey identifies a Defender row: its table, device, report id and time.
type rowKey struct {
	table  string
	dev    string
	report int64
	ts     int64
}

// joiner builds the contexts of an Outcome's findings.
type joiner struct {
	ctx   context.Context
	out   *Outcome
	src   Source
	cat   binder.Catalog
	ref   int64 // reference time, ticks
	state []*joinState
}

// joinState is what the joiner gathers for one finding.
type joinState struct {
	dev      devKey
	lo, hi   int64 // evidence time bounds (ticks)
	since    int64 // oldest joined row
	binaries map[string]*Binary
	order    []string // SHA1s in order of first appearance
	obs      map[observation]*observation
	obsOrder []*observation
	seenRows map[rowKey]bool // evidence rows already observed
	fileObs  []observation   // DeviceFileEvents rows, used when nothing else
	certObs  []observation   // certificate evidence, used when nothing else
}

func newJoiner(ctx context.Context, out *Outcome, src Source) *joiner {
	j := &joiner{ctx: ctx, out: out, src: src, cat: src.Catalog(), ref: types.TicksFromTime(out.Result.ReferenceTime)}
	for _, it := range out.Items {
		s := &joinState{binaries: map[string]*Binary{}, obs: map[observation]*observation{}, seenRows: map[rowKey]bool{}}
		c := it.Context
		if c.DeviceID != "" {
			s.dev = devKey{s: c.DeviceID}
		} else if c.DeviceName != "" {
			s.dev = devKey{byName: true, s: c.DeviceName}
		}
		s.lo, s.hi, s.since = minTicks, j.ref, minTicks
		if !c.FirstSeen.IsZero() {
			s.lo = types.TicksFromTime(c.FirstSeen)
			s.since = types.TicksFromTime(c.FirstSeen.Add(-ContextLookback))
		}
		if !c.LastSeen.IsZero() {
			s.hi = types.TicksFromTime(c.LastSeen)
		}
		// The finding's own SHA1 columns name binaries even without
		// evidence rows.
		for _, n := range []string{"SHA1", "InitiatingProcessSHA1"} {
			if i := it.Schema.Index(n); i >= 0 && it.Row[i].Type.UsesStrings() && it.Row[i].S != "" {
				s.binary(it.Row[i].S)
			}
		}
		j.state = append(j.state, s)
	}
	return j
}

const minTicks = -1 << 63

// binary returns the finding's binary with this SHA1, adding it.
func (s *joinState) binary(sha string) *Binary {
	b := s.binaries[sha]
	if b == nil {
		b = &Binary{SHA1: sha}
		s.binaries[sha] = b
		s.order = append(s.order, sha)
	}
	return b
}

// addObs records an observation, merging identical ones.
func (s *joinState) addObs(o observation) {
	key := o
	key.count, key.first, key.last = 0, 0, 0
	if p := s.obs[key]; p != nil {
		p.count += o.count
		if o.first != 0 && (p.first == 0 || o.first < p.first) {
			p.first = o.first
		}
		if o.last > p.last {
			p.last = o.last
		}
		return
	}
	p := new(observation)
	*p = o
	s.obs[key] = p
	s.obsOrder = append(s.obsOrder, p)
}

func (j *joiner) run() error {
	if err := j.evidence(); err != nil {
		return err
	}
	if err := j.join(); err != nil {
		return err
	}
	for i, it := range j.out.Items {
		s := j.state[i]
		if len(s.obsOrder) == 0 {
			fallback := s.fileObs
			if len(fallback) == 0 {
				fallback = s.certObs
			}
			for _, o := range fallback {
				s.addObs(o)
			}
		}
		for _, o := range s.obsOrder {
			b := s.binaries[o.vals[fSHA1]]
			if b == nil {
				continue
			}
			if o.vals[fSigner] == "" && len(b.Signers) > 0 {
				o.vals[fSigner] = b.Signers[0]
			}
			appendNew(&b.FileNames, o.vals[fFileName])
			appendNew(&b.FolderPaths, o.vals[fFolderPath])
		}
		for _, sha := range s.order {
			it.Context.Binaries = append(it.Context.Binaries, *s.binaries[sha])
		}
		it.obs = s.obsOrder
	}
	return nil
}

// appendNew appends a non-empty string not yet in the list, up to
// MaxContextItems.
func appendNew(list *[]string, s string) {
	if s == "" || len(*list) >= MaxContextItems {
		return
	}
	for _, x := range *list {
		if x == s {
			return
		}
	}
	*list = append(*list, s)
}

// hits returns the findings whose device is row r's, looked up in m.
func hits[K comparable](st *scanTable, b *table.Batch, r int, m map[K][]int, key func(devKey) K) []int {
	var out []int
	if st.dev >= 0 {
		out = m[key(devKey{s: str(b, st.dev, r)})]
	}
	if st.devName >= 0 {
		if more := m[key(devKey{byName: true, s: str(b, st.devName, r)})]; len(more) > 0 {
			out = append(append([]int(nil), out...), more...)
		}
	}
	return out
}

// evidence finds the rows behind each finding: rows of the rule's tables
// with the finding's device and one of its report ids, inside its
// FirstSeen..LastSeen.
func (j *joiner) evidence() error {
	type evKey struct {
		dev    devKey
		report int64
	}
	cache := map[string][]string{}
	wanted := map[string]map[evKey][]int{}
	lo := map[string]int64{}
	for i, it := range j.out.Items {
		s := j.state[i]
		if s.dev.s == "" || len(it.Context.ReportIDs) == 0 {
			continue
		}
		for _, t := range ruleTables(it.Finding, cache) {
			m := wanted[t]
			if m == nil {
				m = map[evKey][]int{}
				wanted[t] = m
				lo[t] = s.lo
			}
			lo[t] = min(lo[t], s.lo)
			for _, r := range it.Context.ReportIDs {
				k := evKey{s.dev, r}
				m[k] = append(m[k], i)
			}
		}
	}
	for _, name := range sortedNames(wanted) {
		m := wanted[name]
		st := prepare(j.cat, name, lo[name], j.ref)
		if st == nil || st.report < 0 || (st.dev < 0 && st.devName < 0) {
			continue
		}
		ids, names := map[string]bool{}, map[string]bool{}
		for k := range m {
			if k.dev.byName {
				names[k.dev.s] = true
			} else {
				ids[k.dev.s] = true
			}
		}
		st.filter([]int{st.dev, st.devName, st.report}, func(b *table.Batch) []int {
			idIn, nameIn := strIn(b, st.dev, ids), strIn(b, st.devName, names)
			rep := b.Cols[st.report]
			var sel []int
			for r := 0; r < b.N; r++ {
				if (idIn(r) || nameIn(r)) && !rep.IsNull(r) {
					id := rep.Ints[r]
					if len(hits(st, b, r, m, func(d devKey) evKey { return evKey{d, id} })) > 0 {
						sel = append(sel, r)
					}
				}
			}
			return sel
		})
		err := st.each(j.ctx, j.src, func(b *table.Batch, r int) {
			rep := b.Cols[st.report]
			if rep.IsNull(r) {
				return
			}
			id := rep.Ints[r]
			hs := hits(st, b, r, m, func(d devKey) evKey { return evKey{d, id} })
			if len(hs) == 0 {
				return
			}
			ts, hasTS := ticksAt(b, st.ts, r)
			for _, fi := range hs {
				s := j.state[fi]
				if hasTS && (ts < s.lo || ts > s.hi || ts > j.ref) {
					continue
				}
				j.addEvidence(fi, st, b, r, ts, hasTS)
			}
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func (j *joiner) addEvidence(fi int, st *scanTable, b *table.Batch, r int, ts int64, hasTS bool) {
	it, s := j.out.Items[fi], j.state[fi]
	c := it.Context
	c.EvidenceRows++
	if c.EvidenceTable == "" {
		c.EvidenceTable = st.name
	}
	if hasTS && len(c.Events) < MaxEvents {
		c.Events = append(c.Events, types.TimeFromTicks(ts))
	}
	o := st.observe(b, r)
	if sha := o.vals[fSHA1]; sha != "" {
		bin := s.binary(sha)
		appendNew(&bin.Signers, o.vals[fSigner])
	}
	switch st.name {
	case tableProcess, tableNetwork:
		s.seenRows[st.key(b, r)] = true
		s.addObs(o)
	case tableCert:
		s.certObs = append(s.certObs, o)
	case tableFile:
		s.fileObs = append(s.fileObs, o)
	default:
		s.addObs(o)
	}
}

// key returns the identity of row r.
func (st *scanTable) key(b *table.Batch, r int) rowKey {
	k := rowKey{table: st.name, dev: str(b, st.dev, r)}
	if st.report >= 0 && !b.Cols[st.report].IsNull(r) {
		k.report = b.Cols[st.report].Ints[r]
	}
	k.ts, _ = ticksAt(b, st.ts, r)
	return k
}

// join adds the rows that share a binary with a finding on its device,
// from ContextLookback before its first sighting to the reference time:
// process creations of the binary, connections it made, its file events,
// and its signer from any device's certificate rows.
func (j *joiner) join() error {
	type jk struct {
		dev devKey
		sha string
	}
	wanted := map[jk][]int{}
	bySHA := map[string][]int{}
	since := int64(1<<63 - 1)
	for i, s := range j.state {
		for _, sha := range s.order {
			bySHA[sha] = append(bySHA[sha], i)
			if s.dev.s != "" {
				k := jk{s.dev, sha}
				wanted[k] = append(wanted[k], i)
			}
			since = min(since, s.since)
		}
	}
	if len(bySHA) == 0 {
		return nil
	}
	for _, name := range []string{tableProcess, tableNetwork, tableFile, tableCert} {
		st := prepare(j.cat, name, since, j.ref)
		if st == nil || st.src[fSHA1] < 0 {
			continue
		}
		shaCol := st.src[fSHA1]
		shas := make(map[string]bool, len(bySHA))
		for sha := range bySHA {
			shas[sha] = true
		}
		st.filter([]int{shaCol}, func(b *table.Batch) []int {
			in := strIn(b, shaCol, shas)
			var sel []int
			for r := 0; r < b.N; r++ {
				if in(r) {
					sel = append(sel, r)
				}
			}
			return sel
		})
		err := st.each(j.ctx, j.src, func(b *table.Batch, r int) {
			sha := str(b, shaCol, r)
			if sha == "" || len(bySHA[sha]) == 0 {
				return
			}
			ts, hasTS := ticksAt(b, st.ts, r)
			if hasTS && ts > j.ref {
				return
			}
			if name == tableCert {
				signer := str(b, st.src[fSigner], r)
				for _, fi := range bySHA[sha] {
					appendNew(&j.state[fi].binaries[sha].Signers, signer)
				}
				return
			}
			hs := hits(st, b, r, wanted, func(d devKey) jk { return jk{d, sha} })
			if len(hs) == 0 {
				return
			}
			o := st.observe(b, r)
			for _, fi := range hs {
				s := j.state[fi]
				if hasTS && ts < s.since {
					continue
				}
				if name == tableFile {
					bin := s.binaries[sha]
					appendNew(&bin.FileNames, o.vals[fFileName])
					appendNew(&bin.FolderPaths, o.vals[fFolderPath])
					appendNew(&bin.DroppedBy, str(b, st.dropper, r))
					s.fileObs = append(s.fileObs, o)
					continue
				}
				if s.seenRows[st.key(b, r)] {
					continue
				}
				s.addObs(o)
			}
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// sortedNames returns a map's keys in order, so that scans run in a stable
// order.
func sortedNames[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ruleTables returns the tables a rule reads: its requiredDataConnectors
// data types, else the tables its query scans.
func ruleTables(f Finding, cache map[string][]string) []string {
	r := f.Rule
	key := r.ID + "\x00" + r.Path + "\x00" + r.Name
	if ts, ok := cache[key]; ok {
		return ts
	}
	ts := r.DataTypes()
	if len(ts) == 0 {
		if q, err := query.Compile(r.QueryFile(), nil); err == nil {
			ts = q.ReadsTables()
		}
	}
	cache[key] = ts
	return ts
}
