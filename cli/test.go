package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rmmhunt/rmmhunt/pack/builtin"
	"github.com/rmmhunt/rmmhunt/rules/ruletest"
)

func newTestCmd(e *env) *cobra.Command {
	var set ruleSet
	var verbose bool
	c := &cobra.Command{
		Use:   "test [DIR | FILE]... [--pack rmm] [--rules PATH]... [-v]",
		Short: "Run detection tests: rules against input rows with the findings expected",
		Long: "Run the detection tests in the YAML files given (a directory is searched for *.yaml),\n" +
			"or the built-in pack's own tests when none is given. A test names a rule (id or name),\n" +
			"gives input rows and the reference time, and lists the findings expected (or `none`).\n" +
			"The rules are the built-in pack's and those of --rules. Exit 0 when every test passes,\n" +
			"1 when one fails.",
		Args: cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, args []string) error {
			rs, err := set.load(e)
			if err != nil {
				return err
			}
			if set.pack == "" && len(set.paths) > 0 {
				// --rules alone: the pack's rules stay available by id.
				pk, err := packRules(builtin.Name)
				if err != nil {
					return err
				}
				rs = append(rs, pk...)
			}
			var files []*ruletest.File
			if len(args) == 0 {
				files, err = builtin.Tests()
				if err != nil {
					return failErr(err)
				}
			}
			for _, a := range args {
				fs, err := ruletest.LoadPath(a)
				if err != nil {
					return failErr(err)
				}
				files = append(files, fs...)
			}
			if len(files) == 0 {
				return failErr(fmt.Errorf("no test file found in %s", strings.Join(args, ", ")))
			}
			passed, failed := 0, 0
			for _, f := range files {
				for _, res := range ruletest.RunFile(context.Background(), f, rs) {
					if res.Pass {
						passed++
						if verbose {
							fmt.Fprintf(e.stdout, "ok    %s: %s\n", res.Where(), res.Test.Name)
						}
						continue
					}
					failed++
					fmt.Fprintf(e.stdout, "FAIL  %s: %s\n", res.Where(), res.Test.Name)
					for _, p := range res.Problems {
						fmt.Fprintf(e.stdout, "      %s\n", p)
					}
				}
			}
			fmt.Fprintf(e.stdout, "%d tests in %d files: %d passed, %d failed\n", passed+failed, len(files), passed, failed)
			if failed > 0 {
				return quietExit(ExitError)
			}
			return nil
		},
	}
	set.register(c)
	c.Flags().BoolVarP(&verbose, "verbose", "v", false, "also list the tests that pass")
	return c
}
