// Package cli implements the rmmhunt command line: it parses flags and wires
// the library packages (ingest, query, rules, hunt, report, gen) together.
// It holds no detection or query logic of its own.
//
// Exit codes: 0 success, 1 query or data error, 2 usage error; `check` exits
// 3 for valid KQL that uses something not supported yet.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/rmmhunt/rmmhunt/engine"
	"github.com/rmmhunt/rmmhunt/hunt"
	"github.com/rmmhunt/rmmhunt/ingest"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/store"
)

// Exit codes.
const (
	ExitOK          = 0
	ExitError       = 1
	ExitUsage       = 2
	ExitUnsupported = 3
)

// exitError carries an exit code through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }

func usageErr(format string, args ...any) error {
	return &exitError{code: ExitUsage, err: fmt.Errorf(format, args...)}
}

func failErr(err error) error { return &exitError{code: ExitError, err: err} }

// quietExit ends the command with a code and no further message (the
// command already printed what went wrong).
func quietExit(code int) error { return &exitError{code: code} }

// env is what a command needs of its process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// clock returns the wall-clock time (the default reference time).
	clock func() time.Time
}

// Main runs the command line args (without the program name) and returns the
// process exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, clock: time.Now}
	root := newRoot(e)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	if err == nil {
		return ExitOK
	}
	var xe *exitError
	if errors.As(err, &xe) {
		if xe.err != nil {
			fmt.Fprintf(stderr, "rmmhunt: %v\n", xe.err)
		}
		return xe.code
	}
	// Errors from cobra itself are flag and argument errors.
	fmt.Fprintf(stderr, "rmmhunt: %v\n", err)
	return ExitUsage
}

func newRoot(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:           "rmmhunt",
		Short:         "Find remote monitoring and management tools in Defender telemetry with KQL hunting rules",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageErr("%v", err) })
	root.AddCommand(newQueryCmd(e), newHuntCmd(e), newCheckCmd(e), newGenCmd(e))
	root.AddCommand(newIngestCmd(e), newStoreCmd(e))
	root.AddCommand(newRulesCmd(e), newCatalogCmd(e), newTestCmd(e))
	return root
}

// dataFlags are the flags shared by commands that read telemetry.
type dataFlags struct {
	data     []string
	store    string
	table    string
	now      string
	format   string
	external []string
}

func (d *dataFlags) register(c *cobra.Command) {
	c.Flags().StringArrayVar(&d.data, "data", nil, "telemetry file or directory (repeatable; gzip, streaming API JSON, API JSON, CSV, NDJSON)")
	c.Flags().StringVar(&d.table, "table", "", "table name for files that do not carry one (CSV, NDJSON, API JSON)")
	c.Flags().StringVar(&d.store, "store", "", "store folder to query (made by rmmhunt ingest; default ./"+store.DefaultDir+" when it exists and no --data is given)")
	c.Flags().StringVar(&d.now, "now", "", "reference time for now()/ago(): RFC 3339, or 'latest' for the newest timestamp in the data (default: the clock)")
	c.Flags().StringVar(&d.format, "format", "table", "output format: table, json or csv")
	c.Flags().StringArrayVar(&d.external, "external", nil, externalFlagHelp)
}

// loadData reads the --data paths, printing rejects and warnings to stderr.
func loadData(e *env, d *dataFlags) (*engine.MemSource, error) {
	src := engine.NewMemSource(nil)
	if len(d.data) == 0 {
		return src, nil
	}
	res, err := ingest.Load(d.data, ingest.Options{Table: d.table, MaxRejects: 1000})
	if res != nil {
		for _, w := range res.Warnings {
			fmt.Fprintf(e.stderr, "note: %s\n", w)
		}
		const shown = 20
		for i, r := range res.Rejects {
			if i == shown {
				fmt.Fprintf(e.stderr, "and %d more rejected rows\n", res.Rejected-shown)
				break
			}
			fmt.Fprintf(e.stderr, "%s\n", r)
		}
		if res.Rejected > 0 {
			fmt.Fprintf(e.stderr, "data: read %d, stored %d, rejected %d\n", res.Read, res.Stored, res.Rejected)
		}
		src = engine.NewMemSource(res.Tables)
	}
	if err != nil {
		return nil, failErr(err)
	}
	return src, nil
}

// referenceTime resolves --now.
func referenceTime(e *env, d *dataFlags, src hunt.Source) (time.Time, error) {
	switch strings.TrimSpace(d.now) {
	case "":
		return e.clock().UTC(), nil
	case "latest":
		t, ok := latestTime(src)
		if !ok {
			return time.Time{}, failErr(errors.New("--now latest: the data has no timestamp"))
		}
		return t, nil
	}
	t, err := time.Parse(time.RFC3339Nano, d.now)
	if err != nil {
		if ticks, ok := types.ParseDatetime(d.now); ok {
			return types.TimeFromTicks(ticks), nil
		}
		return time.Time{}, usageErr("--now %q is not an RFC 3339 time or 'latest'", d.now)
	}
	return t.UTC(), nil
}

// readQueryArg returns the query text and its name from a positional
// argument or -f FILE ("-" reads standard input).
func readQueryArg(e *env, args []string, file string) (name, text string, err error) {
	switch {
	case file != "" && len(args) > 0:
		return "", "", usageErr("give the query as an argument or with -f, not both")
	case file == "-":
		b, err := io.ReadAll(e.stdin)
		if err != nil {
			return "", "", failErr(err)
		}
		return "stdin", string(b), nil
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", "", failErr(err)
		}
		return file, string(b), nil
	case len(args) == 1:
		return "query", args[0], nil
	case len(args) == 0:
		return "", "", usageErr("missing query: give KQL as an argument or -f FILE")
	}
	return "", "", usageErr("the query must be one argument (quote it)")
}
