// Command bench runs rmmhunt and DuckDB side by side on the same store and
// prints a Markdown table of median times. It is its own module so that
// the product stays free of cgo; bench/run.sh builds everything, writes a
// store and runs it (see docs/performance.md).
//
//	go run . -store DIR -bin RMMHUNT [-json FILE] [-runs 3]
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/rmmhunt/rmmhunt/hunt"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/pack/builtin"
	"github.com/rmmhunt/rmmhunt/query"
	"github.com/rmmhunt/rmmhunt/rules"
	"github.com/rmmhunt/rmmhunt/schema"
	"github.com/rmmhunt/rmmhunt/store"
)

var (
	storeDir = flag.String("store", "", "store folder (written by rmmhunt gen --store)")
	bin      = flag.String("bin", "", "rmmhunt binary, for the CLI runs")
	jsonFile = flag.String("json", "", "streaming-API JSON file of DeviceFileCertificateInfo for the ingest case (optional)")
	runs     = flag.Int("runs", 3, "alternating runs per case (medians)")
	only     = flag.String("only", "", "run only the cases whose name contains this text")
	tmpDir   = flag.String("tmp", os.TempDir(), "scratch folder for the ingest case")
)

func main() {
	flag.Parse()
	if *storeDir == "" || *bin == "" {
		fmt.Fprintln(os.Stderr, "usage: bench -store DIR -bin RMMHUNT [-json FILE] [-runs N]")
		os.Exit(2)
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// row is one line of the result table.
type row struct {
	name          string
	rmm, duck     float64 // seconds (or rows/s for ingest)
	peakMiB       float64
	note          string
	rate          bool // rmm and duck are rows/s: the ratio is duck/rmm... printed as rmm/duck of times
	noDuck        bool
	rmmCLI, extra float64
}

func run() error {
	ctx := context.Background()
	st, err := store.Open(*storeDir)
	if err != nil {
		return err
	}
	latest, ok := st.LatestTime()
	if !ok {
		return fmt.Errorf("store %s has no rows", *storeDir)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Exec("SET TimeZone='UTC'"); err != nil {
		return err
	}
	var threads string
	db.QueryRow("SELECT current_setting('threads')").Scan(&threads)
	fmt.Fprintf(os.Stderr, "store %s, newest row %s, %d CPUs, DuckDB threads %s\n", *storeDir, latest.Format(time.RFC3339Nano), runtime.NumCPU(), threads)
	for _, t := range st.TableNames() {
		var rows int64
		for _, f := range st.Manifest().Files {
			if f.Table == t {
				rows += f.Rows
			}
		}
		fmt.Fprintf(os.Stderr, "  %s: %d rows\n", t, rows)
	}

	pack, _, err := builtin.Rules()
	if err != nil {
		return err
	}
	byName := map[string]*rules.Rule{}
	for _, r := range pack {
		byName[r.Name] = r
	}
	rule := func(name string) *rules.Rule {
		r := byName["Remote Management and Monitoring tool - "+name]
		if r == nil {
			panic("no rule " + name)
		}
		return r
	}
	now := latest
	nowSQL := fmt.Sprintf("TIMESTAMPTZ '%s'", now.UTC().Format("2006-01-02 15:04:05.999999"))
	fromSQL := fmt.Sprintf("TIMESTAMPTZ '%s'", now.Add(-5*24*time.Hour).UTC().Format("2006-01-02 15:04:05.999999"))
	parquet := func(table string) string {
		return fmt.Sprintf("read_parquet('%s', union_by_name=true)", filepath.ToSlash(filepath.Join(*storeDir, table, "*", "*.parquet")))
	}
	timeWhere := fmt.Sprintf("Timestamp BETWEEN %s AND %s", fromSQL, nowSQL)

	var out []row
	cold := true
	add := func(r row) {
		out = append(out, r)
		printTable(out[len(out)-1:], len(out) == 1)
	}

	// One case: a rule run through the library and the CLI, and DuckDB's
	// forms of it.
	type duckForm struct {
		label, sql string
	}
	ruleCase := func(name string, r *rules.Rule, forms []duckForm) error {
		if *only != "" && !strings.Contains(name, *only) {
			return nil
		}
		q, err := query.Compile(r.QueryFile(), st.Catalog())
		if err != nil {
			return err
		}
		ruleFile := filepath.Join(*tmpDir, "bench-rule.kql")
		if err := os.WriteFile(ruleFile, []byte(r.Query), 0o644); err != nil {
			return err
		}
		var lib, cli []float64
		var peak float64
		duck := make([][]float64, len(forms))
		var libRows int
		duckRows := make([]int, len(forms))
		for i := 0; i < *runs; i++ {
			t0 := time.Now()
			res, err := q.Run(ctx, st, now)
			if err != nil {
				return fmt.Errorf("%s: %v", name, err)
			}
			d := time.Since(t0).Seconds()
			if cold {
				add(row{name: "cold: " + name + " (first run after the store was written)", rmm: d, noDuck: true})
				cold = false
			}
			lib = append(lib, d)
			libRows = res.Rows()
			c, pk, err := runCLI("query", "--store", *storeDir, "--now", "latest", "--format", "csv", "-f", ruleFile)
			if err != nil {
				return fmt.Errorf("%s CLI: %v", name, err)
			}
			cli = append(cli, c)
			peak = max(peak, pk)
			for j, f := range forms {
				t0 := time.Now()
				n, err := duckCount(db, f.sql)
				if err != nil {
					return fmt.Errorf("%s DuckDB %s: %v", name, f.label, err)
				}
				duck[j] = append(duck[j], time.Since(t0).Seconds())
				duckRows[j] = n
			}
		}
		for j, f := range forms {
			note := fmt.Sprintf("%d result rows", libRows)
			if duckRows[j] != libRows {
				note = fmt.Sprintf("result rows differ: rmmhunt %d, DuckDB %d", libRows, duckRows[j])
			}
			add(row{name: name + ", DuckDB " + f.label, rmm: median(lib), rmmCLI: median(cli), duck: median(duck[j]), peakMiB: peak, note: note})
		}
		return nil
	}

	// The TacticalRMM terms, as a DuckDB user writes has/has_any.
	tactical := []string{"AmidaWare", "Tactical Techs"}
	seed := rule("TacticalRMM - File Signature")
	certSelect := func(where string) string {
		return fmt.Sprintf(`SELECT DeviceId, DeviceName, min(Timestamp) AS FirstSeen, max(Timestamp) AS LastSeen,
  list(DISTINCT ReportId) AS Report, count(*) AS Count
FROM %s WHERE %s AND %s GROUP BY DeviceId, DeviceName`, parquet("DeviceFileCertificateInfo"), timeWhere, where)
	}
	if err := ruleCase("TacticalRMM File Signature (seed rule)", seed, []duckForm{
		{"word-boundary regex (exact)", certSelect(hasRegex("Signer", tactical))},
		{"ILIKE substring (inexact)", certSelect(ilike("Signer", tactical))},
	}); err != nil {
		return err
	}
	// --now latest: DuckDB finds the newest Timestamp itself.
	latestSQL := fmt.Sprintf(`WITH n AS (SELECT max(Timestamp) AS t FROM %s)
SELECT DeviceId, DeviceName, min(Timestamp), max(Timestamp), list(DISTINCT ReportId), count(*)
FROM %s, n WHERE Timestamp BETWEEN n.t - INTERVAL 5 DAY AND n.t AND %s GROUP BY DeviceId, DeviceName`,
		parquet("DeviceFileCertificateInfo"), parquet("DeviceFileCertificateInfo"), hasRegex("Signer", tactical))
	if err := ruleCase("seed rule, --now latest", seed, []duckForm{{"regex, now = max(Timestamp)", latestSQL}}); err != nil {
		return err
	}
	procSQL := fmt.Sprintf(`SELECT DeviceId, DeviceName, AccountUpn, min(Timestamp), max(Timestamp), list(DISTINCT ReportId), count(*)
FROM %s WHERE %s AND %s AND %s GROUP BY ALL`, parquet("DeviceProcessEvents"), timeWhere,
		hasRegex("ProcessVersionInfoCompanyName", tactical), hasRegex("ProcessVersionInfoProductName", []string{"Tactical RMM"}))
	if err := ruleCase("TacticalRMM Create Process", rule("TacticalRMM - Create Process"), []duckForm{{"regex", procSQL}}); err != nil {
		return err
	}
	netSQL := fmt.Sprintf(`SELECT DeviceId, DeviceName, InitiatingProcessAccountUpn, RemoteUrl, min(Timestamp), max(Timestamp), list(DISTINCT ReportId), count(*)
FROM %s WHERE %s AND %s AND %s GROUP BY ALL`, parquet("DeviceNetworkEvents"), timeWhere,
		hasRegex("RemoteUrl", []string{"tacticalrmm.io"}), hasRegex("InitiatingProcessVersionInfoCompanyName", tactical))
	if err := ruleCase("TacticalRMM Network Connection", rule("TacticalRMM - Network Connection"), []duckForm{{"regex", netSQL}}); err != nil {
		return err
	}
	all := rule("All Tools - Network Connection")
	uris := datatableFirstColumn(all.Query)
	allSQL := fmt.Sprintf(`SELECT DeviceId, DeviceName, InitiatingProcessAccountUpn,
  split_part(split_part(regexp_replace(RemoteUrl, '^http[s]?://', ''), '/', 1), ':', 1) AS Url, InitiatingProcessFileName,
  min(Timestamp), max(Timestamp), list(DISTINCT ReportId), count(*)
FROM %s WHERE %s AND %s GROUP BY ALL`, parquet("DeviceNetworkEvents"), timeWhere, hasRegex("RemoteUrl", uris))
	if err := ruleCase(fmt.Sprintf("All Tools Network Connection (%d URLs)", len(uris)), all, []duckForm{{"regex", allSQL}}); err != nil {
		return err
	}

	// The whole pack: one shared scan per table.
	if *only == "" || strings.Contains("pack", *only) {
		var lib, cli []float64
		var peak float64
		var findings, failed int
		for i := 0; i < *runs; i++ {
			t0 := time.Now()
			res := hunt.Run(ctx, pack, st, now)
			lib = append(lib, time.Since(t0).Seconds())
			findings, failed = len(res.Findings()), len(res.Failed())
			c, pk, err := runCLI("hunt", "--store", *storeDir, "--now", "latest", "--format", "json")
			if err != nil && !strings.Contains(err.Error(), "exit status 1") {
				return fmt.Errorf("pack CLI: %v", err)
			}
			cli = append(cli, c)
			peak = max(peak, pk)
		}
		add(row{name: fmt.Sprintf("whole RMM pack (%d rules, 3 tables)", len(pack)), rmm: median(lib), rmmCLI: median(cli), noDuck: true, peakMiB: peak,
			note: fmt.Sprintf("%d findings, %d rules failed", findings, failed)})
	}

	if *jsonFile != "" && (*only == "" || strings.Contains("ingest", *only)) {
		if err := ingestCase(db, add); err != nil {
			return err
		}
	}
	fmt.Println()
	printTable(out, true)
	return nil
}

// hasRegex is a DuckDB test equivalent to `col has_any (terms)`: the term
// (or phrase) with no letter or digit right before or after it, case
// insensitive. Kusto's terms are runs of letters and digits; \pL and \pN
// make the boundary Unicode-aware as rmmhunt's is.
func hasRegex(col string, terms []string) string {
	alts := make([]string, len(terms))
	for i, t := range terms {
		alts[i] = regexp.QuoteMeta(strings.ToLower(t))
	}
	re := `(?i)(^|[^\pL\pN])(` + strings.Join(alts, "|") + `)([^\pL\pN]|$)`
	return fmt.Sprintf("regexp_matches(%s, '%s')", col, strings.ReplaceAll(re, "'", "''"))
}

// ilike is the substring form: faster, but it also matches inside words.
func ilike(col string, terms []string) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = fmt.Sprintf("%s ILIKE '%%%s%%'", col, strings.ReplaceAll(t, "'", "''"))
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

var datatableItem = regexp.MustCompile(`(?m)^\s+'([^']*)', '[^']*',?\s*$`)

func datatableFirstColumn(q string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range datatableItem.FindAllStringSubmatch(q, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	return out
}

// duckCount runs a query and counts its rows (reading every value).
func duckCount(db *sql.DB, q string) (int, error) {
	rs, err := db.Query(q)
	if err != nil {
		return 0, err
	}
	defer rs.Close()
	cols, _ := rs.Columns()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	n := 0
	for rs.Next() {
		if err := rs.Scan(ptrs...); err != nil {
			return n, err
		}
		n++
	}
	return n, rs.Err()
}

// runCLI runs the rmmhunt binary and returns its wall time and peak
// resident memory (MiB).
func runCLI(args ...string) (secs, peakMiB float64, err error) {
	cmd := exec.Command(*bin, args...)
	cmd.Stdout = io.Discard
	var stderr strings.Builder
	cmd.Stderr = &stderr
	t0 := time.Now()
	err = cmd.Run()
	secs = time.Since(t0).Seconds()
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			peakMiB = float64(ru.Maxrss) / 1024
		}
	}
	if err != nil {
		err = fmt.Errorf("%v: %s", err, strings.TrimSpace(stderr.String()))
	}
	return secs, peakMiB, err
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func printTable(rs []row, header bool) {
	if header {
		fmt.Println("| case | rmmhunt s | duckdb s | ratio | rmmhunt peak MiB | notes |")
		fmt.Println("|---|---|---|---|---|---|")
	}
	for _, r := range rs {
		switch {
		case r.rate:
			fmt.Printf("| %s | %.0f rows/s | %.0f rows/s | %.2f | %.0f | %s |\n", r.name, r.rmm, r.duck, r.duck/r.rmm, r.peakMiB, r.note)
		case r.noDuck:
			cli := ""
			if r.rmmCLI > 0 {
				cli = fmt.Sprintf(" (CLI %.3f)", r.rmmCLI)
			}
			fmt.Printf("| %s | %.3f%s | — | — | %s | %s |\n", r.name, r.rmm, cli, peak(r.peakMiB), r.note)
		default:
			fmt.Printf("| %s | %.3f (CLI %.3f) | %.3f | %.2f | %s | %s |\n", r.name, r.rmm, r.rmmCLI, r.duck, r.rmm/r.duck, peak(r.peakMiB), r.note)
		}
	}
}

func peak(m float64) string {
	if m == 0 {
		return "—"
	}
	return fmt.Sprintf("%.0f", m)
}

// ingestCase times rmmhunt ingest (CLI, into a new store each run)
// against DuckDB's read_json with an explicit schema into a table.
func ingestCase(db *sql.DB, add func(row)) error {
	doc, ok := schema.Default().Lookup("DeviceFileCertificateInfo")
	if !ok {
		return fmt.Errorf("no schema")
	}
	var props []string
	for _, c := range doc.Schema() {
		props = append(props, fmt.Sprintf("%s %s", c.Name, duckType(c.Type)))
	}
	props = append(props, "MachineGroup VARCHAR")
	cols := fmt.Sprintf("{time: 'VARCHAR', tenantId: 'VARCHAR', operationName: 'VARCHAR', category: 'VARCHAR', properties: 'STRUCT(%s)'}", strings.Join(props, ", "))
	duckSQL := fmt.Sprintf("CREATE OR REPLACE TABLE cert AS SELECT properties.* FROM read_json('%s', format='newline_delimited', columns=%s)", *jsonFile, cols)
	var rmm, duck []float64
	var peakMiB float64
	var rows int64
	for i := 0; i < *runs; i++ {
		dir, err := os.MkdirTemp(*tmpDir, "bench-ingest-")
		if err != nil {
			return err
		}
		secs, pk, err := runCLI("ingest", "--store", dir, *jsonFile)
		if err != nil {
			return fmt.Errorf("ingest: %v", err)
		}
		s, err := store.Open(dir)
		if err != nil {
			return err
		}
		rows = 0
		for _, f := range s.Manifest().Files {
			rows += f.Rows
		}
		os.RemoveAll(dir)
		rmm = append(rmm, float64(rows)/secs)
		peakMiB = max(peakMiB, pk)
		t0 := time.Now()
		if _, err := db.Exec(duckSQL); err != nil {
			return fmt.Errorf("DuckDB read_json: %v", err)
		}
		d := time.Since(t0).Seconds()
		var n int64
		db.QueryRow("SELECT count(*) FROM cert").Scan(&n)
		db.Exec("DROP TABLE cert")
		duck = append(duck, float64(n)/d)
	}
	add(row{name: fmt.Sprintf("ingest %d streaming-API JSON rows (rows/s; ratio = DuckDB rate / rmmhunt rate)", rows), rmm: median(rmm), duck: median(duck), rate: true, peakMiB: peakMiB,
		note: "DuckDB: read_json, explicit schema, into a table"})
	return nil
}

func duckType(t types.Type) string {
	switch t {
	case types.Bool:
		return "BOOLEAN"
	case types.Int:
		return "INTEGER"
	case types.Long:
		return "BIGINT"
	case types.Real:
		return "DOUBLE"
	case types.Datetime:
		return "TIMESTAMPTZ"
	}
	return "VARCHAR"
}
