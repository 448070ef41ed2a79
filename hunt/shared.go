package hunt

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/rmmhunt/rmmhunt/engine"
	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/query"
	"github.com/rmmhunt/rmmhunt/rules"
	"github.com/rmmhunt/rmmhunt/table"
)

// Shared scans.
//
// A rule pack holds hundreds of rules that read the same three tables,
// each through a time filter and a predicate. Run reads each such table
// once: before the rules run, it evaluates, in one scan of the table, a
// candidate predicate that every row any rule keeps must pass — the rules'
// common time filter and, from each rule's predicate, one necessary
// condition (an "anchor": a has, has_any, in~ or == test of one column),
// with the anchors on the same column merged into a single has_any or in~
// list. The rows that pass are kept in memory, and each rule then runs
// over them instead of the table.
//
// Results are identical to running each rule over the whole table: a rule
// is served the candidate rows only when every read of the table in its
// query sits under filters whose conjunction implies the candidate
// predicate, so every row that survives those filters is a candidate; the
// candidate rows keep the table's order. A rule whose query reads a table
// any other way (a join input, an unfiltered let, a window filter) reads
// the source as before. If the candidate scan fails, the rules read the
// source as before, so that errors are reported against the rule.

// RunEach evaluates every rule over src with now as the reference time,
// each rule scanning the tables it reads on its own. It returns what Run
// returns; it is the reference for Run's shared scans.
func RunEach(ctx context.Context, rs []*rules.Rule, src Source, now time.Time) *Result {
	return run(ctx, rs, src, now, false)
}

// run compiles the rules, optionally plans and runs the shared scans, and
// runs every rule.
func run(ctx context.Context, rs []*rules.Rule, src Source, now time.Time, shared bool) *Result {
	res := &Result{ReferenceTime: now}
	cat := src.Catalog()
	qs := make([]*query.Query, len(rs))
	for i, r := range rs {
		rr := &RuleResult{Rule: r}
		res.Rules = append(res.Rules, rr)
		q, err := query.Compile(r.QueryFile(), cat)
		rr.Diags = q.Diags
		if err != nil {
			rr.Err = err
			continue
		}
		qs[i] = q
	}
	var served []Source
	if shared {
		served = shareScans(ctx, qs, src, now)
	}
	for i, rr := range res.Rules {
		q := qs[i]
		if q == nil {
			continue
		}
		s := src
		if served != nil && served[i] != nil {
			s = served[i]
		}
		t, err := q.Run(ctx, s, now)
		if err != nil {
			rr.Err = fmt.Errorf("%s: %v", rr.Rule.Path, err)
			continue
		}
		for _, b := range t.Batches {
			for j := 0; j < b.N; j++ {
				rr.Findings = append(rr.Findings, Finding{Rule: rr.Rule, ReferenceTime: now, Schema: t.Schema, Row: b.Row(j)})
			}
		}
	}
	return res
}

// minSharedRules is the number of rules reading a table from which a
// shared scan pays.
const minSharedRules = 2

// shareScans plans and runs the shared scans; it returns, per query, the
// source to run it on (nil: the original source).
func shareScans(ctx context.Context, qs []*query.Query, src Source, now time.Time) []Source {
	plans := map[string]*tablePlan{}
	var order []string
	uses := make([][]string, len(qs)) // tables each eligible query reads
	for i, q := range qs {
		if q == nil || q.Root == nil {
			continue
		}
		tables, ok := planQuery(q.Root, plans, &order)
		if ok {
			uses[i] = tables
		}
	}
	readers := map[string]int{}
	for _, ts := range uses {
		for _, t := range ts {
			readers[t]++
		}
	}
	// Materialise the candidates of the tables several rules read, a table
	// after the tables its candidate predicate's subqueries read (those
	// subqueries belong to planned rules, so their rows are candidates).
	todo := map[string]bool{}
	for _, name := range order {
		if readers[name] >= minSharedRules {
			todo[name] = true
		}
	}
	cands := map[string]*table.Table{}
	ticks := types.TicksFromTime(now)
	for len(todo) > 0 {
		progress := false
		for _, name := range order {
			if !todo[name] {
				continue
			}
			ready := true
			for _, d := range plans[name].deps() {
				if todo[d] && d != name {
					ready = false
				}
			}
			if !ready {
				continue
			}
			delete(todo, name)
			progress = true
			if t, err := plans[name].run(ctx, &sharedSource{Source: src, tables: cands}, ticks); err == nil {
				cands[name] = compact(t)
			}
		}
		if !progress {
			break // a cycle: those tables are read from the source
		}
	}
	out := make([]Source, len(qs))
	var overlay *sharedSource
	for i, ts := range uses {
		if len(ts) == 0 {
			continue
		}
		all := true
		for _, t := range ts {
			if cands[t] == nil {
				all = false
			}
		}
		if !all {
			continue
		}
		if overlay == nil {
			overlay = &sharedSource{Source: src, tables: cands}
		}
		if _, ok := src.(engine.ExternalFiler); ok {
			out[i] = &sharedFilerSource{overlay}
		} else {
			out[i] = overlay
		}
	}
	return out
}

