package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/rmmhunt/rmmhunt/engine"
	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/diag"
	"github.com/rmmhunt/rmmhunt/kql/parser"
	"github.com/rmmhunt/rmmhunt/kql/token"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// corpusEntry is one line of a query corpus (JSON Lines).
type corpusEntry struct {
	Name  string `json:"name"`
	Path  string `json:"path"`
	Query string `json:"query"`
}

// corpusQueryTimeout bounds the run of one corpus query.
const corpusQueryTimeout = 20 * time.Second

// checkCorpus measures how much of a query corpus parses, binds and runs.
// It prints one line per failing query and ends with the totals line
// `parsed P/N, bound B/N, executed E/N`. Execution is over empty tables of
// the schema and, when data is given, over that data too.
func checkCorpus(e *env, path string, d *dataFlags) error {
	f, err := os.Open(path)
	if err != nil {
		return failErr(err)
	}
	defer f.Close()
	empty := engine.NewMemSource(nil)
	var data *engine.MemSource
	if len(d.data) > 0 {
		if data, err = loadData(e, d); err != nil {
			return err
		}
	}
	now, err := referenceTime(e, d, empty)
	if data != nil {
		now, err = referenceTime(e, d, data)
	}
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	var n, parsed, bound, executed, split, external int
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		var ent corpusEntry
		if err := json.Unmarshal([]byte(text), &ent); err != nil {
			return failErr(fmt.Errorf("%s:%d: %v", path, line, err))
		}
		n++
		name := ent.Name
		if name == "" {
			name = fmt.Sprintf("%s:%d", path, line)
		}
		o := runCorpusQuery(ent.Query, empty, data, now)
		stage, msg := o.stage, o.msg
		if o.queries > 1 {
			split++
		}
		if o.emptyExternal > 0 {
			external++
		}
		if stage >= 1 {
			parsed++
		}
		if stage >= 2 {
			bound++
		}
		if stage >= 3 {
			executed++
			continue
		}
		fmt.Fprintf(e.stdout, "%s: %s\n", name, msg)
	}
	if err := sc.Err(); err != nil {
		return failErr(fmt.Errorf("%s: %v", path, err))
	}
	if split > 0 {
		fmt.Fprintf(e.stdout, "note: %d texts are several queries separated by blank lines (as Kusto's editors delimit them); each query was checked\n", split)
	}
	if external > 0 {
		fmt.Fprintf(e.stdout, "note: %d queries read externaldata with no local file (give one with --external URL=PATH); it was run as an empty table\n", external)
	}
	fmt.Fprintf(e.stdout, "parsed %d/%d, bound %d/%d, executed %d/%d\n", parsed, n, bound, n, executed, n)
	return nil
}

// corpusOutcome is how far one corpus entry got.
type corpusOutcome struct {
	// stage is 0 (nothing), 1 (parsed), 2 (bound) or 3 (executed).
	stage int
	// msg is the first diagnostic when the entry stopped early.
	msg string
	// queries is the number of queries the entry holds: more than one
	// when its text is several queries separated by blank lines.
	queries int
	// emptyExternal counts externaldata URLs read as empty tables.
	emptyExternal int
}

// runCorpusQuery returns how far a corpus entry got. A text that does not
// parse as one query but is several queries separated by blank lines (as
// Kusto's editors delimit them) is checked query by query; the entry gets
// as far as its weakest query.
func runCorpusQuery(text string, empty, data *engine.MemSource, now time.Time) corpusOutcome {
	file := token.NewFile("query", text)
	tree, pd := parser.ParseQuery(file)
	if pd == nil || !pd.HasErrors() {
		out := runCorpusTree(file, tree, empty, data, now)
		out.queries = 1
		return out
	}
	files, trees, ok := parser.SplitEditorQueries(file)
	if !ok {
		// One query, or parts that do not parse either: the whole
		// text's first error.
		return corpusOutcome{msg: firstDiag(pd), queries: 1}
	}
	res := corpusOutcome{stage: 3, queries: len(files)}
	for i, t := range trees {
		o := runCorpusTree(files[i], t, empty, data, now)
		res.emptyExternal += o.emptyExternal
		if o.stage < res.stage {
			res.stage, res.msg = o.stage, o.msg
		}
	}
	return res
}

// runCorpusTree binds and runs one parsed query: every tabular expression
// statement, over empty tables and then over the data, if any.
func runCorpusTree(file *token.File, tree *ast.Query, empty, data *engine.MemSource, now time.Time) corpusOutcome {
	stage := 1
	srcs := []*engine.MemSource{empty}
	if data != nil {
		srcs = append(srcs, data)
	}
	missing := 0
	for i, src := range srcs {
		roots, bd := binder.BindAll(tree, file, binder.Options{Catalog: src.CatalogAt(now)})
		if bd != nil && bd.HasErrors() {
			// Names and types that all resolve make the query bound,
			// even when a function in it is not computed: it stops
			// before running.
			if i == 0 && bd.OnlyNotComputed() {
				stage = 2
			}
			return corpusOutcome{stage: stage, msg: firstDiag(bd)}
		}
		if i == 0 {
			stage = 2
		}
		for _, root := range roots {
			ctx, cancel := context.WithTimeout(context.Background(), corpusQueryTimeout)
			opts := engine.Options{Now: ticksOf(now), MissingExternal: func(string) { missing++ }}
			_, err := engine.Run(ctx, root, src, opts)
			cancel()
			if err != nil {
				where := "empty tables"
				if i == 1 {
					where = "the data"
				}
				return corpusOutcome{stage: stage, msg: fmt.Sprintf("run over %s: %v", where, err)}
			}
		}
	}
	return corpusOutcome{stage: 3, emptyExternal: missing}
}

func firstDiag(l *diag.List) string {
	l.Sort()
	for _, d := range l.Items {
		if d.Severity != diag.Error {
			continue
		}
		kind := "error"
		if d.Unsupported {
			kind = "unsupported"
		}
		return fmt.Sprintf("%s: %s: %s", l.Position(d), kind, d.Msg)
	}
	return "error"
}

func ticksOf(t time.Time) int64 { return types.TicksFromTime(t) }
