package hunt

import (
	"context"

	"github.com/rmmhunt/rmmhunt/engine"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/query"
	"github.com/rmmhunt/rmmhunt/schema"
	"github.com/rmmhunt/rmmhunt/table"
)

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

// scanTable is a table prepared for a scan: the columns the joiner reads.
type scanTable struct {
	name    string
	t       *table.Table
	dev     int // DeviceId
	devName int // DeviceName
	ts      int // Timestamp
	report  int // ReportId
	src     [nObsFields]int
	port    int
	dropper int // DeviceFileEvents: InitiatingProcessFileName
}

func prepare(name string, t *table.Table) *scanTable {
	st := &scanTable{name: name, t: t}
	c := tableCols(t, "DeviceId", "DeviceName", schema.TimeColumn, "ReportId", "RemotePort")
	st.dev, st.devName, st.ts, st.report, st.port = c[0], c[1], c[2], c[3], c[4]
	if st.ts < 0 {
		st.ts = t.Schema.Index(schema.SentinelTimeColumn)
	}
	if st.ts >= 0 && t.Schema[st.ts].Type != types.Datetime {
		st.ts = -1
	}
	if st.report >= 0 && !t.Schema[st.report].Type.IsInteger() {
		st.report = -1
	}
	if st.port >= 0 && !t.Schema[st.port].Type.IsInteger() {
		st.port = -1
	}
	st.dropper = -1
	if name == tableFile {
		st.dropper = t.Schema.Index("InitiatingProcessFileName")
	}
	srcs := sourcesFor(name)
	for k, col := range srcs {
		st.src[k] = -1
		if col != "" {
			if i := t.Schema.Index(col); i >= 0 && t.Schema[i].Type.UsesStrings() {
				st.src[k] = i
			}
		}
	}
	return st
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

// joiner builds the contexts of an Outcome's findings.
type joiner struct {
	ctx   context.Context
	out   *Outcome
	src   *engine.MemSource
	ref   int64 // reference time, ticks
	state []*joinState
}

// joinState is what the joiner gathers for one finding.
type joinState struct {
	dev      devKey
	lo, hi   int64 // evidence time bounds (ticks)
	binaries map[string]*Binary
	order    []string // SHA1s in order of first appearance
	obs      map[observation]*observation
	obsOrder []*observation
	seenRows map[rowRef]bool // evidence rows already observed
	fileObs  []observation   // DeviceFileEvents rows, used when nothing else
	certObs  []observation   // certificate evidence, used when nothing else
}

// rowRef identifies one stored row.
type rowRef struct {
	t     *table.Table
	batch int
	row   int
}

func newJoiner(ctx context.Context, out *Outcome, src *engine.MemSource) *joiner {
	j := &joiner{ctx: ctx, out: out, src: src, ref: types.TicksFromTime(out.Result.ReferenceTime)}
	for _, it := range out.Items {
		s := &joinState{binaries: map[string]*Binary{}, obs: map[observation]*observation{}, seenRows: map[rowRef]bool{}}
		c := it.Context
		if c.DeviceID != "" {
			s.dev = devKey{s: c.DeviceID}
		} else if c.DeviceName != "" {
			s.dev = devKey{byName: true, s: c.DeviceName}
		}
		s.lo, s.hi = minTicks, j.ref
		if !c.FirstSeen.IsZero() {
			s.lo = types.TicksFromTime(c.FirstSeen)
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

func (j *joiner) run() {
	j.evidence()
	j.join()
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

// evidence finds the rows behind each finding: rows of the rule's tables
// with the finding's device and one of its report ids, inside its
// FirstSeen..LastSeen.
func (j *joiner) evidence() {
	type evKey struct {
		dev    devKey
		report int64
	}
	cache := map[string][]string{}
	wanted := map[string]map[evKey][]int{}
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
			}
			for _, r := range it.Context.ReportIDs {
				k := evKey{s.dev, r}
				m[k] = append(m[k], i)
			}
		}
	}
	for name, m := range wanted {
		t := j.src.Tables[name]
		if t == nil || j.ctx.Err() != nil {
			continue
		}
		st := prepare(name, t)
		if st.report < 0 || (st.dev < 0 && st.devName < 0) {
			continue
		}
		for bi, b := range t.Batches {
			rep := b.Cols[st.report]
			for r := 0; r < b.N; r++ {
				if rep.IsNull(r) {
					continue
				}
				id := rep.Ints[r]
				var hits []int
				if st.dev >= 0 {
					hits = m[evKey{devKey{s: str(b, st.dev, r)}, id}]
				}
				if st.devName >= 0 {
					if more := m[evKey{devKey{byName: true, s: str(b, st.devName, r)}, id}]; len(more) > 0 {
						hits = append(append([]int(nil), hits...), more...)
					}
				}
				if len(hits) == 0 {
					continue
				}
				ts, hasTS := ticksAt(b, st.ts, r)
				for _, fi := range hits {
					s := j.state[fi]
					if hasTS && (ts < s.lo || ts > s.hi || ts > j.ref) {
						continue
					}
					j.addEvidence(fi, st, b, bi, r, ts, hasTS)
				}
			}
		}
	}
}

func (j *joiner) addEvidence(fi int, st *scanTable, b *table.Batch, bi, r int, ts int64, hasTS bool) {
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
		s.seenRows[rowRef{st.t, bi, r}] = true
		s.addObs(o)
	case tableCert:
		s.certObs = append(s.certObs, o)
	default:
		if st.name == tableFile {
			s.fileObs = append(s.fileObs, o)
		} else {
			s.addObs(o)
		}
	}
}

// join adds the rows that share a binary with a finding on its device:
// process creations of the binary, connections it made, its file events,
// and its signer from any device's certificate rows. Rows after the
// reference time are ignored.
func (j *joiner) join() {
	type jk struct {
		dev devKey
		sha string
	}
	wanted := map[jk][]int{}
	bySHA := map[string][]int{}
	for i, s := range j.state {
		for _, sha := range s.order {
			bySHA[sha] = append(bySHA[sha], i)
			if s.dev.s != "" {
				k := jk{s.dev, sha}
				wanted[k] = append(wanted[k], i)
			}
		}
	}
	if len(bySHA) == 0 {
		return
	}
	for _, name := range []string{tableProcess, tableNetwork, tableFile, tableCert} {
		t := j.src.Tables[name]
		if t == nil || j.ctx.Err() != nil {
			continue
		}
		st := prepare(name, t)
		shaCol := st.src[fSHA1]
		if shaCol < 0 {
			continue
		}
		for bi, b := range t.Batches {
			for r := 0; r < b.N; r++ {
				sha := str(b, shaCol, r)
				if sha == "" {
					continue
				}
				if name == tableCert {
					hits := bySHA[sha]
					if len(hits) == 0 {
						continue
					}
					if ts, ok := ticksAt(b, st.ts, r); ok && ts > j.ref {
						continue
					}
					signer := str(b, st.src[fSigner], r)
					for _, fi := range hits {
						appendNew(&j.state[fi].binaries[sha].Signers, signer)
					}
					continue
				}
				var hits []int
				if st.dev >= 0 {
					hits = wanted[jk{devKey{s: str(b, st.dev, r)}, sha}]
				}
				if st.devName >= 0 {
					if more := wanted[jk{devKey{byName: true, s: str(b, st.devName, r)}, sha}]; len(more) > 0 {
						hits = append(append([]int(nil), hits...), more...)
					}
				}
				if len(hits) == 0 {
					continue
				}
				if ts, ok := ticksAt(b, st.ts, r); ok && ts > j.ref {
					continue
				}
				o := st.observe(b, r)
				for _, fi := range hits {
					s := j.state[fi]
					if name == tableFile {
						bin := s.binaries[sha]
						appendNew(&bin.FileNames, o.vals[fFileName])
						appendNew(&bin.FolderPaths, o.vals[fFolderPath])
						appendNew(&bin.DroppedBy, str(b, st.dropper, r))
						s.fileObs = append(s.fileObs, o)
						continue
					}
					if s.seenRows[rowRef{t, bi, r}] {
						continue
					}
					s.addObs(o)
				}
			}
		}
	}
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