// compactRows is the size up to which compact joins candidate batches.
const compactRows = 1 << 16

// compact joins the candidate batches of a table, which hold the few rows
// each row group kept, into batches of up to compactRows rows whose
// dictionaries hold only the values of those rows: every rule then
// evaluates its predicates over a few batches and a few distinct values
// instead of once per row group and over each row group's dictionary.
func compact(t *table.Table) *table.Table {
	out := &table.Table{Name: t.Name, Schema: t.Schema}
	var run []*table.Batch
	rows := 0
	flush := func() {
		if len(run) > 0 {
			out.Batches = append(out.Batches, table.Concat(t.Schema, run))
		}
		run, rows = nil, 0
	}
	for _, b := range t.Batches {
		if rows+b.N > compactRows {
			flush()
		}
		run = append(run, b)
		rows += b.N
	}
	flush()
	return out
}

// sharedSource serves the candidate rows of the shared tables and passes
// other scans to the source.
type sharedSource struct {
	Source
	tables map[string]*table.Table
	// nulls stands in for the columns no rule reads, shared by the
	// rules' scans.
	nulls table.NullColumns
}

// sharedFilerSource is a sharedSource over a source that maps
// externaldata URLs to files.
type sharedFilerSource struct{ *sharedSource }

// ExternalFiles implements engine.ExternalFiler.
func (s *sharedFilerSource) ExternalFiles() map[string]string {
	return s.Source.(engine.ExternalFiler).ExternalFiles()
}

// Scan implements engine.Source.
func (s *sharedSource) Scan(ctx context.Context, req engine.ScanRequest) (engine.BatchIterator, error) {
	t, ok := s.tables[req.Table]
	if !ok {
		return s.Source.Scan(ctx, req)
	}
	idx := make([]int, len(req.Columns))
	for i, c := range req.Columns {
		idx[i] = t.Schema.Index(c.Name)
	}
	// Columns no rule reads are not in the shared table: shared null
	// columns stand in for them.
	bi := 0
	return batchFunc(func() (*table.Batch, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if bi >= len(t.Batches) {
			return nil, nil
		}
		b := t.Batches[bi]
		bi++
		out := &table.Batch{Schema: req.Columns, Cols: make([]*table.Column, len(req.Columns)), N: b.N}
		for i, c := range req.Columns {
			if idx[i] < 0 {
				out.Cols[i] = s.nulls.Get(c.Type, b.N)
				continue
			}
			out.Cols[i] = b.Cols[idx[i]]
		}
		return out, nil
	}), nil
}

type batchFunc func() (*table.Batch, error)

func (f batchFunc) Next() (*table.Batch, error) { return f() }

// tablePlan gathers what the rules need of one table: the union of the
// columns their scans read, and one candidate condition per read.
type tablePlan struct {
	name  string
	cols  table.Schema
	srcs  []string
	index map[string]int
	// disjuncts are the conditions of the reads: a read keeps a row when
	// every expression of one of its conjunctions holds.
	disjuncts [][]binder.Expr
}

// column returns the plan's index of a scan column, adding it; ok is false
// when the plan already has the name with another type or source.
func (p *tablePlan) column(c table.Field, src string) (int, bool) {
	if i, ok := p.index[c.Name]; ok {
		return i, p.cols[i].Type == c.Type && p.srcs[i] == src
	}
	p.index[c.Name] = len(p.cols)
	p.cols = append(p.cols, c)
	p.srcs = append(p.srcs, src)
	return len(p.cols) - 1, true
}

