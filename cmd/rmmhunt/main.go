// Command rmmhunt finds remote monitoring and management (RMM) software in
// Microsoft Defender / Sentinel telemetry by running Sentinel KQL hunting
// rules, as they are written, over exported data.
//
// Run `rmmhunt help` for the commands. Setting RMMHUNT_CPUPROFILE to a
// file name writes a CPU profile of the command there (see
// docs/performance.md).
package main

import (
	"fmt"
	"os"
	"runtime/pprof"

	"github.com/rmmhunt/rmmhunt/cli"
)

func main() {
	if path := os.Getenv("RMMHUNT_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "rmmhunt: RMMHUNT_CPUPROFILE:", err)
			os.Exit(2)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "rmmhunt: RMMHUNT_CPUPROFILE:", err)
			os.Exit(2)
		}
		code := cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
		pprof.StopCPUProfile()
		f.Close()
		os.Exit(code)
	}
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
