package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/rmmhunt/rmmhunt/gen"
	"github.com/rmmhunt/rmmhunt/hunt"
	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/diag"
	"github.com/rmmhunt/rmmhunt/kql/parser"
	"github.com/rmmhunt/rmmhunt/kql/token"
	"github.com/rmmhunt/rmmhunt/pack/builtin"
	"github.com/rmmhunt/rmmhunt/query"
	"github.com/rmmhunt/rmmhunt/report"
	"github.com/rmmhunt/rmmhunt/rules"
	"github.com/rmmhunt/rmmhunt/schema"
	"github.com/rmmhunt/rmmhunt/store"
)

func newQueryCmd(e *env) *cobra.Command {
	var d dataFlags
	var file string
	c := &cobra.Command{
		Use:   "query [--data PATH]... [--store DIR] [--table T] [--now TIME] [--format table|json|csv] (KQL | -f FILE)",
		Short: "Run one KQL query over Defender exports",
		Args:  cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, args []string) error {
			format, err := report.ParseFormat(d.format)
			if err != nil {
				return usageErr("%v", err)
			}
			name, text, err := readQueryArg(e, args, file)
			if err != nil {
				return err
			}
			src, err := openData(e, &d)
			if err != nil {
				return err
			}
			now, err := referenceTime(e, &d, src)
			if err != nil {
				return err
			}
			run, err := forRun(src, &d, now)
			if err != nil {
				return err
			}
			q, err := query.CompileAll(token.NewFile(name, text), run.Catalog())
			if q != nil && q.Diags != nil && len(q.Diags.Items) > 0 {
				fmt.Fprint(e.stderr, q.Diags.Format())
			}
			if err != nil {
				return quietExit(ExitError)
			}
			ts, err := q.RunAll(context.Background(), run, now)
			if err != nil {
				return failErr(err)
			}
			// Several tabular expression statements give several result
			// tables, written one after the other (a blank line between
			// them in the text formats).
			for i, t := range ts {
				if i > 0 {
					fmt.Fprintln(e.stdout)
				}
				if err := report.WriteTable(e.stdout, t, format); err != nil {
					return failErr(err)
				}
			}
			return nil
		},
	}
	d.register(c)
	c.Flags().StringVarP(&file, "file", "f", "", "read the query from FILE ('-' for standard input)")
	return c
}

func newHuntCmd(e *env) *cobra.Command {
	var d dataFlags
	var rulePaths []string
	var packName string
	var allowPath string
	var showSuppressed bool
	c := &cobra.Command{
		Use:   "hunt [--pack rmm] [--rules PATH...] [--data PATH]... [--store DIR] [--now TIME] [--allow FILE] [--show-suppressed] [--format table|json|csv|html]",
		Short: "Run Sentinel hunting rules over Defender exports and print the findings",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			format, err := report.ParseFindingsFormat(d.format)
			if err != nil {
				return usageErr("%v", err)
			}
			if len(rulePaths) == 0 && packName == "" {
				packName = builtin.Name // the built-in RMM pack by default
			}
			allow, err := loadAllowlist(e, allowPath)
			if err != nil {
				return err
			}
			var all []*rules.Rule
			if packName != "" {
				if all, err = packRules(packName); err != nil {
					return err
				}
			}
			failed := false
			for _, p := range rulePaths {
				rs, diags, err := rules.Load(p)
				if diags != nil && len(diags.Lists) > 0 {
					fmt.Fprint(e.stderr, diags.Format())
					if diags.HasErrors() {
						failed = true
					}
				}
				if err != nil {
					return failErr(err)
				}
				all = append(all, rs...)
			}
			if len(all) == 0 {
				return failErr(fmt.Errorf("no rule found in %s", strings.Join(rulePaths, ", ")))
			}
			src, err := openData(e, &d)
			if err != nil {
				return err
			}
			now, err := referenceTime(e, &d, src)
			if err != nil {
				return err
			}
			run, err := forRun(src, &d, now)
			if err != nil {
				return err
			}
			res := hunt.Run(context.Background(), all, run, now)
			for _, rr := range res.Rules {
				if rr.Diags != nil && len(rr.Diags.Items) > 0 {
					fmt.Fprint(e.stderr, rr.Diags.Format())
				}
				if rr.Err != nil {
					failed = true
					if rr.Diags == nil || !rr.Diags.HasErrors() {
						fmt.Fprintf(e.stderr, "%s: %v\n", rr.Rule.Path, rr.Err)
					}
				}
			}
			out, err := explain(e, res, src, allow)
			if err != nil {
				return err
			}
			if err := report.WriteOutcome(e.stdout, out, report.Options{Format: format, ShowSuppressed: showSuppressed}); err != nil {
				return failErr(err)
			}
			if failed {
				return quietExit(ExitError)
			}
			return nil
		},
	}
	d.register(c)
	c.Flags().StringArrayVar(&rulePaths, "rules", nil, "rule file or directory of rules (repeatable)")
	c.Flags().StringVar(&packName, "pack", "", "built-in rule pack to run ("+builtin.Name+"); the default when no --rules is given")
	c.Flags().StringVar(&allowPath, "allow", "", "allowlist YAML: sanctioned tools, devices and instances whose findings are suppressed (still counted)")
	c.Flags().BoolVar(&showSuppressed, "show-suppressed", false, "table format: also list the suppressed findings")
	c.Flags().Lookup("format").Usage = "output format: table, json, csv or html (one self-contained page)"
	return c
}