// planQuery adds the reads of one query to the plans. It returns the
// tables the query reads and whether every read is covered by filters
// (only then may the query be served candidate rows).
func planQuery(root binder.Node, plans map[string]*tablePlan, order *[]string) ([]string, bool) {
	w := newTreeWalk()
	w.node(root)
	if len(w.scans) == 0 {
		return nil, false
	}
	conds := make([][][]binder.Expr, len(w.scans))
	for i, s := range w.scans {
		c, ok := w.scanConds(s)
		if !ok {
			return nil, false
		}
		conds[i] = c
	}
	// Check the columns before changing any plan.
	for _, s := range w.scans {
		if p := plans[s.Table]; p != nil {
			for i, c := range s.Columns {
				if j, ok := p.index[c.Name]; ok && (p.cols[j].Type != c.Type || p.srcs[j] != scanSource(s, i)) {
					return nil, false
				}
			}
		}
	}
	// Only the columns some consumer reads join the plan (projection).
	needs := engine.NeededColumns(root)
	var tables []string
	seen := map[string]bool{}
	for si, s := range w.scans {
		p := plans[s.Table]
		if p == nil {
			p = &tablePlan{name: s.Table, index: map[string]int{}}
			plans[s.Table] = p
			*order = append(*order, s.Table)
		}
		remap := make([]int, len(s.Columns))
		need := needs[s]
		for i, c := range s.Columns {
			if need != nil && i < len(need) && !need[i] {
				remap[i] = -1
				continue
			}
			remap[i], _ = p.column(c, scanSource(s, i))
		}
		for _, conj := range conds[si] {
			var out []binder.Expr
			for _, e := range conj {
				if m, ok := remapExpr(e, remap, p.cols); ok {
					out = append(out, m)
				}
				// A conjunct that cannot be moved to the plan's columns
				// is left out: the condition only gets weaker.
			}
			p.disjuncts = append(p.disjuncts, out)
		}
		if !seen[s.Table] {
			seen[s.Table] = true
			tables = append(tables, s.Table)
		}
	}
	return tables, true
}

func scanSource(s *binder.Scan, i int) string {
	if i < len(s.Source) {
		return s.Source[i]
	}
	return ""
}

// deps returns the tables read by subqueries of the plan's conditions.
func (p *tablePlan) deps() []string {
	w := newTreeWalk()
	for _, conj := range p.disjuncts {
		for _, e := range conj {
			w.value(reflect.ValueOf(&e).Elem())
		}
	}
	var out []string
	for _, s := range w.scans {
		out = append(out, s.Table)
	}
	return out
}

// run evaluates the candidate predicate in one scan of the table.
func (p *tablePlan) run(ctx context.Context, src Source, now int64) (*table.Table, error) {
	scan := &binder.Scan{Table: p.name, Columns: p.cols, Source: p.srcs}
	var root binder.Node = scan
	if pred := p.predicate(); pred != nil {
		root = &binder.Filter{Input: scan, Pred: pred}
	}
	return engine.Run(ctx, root, src, engine.Options{Now: now})
}

// predicate builds the candidate predicate: per group of reads with the
// same time conditions, those conditions and the merged anchors of the
// reads' other conditions. nil means every row is a candidate.
func (p *tablePlan) predicate() binder.Expr {
	type group struct {
		time    []binder.Expr
		anchors []binder.Expr
		all     bool // a read without further conditions: every row in time
	}
	var keys []string
	groups := map[string]*group{}
	for _, conj := range p.disjuncts {
		var timeC, rest []binder.Expr
		for _, e := range conj {
			if isTimeCond(e) {
				timeC = append(timeC, e)
			} else {
				rest = append(rest, e)
			}
		}
		k := timeKey(timeC)
		g := groups[k]
		if g == nil {
			g = &group{time: timeC}
			groups[k] = g
			keys = append(keys, k)
		}
		if len(rest) == 0 {
			g.all = true
			continue
		}
		g.anchors = append(g.anchors, anchors(andAll(rest))...)
	}
	var out []binder.Expr
	for _, k := range keys {
		g := groups[k]
		conj := append([]binder.Expr(nil), g.time...)
		if !g.all {
			conj = append(conj, orAll(mergeAnchors(g.anchors)))
		}
		if len(conj) == 0 {
			return nil // a read of the whole table
		}
		out = append(out, andAll(conj))
	}
	return orAll(out)
}

