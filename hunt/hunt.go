// Package hunt runs Sentinel rules over telemetry and turns their result rows
// into findings that carry the rule's identity (id, name, MITRE tactics and
// techniques) and the reference time they were computed at.
//
// It compiles each rule's query against the data's catalog, so KQL
// diagnostics point into the rule's YAML file.
package hunt

import (
	"context"
	"time"

	"github.com/rmmhunt/rmmhunt/engine"
	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/diag"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/rules"
	"github.com/rmmhunt/rmmhunt/schema"
	"github.com/rmmhunt/rmmhunt/table"
)

// Finding is one result row of one rule.
type Finding struct {
	Rule          *rules.Rule
	ReferenceTime time.Time
	Schema        table.Schema
	Row           []types.Value
}

// RuleResult is the outcome of one rule.
type RuleResult struct {
	Rule     *rules.Rule
	Findings []Finding
	// Diags holds the rule's KQL diagnostics (warnings, or the errors that
	// stopped it).
	Diags *diag.List
	// Err is set when the rule could not run.
	Err error
}

// Result is the outcome of a hunt.
type Result struct {
	ReferenceTime time.Time
	Rules         []*RuleResult
}

// Findings returns every finding, rule after rule.
func (r *Result) Findings() []Finding {
	var out []Finding
	for _, rr := range r.Rules {
		out = append(out, rr.Findings...)
	}
	return out
}

// Failed returns the rules that could not run.
func (r *Result) Failed() []*RuleResult {
	var out []*RuleResult
	for _, rr := range r.Rules {
		if rr.Err != nil {
			out = append(out, rr)
		}
	}
	return out
}

// Source is the data a hunt runs over: an engine.Source with the binder
// catalog of its tables (engine.MemSource, store.Store).
type Source interface {
	engine.Source
	Catalog() binder.Catalog
}

// Run evaluates every rule over src with now as the reference time. A rule
// that fails to compile or run is recorded in its RuleResult; the others
// still run.
func Run(ctx context.Context, rs []*rules.Rule, src Source, now time.Time) *Result {
	return run(ctx, rs, src, now, true)
}

// LatestTime returns the newest event time in the tables (the Timestamp
// column, or TimeGenerated where a table has no Timestamp); ok is false
// when no table has a time value.
func LatestTime(tables map[string]*table.Table) (time.Time, bool) {
	var best int64
	found := false
	for _, t := range tables {
		col := t.Schema.Index(schema.TimeColumn)
		if col < 0 {
			col = t.Schema.Index(schema.SentinelTimeColumn)
		}
		if col < 0 || t.Schema[col].Type != types.Datetime {
			continue
		}
		for _, b := range t.Batches {
			c := b.Cols[col]
			for i, v := range c.Ints {
				if c.IsNull(i) {
					continue
				}
				if !found || v > best {
					best, found = v, true
				}
			}
		}
	}
	if !found {
		return time.Time{}, false
	}
	return types.TimeFromTicks(best), true
}