func newCheckCmd(e *env) *cobra.Command {
	var file, corpus string
	var d dataFlags
	c := &cobra.Command{
		Use:   "check (KQL | -f FILE | RULE.yaml...)",
		Short: "Parse and bind a query or rule files without running them",
		Long: "Parse and bind only. Exit 0 when valid, 1 when invalid, 3 when the KQL is valid\n" +
			"but uses something rmmhunt does not support yet (named in the message).",
		Args: cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if corpus != "" {
				if len(args) > 0 || file != "" {
					return usageErr("--corpus takes no query")
				}
				return checkCorpus(e, corpus, &d)
			}
			cat := binder.SchemaCatalog(schema.Default())
			if file == "" && len(args) > 0 && looksLikeRules(args) {
				return checkRules(e, args, cat)
			}
			name, text, err := readQueryArg(e, args, file)
			if err != nil {
				return err
			}
			return reportCheck(e, checkQueryText(token.NewFile(name, text), cat), 1)
		},
	}
	c.Flags().StringVarP(&file, "file", "f", "", "read the query from FILE ('-' for standard input)")
	c.Flags().StringVar(&corpus, "corpus", "", "measure a query corpus (JSON Lines of {\"name\", \"query\"}): parsed, bound and executed counts")
	c.Flags().StringArrayVar(&d.data, "data", nil, "with --corpus: also run every query over this data")
	c.Flags().StringVar(&d.table, "table", "", "with --corpus --data: table name for files that do not carry one")
	c.Flags().StringVar(&d.now, "now", "", "with --corpus: reference time (RFC 3339 or 'latest')")
	return c
}

// looksLikeRules reports whether every argument names a YAML file or a
// directory.
func looksLikeRules(args []string) bool {
	for _, a := range args {
		if rules.IsRuleFile(a) {
			continue
		}
		if st, err := os.Stat(a); err == nil && st.IsDir() {
			continue
		}
		return false
	}
	return true
}

func checkRules(e *env, paths []string, cat binder.Catalog) error {
	var lists []*diag.List
	n := 0
	for _, p := range paths {
		rs, diags, err := rules.Load(p)
		if diags != nil {
			lists = append(lists, diags.Lists...)
		}
		if err != nil {
			return failErr(err)
		}
		for _, r := range rs {
			n++
			q, _ := query.Compile(r.QueryFile(), cat)
			if q.Diags != nil && len(q.Diags.Items) > 0 {
				lists = append(lists, q.Diags)
			}
		}
	}
	if n == 0 && len(lists) == 0 {
		return failErr(fmt.Errorf("no rule file found in %s", strings.Join(paths, ", ")))
	}
	return reportCheck(e, lists, n)
}