// anchors returns a disjunction of simple conditions that holds whenever
// e holds: for "and", the best simple operand; for "or", the anchors of
// both sides; e itself otherwise.
func anchors(e binder.Expr) []binder.Expr {
	c, ok := e.(*binder.Call)
	if ok && len(c.Args) == 2 {
		switch c.Name {
		case "and":
			l, r := anchors(c.Args[0]), anchors(c.Args[1])
			if rank(l) >= rank(r) {
				return l
			}
			return r
		case "or":
			return append(anchors(c.Args[0]), anchors(c.Args[1])...)
		}
	}
	return []binder.Expr{e}
}

// rank scores an anchor disjunction: mergeable tests of one column are
// best; a disjunction is as good as its worst member.
func rank(l []binder.Expr) int {
	best := 3
	for _, e := range l {
		r := 1
		if _, _, ok := mergeable(e); ok {
			r = 3
		} else if simpleTest(e) {
			r = 2
		}
		best = min(best, r)
	}
	return best
}

// simpleTest reports whether e compares one column with constants.
func simpleTest(e binder.Expr) bool {
	switch x := e.(type) {
	case *binder.Call:
		if len(x.Args) == 2 {
			_, col := x.Args[0].(*binder.ColumnRef)
			return col && constant(x.Args[1])
		}
	case *binder.InList:
		_, col := x.X.(*binder.ColumnRef)
		return col && len(x.Tabular) == 0
	}
	return false
}

// mergeable reports whether e is a has, has_any, =~, in~, == or in test
// of a string column against constant strings; class groups the tests
// that merge into one list, and needles are the constants.
func mergeable(e binder.Expr) (class string, col *binder.ColumnRef, ok bool) {
	class, col, _, ok = mergeParts(e)
	return class, col, ok
}

func mergeParts(e binder.Expr) (class string, col *binder.ColumnRef, needles []binder.Expr, ok bool) {
	var x binder.Expr
	switch t := e.(type) {
	case *binder.Call:
		if len(t.Args) != 2 {
			return "", nil, nil, false
		}
		switch t.Name {
		case "has":
			class = "has_any"
		case "=~":
			class = "in~"
		case "==":
			class = "in"
		default:
			return "", nil, nil, false
		}
		x, needles = t.Args[0], t.Args[1:]
	case *binder.InList:
		switch t.Op {
		case "has_any", "in~", "in":
			class = t.Op
		default:
			return "", nil, nil, false
		}
		if len(t.Tabular) > 0 || len(t.Items) == 0 {
			return "", nil, nil, false
		}
		x, needles = t.X, t.Items
	default:
		return "", nil, nil, false
	}
	col, isCol := x.(*binder.ColumnRef)
	if !isCol || col.T != types.String {
		return "", nil, nil, false
	}
	for _, n := range needles {
		c, isConst := n.(*binder.Const)
		if !isConst || c.V.Null || c.V.Type != types.String {
			return "", nil, nil, false
		}
	}
	return class, col, needles, true
}

// mergeAnchors merges the mergeable anchors of the same class and column
// into one list test.
func mergeAnchors(list []binder.Expr) []binder.Expr {
	type key struct {
		class string
		col   int
	}
	var out []binder.Expr
	merged := map[key]*binder.InList{}
	seen := map[key]map[string]bool{}
	for _, e := range list {
		class, col, needles, ok := mergeParts(e)
		if !ok {
			out = append(out, e)
			continue
		}
		k := key{class, col.Index}
		l := merged[k]
		if l == nil {
			l = &binder.InList{Op: class, X: col}
			merged[k] = l
			seen[k] = map[string]bool{}
			out = append(out, l)
		}
		for _, n := range needles {
			s := n.(*binder.Const).V.S
			if class != "in" {
				s = strings.ToLower(s)
			}
			if !seen[k][s] {
				seen[k][s] = true
				l.Items = append(l.Items, n)
			}
		}
	}
	return out
}

