// Package engine executes bound KQL queries (package kql/binder) over
// columnar batches (package table), with Kusto's semantics.
//
// Tables come from a Source; MemSource serves in-memory tables. Every now()
// and ago() of one run sees the same reference time, given by the caller.
// Predicates on dictionary-encoded string columns are decided once per
// distinct value. The engine never parses query text.
package engine

import (
	"context"
	"fmt"
	"regexp"
	"sync"

	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// BatchIterator yields batches until it returns (nil, nil).
type BatchIterator interface {
	Next() (*table.Batch, error)
}

// ScanRequest asks a Source for a table's rows.
type ScanRequest struct {
	Table string
	// Columns are the columns to produce, in order; Sources[i] is the stored
	// column to read when the data has no column named Columns[i].Name
	// (aliases such as TimeGenerated → Timestamp). A column found under
	// neither name reads as null.
	Columns table.Schema
	Sources []string
	// Time, when set, is the time range the query's filter allows (see
	// TimeRange); a Source may use it to skip partitions.
	Time *TimeRange
	// Filter, when set, selects the rows the query keeps (the predicates
	// of the Filters directly over the scan); FilterCols marks the
	// columns it reads. A Source may call it on a batch holding only
	// those columns (the others nil) and read the other columns only for
	// the rows whose indexes it returns. It is a hint like Time: the
	// engine applies the predicates to every row it gets. Filter is safe
	// for concurrent use: a Source may filter several batches at once, as
	// long as it returns the batches in its order.
	Filter     func(*table.Batch) ([]int, error)
	FilterCols []bool
	// Needed, when set, marks the columns the query reads; a Source may
	// return any column of the right type and length for the others (a
	// constant null is cheapest) instead of decoding it.
	Needed []bool
}

// FilteredIterator is a BatchIterator that can report having applied its
// request's Filter: when FilterApplied is true, every batch it returns
// holds exactly the rows Filter selected from the rows read, and the
// engine does not evaluate the predicates again.
type FilteredIterator interface {
	BatchIterator
	FilterApplied() bool
}

// Source provides table data.
type Source interface {
	Scan(ctx context.Context, req ScanRequest) (BatchIterator, error)
}

// Options configure one run.
type Options struct {
	// Now is the reference time (datetime ticks) that now() and ago() see.
	Now int64
	// External maps externaldata URLs to local files (nothing is
	// downloaded). When nil, the Source's ExternalFiles are used, if it
	// has any.
	External map[string]string
	// MissingExternal, when set, makes an externaldata URL with no local
	// file read as an empty table (after calling it with the URL) instead
	// of failing the query. Checkers use it to run a query's plan; a
	// result computed this way lacks that table's rows.
	MissingExternal func(url string)
}

// Run executes a bound query and returns its whole result.
func Run(ctx context.Context, root binder.Node, src Source, opts Options) (res *table.Table, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("engine: internal error: %v", r)
		}
	}()
	rs := newRun(ctx, src, opts)
	rs.planPushdown(root)
	rs.needed = planProjection(root)
	return rs.exec(root)
}

// runState is the state of one query run: reference time, data source and
// caches of values computed once per run. mu guards the caches: a Source
// may call a scan's Filter from several goroutines (see lateScan).
type runState struct {
	mu         sync.Mutex
	ctx        context.Context
	src        Source
	now        int64
	constCache map[*binder.Call]types.Value
	inLists    map[*binder.InList]*inList
	regexes    map[string]*regexp.Regexp
	scalars    map[*binder.Scalar]types.Value
	ev         *evaluator
	scanUses   map[*binder.Scan]*scanUse // see planPushdown
	needed     map[*binder.Scan][]bool   // see planProjection
	// materialized holds the result of each materialize() of the run.
	materialized map[*binder.Materialize]*table.Table
	// applyRows is the current input of each mv-apply subquery.
	applyRows map[*binder.ApplyRows]*table.Batch
	// externals maps externaldata URLs to local files.
	externals map[string]string
	// missingExternal is Options.MissingExternal.
	missingExternal func(url string)
}

func newRun(ctx context.Context, src Source, opts Options) *runState {
	rs := &runState{
		ctx: ctx, src: src, now: opts.Now,
		constCache: map[*binder.Call]types.Value{},
		inLists:    map[*binder.InList]*inList{},
		regexes:    map[string]*regexp.Regexp{},
		scalars:    map[*binder.Scalar]types.Value{},

		materialized:    map[*binder.Materialize]*table.Table{},
		applyRows:       map[*binder.ApplyRows]*table.Batch{},
		externals:       opts.External,
		missingExternal: opts.MissingExternal,
	}
	if rs.externals == nil {
		if f, ok := src.(ExternalFiler); ok {
			rs.externals = f.ExternalFiles()
		}
	}
	rs.ev = &evaluator{run: rs}
	return rs
}

// exec runs n to completion.
func (r *runState) exec(n binder.Node) (*table.Table, error) {
	it, err := r.iter(n)
	if err != nil {
		return nil, err
	}
	t := &table.Table{Schema: n.Schema()}
	for {
		b, err := it.Next()
		if err != nil {
			return nil, err
		}
		if b == nil {
			return t, nil
		}
		if b.N > 0 {
			t.Batches = append(t.Batches, b)
		}
	}
}

// scalar evaluates a tabular expression used as a scalar: the first column of
// its first row, or null when it has no row.
func (r *runState) scalar(s *binder.Scalar) (types.Value, error) {
	r.mu.Lock()
	v, ok := r.scalars[s]
	r.mu.Unlock()
	if ok {
		return v, nil
	}
	t, err := r.exec(s.Input)
	if err != nil {
		return types.Value{}, err
	}
	v = types.NullOf(s.T)
	for _, b := range t.Batches {
		if b.N > 0 {
			v = b.Cols[0].Get(0)
			break
		}
	}
	r.mu.Lock()
	r.scalars[s] = v
	r.mu.Unlock()
	return v, nil
}
