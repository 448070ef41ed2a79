package cli

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/rmmhunt/rmmhunt/engine"
	"github.com/rmmhunt/rmmhunt/hunt"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/store"
)

// openData returns the data a query or hunt runs over: the --data files,
// the --store folder, or, when neither is given, the default store if it
// exists (else no data).
func openData(e *env, d *dataFlags) (hunt.Source, error) {
	switch {
	case d.store != "" && len(d.data) > 0:
		return nil, usageErr("give --data or --store, not both")
	case d.store != "":
		if !store.Exists(d.store) {
			return nil, failErr(fmt.Errorf("%s is not an rmmhunt store (no %s): create it with rmmhunt ingest --store %s", d.store, store.ManifestName, d.store))
		}
		return openStore(d.store)
	case len(d.data) == 0 && store.Exists(store.DefaultDir):
		return openStore(store.DefaultDir)
	}
	return loadData(e, d)
}

func openStore(dir string) (*store.Store, error) {
	s, err := store.Open(dir)
	if err != nil {
		return nil, failErr(err)
	}
	return s, nil
}

// latestTime is the newest Timestamp of the data (from the manifest for a
// store).
func latestTime(src hunt.Source) (time.Time, bool) {
	switch s := src.(type) {
	case *store.Store:
		return s.LatestTime()
	case *engine.MemSource:
		return hunt.LatestTime(s.Tables)
	}
	return time.Time{}, false
}

func newStoreCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:   "store (stats | prune)",
		Short: "Inspect or prune the embedded store",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return usageErr("store needs a subcommand: stats or prune")
		},
	}
	c.AddCommand(newStoreStatsCmd(e), newStorePruneCmd(e))
	return c
}

func newStoreStatsCmd(e *env) *cobra.Command {
	var dir string
	c := &cobra.Command{
		Use:   "stats [--store DIR]",
		Short: "Print the store's tables, rows, time range and size per table and day",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if !store.Exists(dir) {
				return failErr(fmt.Errorf("%s is not an rmmhunt store (no %s)", dir, store.ManifestName))
			}
			s, err := openStore(dir)
			if err != nil {
				return err
			}
			writeStats(e.stdout, s.Stats())
			return nil
		},
	}
	c.Flags().StringVar(&dir, "store", store.DefaultDir, "store folder")
	return c
}

// writeStats prints the per-table summary, then the per-day lines.
func writeStats(w io.Writer, st store.Stats) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "table\tday\tfiles\trows\tbytes\tfrom\tto")
	line := func(t store.TableStats, day string) {
		from, to := "-", "-"
		if t.HasTime {
			from, to = types.FormatDatetime(t.MinTicks), types.FormatDatetime(t.MaxTicks)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s\t%s\n", t.Table, day, t.Files, t.Rows, sizeText(t.Bytes), from, to)
	}
	for _, t := range st.Tables {
		line(t, "all")
	}
	for _, d := range st.Days {
		line(d, d.Day)
	}
	tw.Flush()
	fmt.Fprintf(w, "total: %d tables, %d files, %d rows, %s; %d source files ingested; generation %d\n",
		len(st.Tables), st.Files, st.Rows, sizeText(st.Bytes), st.Sources, st.Generation)
}

// sizeText prints a byte count in binary units.
func sizeText(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func newStorePruneCmd(e *env) *cobra.Command {
	var dir, older, now string
	c := &cobra.Command{
		Use:   "prune --older-than AGE [--store DIR] [--now TIME]",
		Short: "Remove the days whose rows are all older than AGE (30d, 12h), atomically",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if older == "" {
				return usageErr("--older-than is required (for example 30d)")
			}
			age, err := parseAge(older)
			if err != nil {
				return usageErr("--older-than %q: %v", older, err)
			}
			if !store.Exists(dir) {
				return failErr(fmt.Errorf("%s is not an rmmhunt store (no %s)", dir, store.ManifestName))
			}
			s, err := openStore(dir)
			if err != nil {
				return err
			}
			ref, err := referenceTime(e, &dataFlags{now: now}, s)
			if err != nil {
				return err
			}
			cutoff := ref.Add(-age)
			res, err := s.Prune(cutoff)
			if err != nil {
				return failErr(err)
			}
			for _, d := range res.Days {
				fmt.Fprintf(e.stdout, "removed %s\n", d)
			}
			fmt.Fprintf(e.stdout, "pruned %d files, %d rows, %s older than %s\n",
				res.Files, res.Rows, sizeText(res.Bytes), types.FormatDatetime(types.TicksFromTime(cutoff)))
			return nil
		},
	}
	c.Flags().StringVar(&dir, "store", store.DefaultDir, "store folder")
	c.Flags().StringVar(&older, "older-than", "", "age of the rows to remove: a number and d, h, m or s (30d), or a Go duration")
	c.Flags().StringVar(&now, "now", "", "reference time the age counts from: RFC 3339, or 'latest' for the newest timestamp in the store (default: the clock)")
	return c
}

// parseAge reads 30d, 12h, 90m, 45s or a Go duration.
func parseAge(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if n := len(s); n > 1 && s[n-1] == 'd' {
		v, err := strconv.ParseFloat(s[:n-1], 64)
		if err != nil || v < 0 {
			return 0, errors.New("not a number of days")
		}
		return time.Duration(v * float64(24*time.Hour)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, errors.New("not an age such as 30d or 12h")
	}
	if d < 0 {
		return 0, errors.New("negative age")
	}
	return d, nil
}