// isTimeCond reports whether e bounds a datetime column by constants.
func isTimeCond(e binder.Expr) bool {
	switch x := e.(type) {
	case *binder.Between:
		c, ok := x.X.(*binder.ColumnRef)
		return ok && !x.Not && c.T == types.Datetime && constant(x.Lo) && constant(x.Hi)
	case *binder.Call:
		switch x.Name {
		case "<", "<=", ">", ">=", "==":
		default:
			return false
		}
		if len(x.Args) != 2 {
			return false
		}
		for i := 0; i < 2; i++ {
			if c, ok := x.Args[i].(*binder.ColumnRef); ok && c.T == types.Datetime && constant(x.Args[1-i]) {
				return true
			}
		}
	}
	return false
}

// constant reports whether e reads no column and no table.
func constant(e binder.Expr) bool {
	switch x := e.(type) {
	case *binder.Const:
		return true
	case *binder.Now:
		return x.Offset == nil || constant(x.Offset)
	case *binder.Call:
		for _, a := range x.Args {
			if !constant(a) {
				return false
			}
		}
		return true
	}
	return false
}

// timeKey identifies a set of time conditions by their text.
func timeKey(es []binder.Expr) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = exprKey(e)
	}
	sort.Strings(parts)
	return strings.Join(parts, " & ")
}

// exprKey renders an expression made of columns, constants, now() and
// calls (time conditions) as text.
func exprKey(e binder.Expr) string {
	switch x := e.(type) {
	case *binder.ColumnRef:
		return "$" + x.Name
	case *binder.Const:
		return x.V.Type.String() + ":" + x.V.String()
	case *binder.Now:
		if x.Offset == nil {
			return "now()"
		}
		return fmt.Sprintf("now(%v,%s)", x.Neg, exprKey(x.Offset))
	case *binder.Call:
		parts := make([]string, len(x.Args))
		for i, a := range x.Args {
			parts[i] = exprKey(a)
		}
		return x.Name + "(" + strings.Join(parts, ",") + ")"
	case *binder.Between:
		return fmt.Sprintf("between(%v,%s,%s,%s)", x.Not, exprKey(x.X), exprKey(x.Lo), exprKey(x.Hi))
	}
	return fmt.Sprintf("%T@%p", e, e)
}

func andAll(es []binder.Expr) binder.Expr { return fold("and", es) }
func orAll(es []binder.Expr) binder.Expr  { return fold("or", es) }

// fold joins expressions with a binary and/or, as the binder builds them.
func fold(op string, es []binder.Expr) binder.Expr {
	if len(es) == 0 {
		return nil
	}
	out := es[0]
	for _, e := range es[1:] {
		out = &binder.Call{Name: op, Args: []binder.Expr{out, e}, T: types.Bool}
	}
	return out
}

// remapExpr copies e with its column references moved to the plan's
// columns; ok is false for expressions it does not know how to copy.
func remapExpr(e binder.Expr, remap []int, cols table.Schema) (binder.Expr, bool) {
	switch x := e.(type) {
	case *binder.ColumnRef:
		if x.Index < 0 || x.Index >= len(remap) || remap[x.Index] < 0 {
			return nil, false
		}
		c := *x
		c.Index = remap[x.Index]
		return &c, true
	case *binder.Const, *binder.Now:
		return e, constant(e)
	case *binder.Call:
		c := *x
		c.Args = make([]binder.Expr, len(x.Args))
		for i, a := range x.Args {
			m, ok := remapExpr(a, remap, cols)
			if !ok {
				return nil, false
			}
			c.Args[i] = m
		}
		return &c, true
	case *binder.Between:
		c := *x
		var ok1, ok2, ok3 bool
		c.X, ok1 = remapExpr(x.X, remap, cols)
		c.Lo, ok2 = remapExpr(x.Lo, remap, cols)
		c.Hi, ok3 = remapExpr(x.Hi, remap, cols)
		return &c, ok1 && ok2 && ok3
	case *binder.InList:
		c := *x
		var ok bool
		if c.X, ok = remapExpr(x.X, remap, cols); !ok {
			return nil, false
		}
		c.Items = make([]binder.Expr, len(x.Items))
		for i, it := range x.Items {
			if c.Items[i], ok = remapExpr(it, remap, cols); !ok {
				return nil, false
			}
		}
		// Tabular items read other tables, never the row: shared as they
		// are.
		return &c, true
	}
	return nil, false
}

