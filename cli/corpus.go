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
	var n, parsed, bound, executed int
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
		stage, msg := runCorpusQuery(ent.Query, empty, data, now)
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
	fmt.Fprintf(e.stdout, "parsed %d/%d, bound %d/%d, executed %d/%d\n", parsed, n, bound, n, executed, n)
	return nil
}

// runCorpusQuery returns how far a query got (0 none, 1 parsed, 2 bound,
// 3 executed) and, when it stopped early, its first diagnostic.
func runCorpusQuery(text string, empty, data *engine.MemSource, now time.Time) (int, string) {
	file := token.NewFile("query", text)
	tree, pd := parser.ParseQuery(file)
	if pd != nil && pd.HasErrors() {
		return 0, firstDiag(pd)
	}
	stage := 1
	srcs := []*engine.MemSource{empty}
	if data != nil {
		srcs = append(srcs, data)
	}
	for i, src := range srcs {
		root, bd := binder.Bind(tree, file, binder.Options{Catalog: src.CatalogAt(now)})
		if bd != nil && bd.HasErrors() {
			return stage, firstDiag(bd)
		}
		if i == 0 {
			stage = 2
		}
		ctx, cancel := context.WithTimeout(context.Background(), corpusQueryTimeout)
		_, err := engine.Run(ctx, root, src, engine.Options{Now: ticksOf(now)})
		cancel()
		if err != nil {
			where := "empty tables"
			if i == 1 {
				where = "the data"
			}
			return stage, fmt.Sprintf("run over %s: %v", where, err)
		}
	}
	return 3, ""
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