// reportCheck prints diagnostics and decides the exit code: 1 if any genuine
// error, 3 if the only errors are unsupported constructs, 0 otherwise.
func reportCheck(e *env, lists []*diag.List, checked int) error {
	errorsN, unsupportedN, warningsN := 0, 0, 0
	for _, l := range lists {
		if l == nil {
			continue
		}
		fmt.Fprint(e.stdout, l.Format())
		for _, d := range l.Items {
			switch {
			case d.Severity == diag.Error && d.Unsupported:
				unsupportedN++
			case d.Severity == diag.Error:
				errorsN++
			case d.Severity == diag.Warning:
				warningsN++
			}
		}
	}
	if checked > 1 || errorsN+unsupportedN+warningsN > 0 {
		fmt.Fprintf(e.stdout, "checked %d: %d error%s, %d unsupported, %d warning%s\n",
			checked, errorsN, plural(errorsN), unsupportedN, warningsN, plural(warningsN))
	}
	switch {
	case errorsN > 0:
		return quietExit(ExitError)
	case unsupportedN > 0:
		return quietExit(ExitUnsupported)
	}
	return nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func newGenCmd(e *env) *cobra.Command {
	var (
		out          string
		devices      int
		days         int
		seed         int64
		end          string
		gzip         bool
		rowsPerDevDy int
		storeDir     string
		perTable     [3]float64
	)
	c := &cobra.Command{
		Use:   "gen (--out DIR | --store DIR) [--devices N] [--days D] [--seed S] [--end TIME]",
		Short: "Write deterministic synthetic fleet telemetry (streaming API format) and its truth.json",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if out == "" && storeDir == "" {
				return usageErr("--out or --store is required")
			}
			if devices < 1 || days < 1 {
				return usageErr("--devices and --days must be at least 1")
			}
			opts := gen.Options{Devices: devices, Days: days, Seed: seed, OutDir: out, Gzip: gzip, RowsPerDeviceDay: rowsPerDevDy,
				CertRowsPerDeviceDay: perTable[0], ProcessRowsPerDeviceDay: perTable[1], NetworkRowsPerDeviceDay: perTable[2]}
			if end != "" {
				t, err := time.Parse(time.RFC3339Nano, end)
				if err != nil {
					return usageErr("--end %q is not an RFC 3339 time", end)
				}
				opts.End = t
			}
			if storeDir != "" {
				return genStore(e, storeDir, opts)
			}
			truth, err := gen.Generate(opts)
			if err != nil {
				return failErr(err)
			}
			fmt.Fprintf(e.stdout, "wrote %d devices, %d days, %d RMM installs, %d decoys to %s (truth in %s)\n",
				devices, days, len(truth.Installs), len(truth.Decoys), out, filepath.Join(out, gen.TruthFile))
			return nil
		},
	}
	c.Flags().StringVar(&out, "out", "", "output directory")
	c.Flags().IntVar(&devices, "devices", 50, "number of devices")
	c.Flags().IntVar(&days, "days", 10, "number of days of data, ending at --end")
	c.Flags().Int64Var(&seed, "seed", 1, "random seed (same flags, same bytes)")
	c.Flags().StringVar(&end, "end", "", "newest timestamp of the data, RFC 3339 (default 2026-11-20T12:00:00Z)")
	c.Flags().BoolVar(&gzip, "gzip", false, "write gzip-compressed files")
	c.Flags().IntVar(&rowsPerDevDy, "rows-per-device-day", 0, "mean background rows per device and day (0: default)")
	c.Flags().StringVar(&storeDir, "store", "", "write the rows straight into this store (one commit) instead of JSON files; --out then only receives truth.json")
	c.Flags().Float64Var(&perTable[0], "cert-per-device-day", 0, "mean DeviceFileCertificateInfo rows per device and day (0: its share of --rows-per-device-day)")
	c.Flags().Float64Var(&perTable[1], "process-per-device-day", 0, "mean DeviceProcessEvents rows per device and day (0: its share)")
	c.Flags().Float64Var(&perTable[2], "network-per-device-day", 0, "mean DeviceNetworkEvents rows per device and day (0: its share)")
	return c
}

// genStore generates into a store: one commit, nothing visible before it.
func genStore(e *env, dir string, opts gen.Options) error {
	s, err := store.Open(dir)
	if err != nil {
		return failErr(err)
	}
	start := time.Now()
	w, err := s.NewWriter(store.IngestOptions{})
	if err != nil {
		return failErr(err)
	}
	defer w.Close()
	opts.Sink = w
	truth, err := gen.Generate(opts)
	if err != nil {
		return failErr(err)
	}
	res, err := w.Commit()
	if err != nil {
		return failErr(err)
	}
	secs := time.Since(start).Seconds()
	fmt.Fprintf(e.stdout, "stored %d rows (", res.Stored)
	for i, f := range truth.Files {
		if i > 0 {
			fmt.Fprint(e.stdout, ", ")
		}
		fmt.Fprintf(e.stdout, "%s %d", f.Table, f.Rows)
	}
	fmt.Fprintf(e.stdout, ") of %d devices, %d days, %d RMM installs, %d decoys in %s, %.1fs, %.0f rows/s",
		opts.Devices, opts.Days, len(truth.Installs), len(truth.Decoys), dir, secs, float64(res.Stored)/max(secs, 1e-9))
	if opts.OutDir != "" {
		fmt.Fprintf(e.stdout, " (truth in %s)", filepath.Join(opts.OutDir, gen.TruthFile))
	}
	fmt.Fprintln(e.stdout)
	return nil
}

// checkQueryText compiles a query text for check. A text that does not parse
// as one query but is several queries separated by blank lines (as Kusto's
// editors delimit them) is checked query by query, with the positions of the
// whole text.
func checkQueryText(f *token.File, cat binder.Catalog) []*diag.List {
	q, err := query.CompileAll(f, cat)
	if err == nil {
		return []*diag.List{q.Diags}
	}
	files, _, ok := parser.SplitEditorQueries(f)
	if !ok {
		return []*diag.List{q.Diags}
	}
	lists := make([]*diag.List, 0, len(files))
	for i, pf := range files {
		pq, _ := query.CompileAll(pf, cat)
		if i == 0 {
			pq.Diags.Warnf(parser.EditorQueries(f)[0], "the text is %d queries separated by blank lines; each is checked on its own", len(files))
			pq.Diags.Sort()
		}
		lists = append(lists, pq.Diags)
	}
	return lists
}