// treeWalk finds every Scan of a bound tree and how each node is
// consumed: by the Input of plain Filters, or otherwise. It uses
// reflection so that operators added to the binder later are walked too.
type treeWalk struct {
	scans   []*binder.Scan
	filters map[binder.Node][]*binder.Filter // node -> plain Filters reading it
	other   map[binder.Node]bool             // node read by anything else
	seen    map[binder.Node]bool
	memo    map[*binder.Filter][][]binder.Expr
}

func newTreeWalk() *treeWalk {
	return &treeWalk{filters: map[binder.Node][]*binder.Filter{}, other: map[binder.Node]bool{},
		seen: map[binder.Node]bool{}, memo: map[*binder.Filter][][]binder.Expr{}}
}

// maxDisjuncts bounds the conditions collected for one scan; past it the
// chain is cut short, which only weakens the condition.
const maxDisjuncts = 64

var nodeType = reflect.TypeOf((*binder.Node)(nil)).Elem()

// node visits n and what it reads.
func (w *treeWalk) node(n binder.Node) {
	if n == nil || w.seen[n] {
		return
	}
	w.seen[n] = true
	switch x := n.(type) {
	case *binder.Scan:
		w.scans = append(w.scans, x)
		return
	case *binder.Filter:
		if x.Window {
			w.other[x.Input] = true
		} else {
			w.filters[x.Input] = append(w.filters[x.Input], x)
		}
		w.node(x.Input)
		w.value(reflect.ValueOf(&x.Pred).Elem())
		return
	}
	if v := reflect.ValueOf(n); v.Kind() == reflect.Pointer && !v.IsNil() {
		w.value(v.Elem())
	}
}

// value walks a value of a node's fields, marking the nodes it holds as
// read by something other than a plain Filter's Input.
func (w *treeWalk) value(v reflect.Value) {
	switch v.Kind() {
	case reflect.Interface:
		if !v.IsNil() {
			w.value(v.Elem())
		}
	case reflect.Pointer:
		if v.IsNil() || !v.CanInterface() {
			return
		}
		if n, ok := v.Interface().(binder.Node); ok {
			w.otherRead(n)
			return
		}
		if v.Type().Elem().Kind() == reflect.Struct && v.Type().Elem().PkgPath() != binderPkgPath {
			return // values, schemas and other data hold no nodes
		}
		w.value(v.Elem())
	case reflect.Struct:
		if v.Type().PkgPath() != binderPkgPath {
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				w.value(v.Field(i))
			}
		}
	case reflect.Slice, reflect.Array:
		switch v.Type().Elem().Kind() {
		case reflect.Interface, reflect.Pointer, reflect.Struct, reflect.Slice:
		default:
			return
		}
		for i := 0; i < v.Len(); i++ {
			w.value(v.Index(i))
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			w.value(it.Value())
		}
	}
}

var binderPkgPath = reflect.TypeOf(binder.Scan{}).PkgPath()

// otherRead records that n is read other than through a Filter's Input
// and visits it. The node's own fields are walked by node, which treats a
// Filter specially; a node reached here directly (through a field of
// another node) is marked.
func (w *treeWalk) otherRead(n binder.Node) {
	w.other[n] = true
	w.node(n)
}

// scanConds returns the conditions under which a scan's rows are used: a
// disjunction of conjunctions over the scan's columns. ok is false when
// some consumer reads the scan unfiltered.
func (w *treeWalk) scanConds(s *binder.Scan) ([][]binder.Expr, bool) {
	fs := w.filters[s]
	if w.other[s] || len(fs) == 0 {
		return nil, false
	}
	var out [][]binder.Expr
	for _, f := range fs {
		out = append(out, w.filterConds(f, 0)...)
	}
	return out, true
}

// filterConds returns the conjunctions a row passing f (and the Filters
// over it, as far as they go) meets.
func (w *treeWalk) filterConds(f *binder.Filter, depth int) [][]binder.Expr {
	if c, ok := w.memo[f]; ok {
		return c
	}
	up := w.filters[f]
	var out [][]binder.Expr
	if w.other[f] || len(up) == 0 || depth > 32 {
		out = [][]binder.Expr{{f.Pred}}
	} else {
		for _, g := range up {
			for _, c := range w.filterConds(g, depth+1) {
				out = append(out, append([]binder.Expr{f.Pred}, c...))
			}
		}
		if len(out) > maxDisjuncts {
			out = [][]binder.Expr{{f.Pred}}
		}
	}
	w.memo[f] = out
	return out
}
