// Command rmmhunt finds remote monitoring and management (RMM) software in
// Microsoft Defender / Sentinel telemetry by running Sentinel KQL hunting
// rules, as they are written, over exported data.
//
// Run `rmmhunt help` for the commands.
package main

import (
	"os"

	"github.com/rmmhunt/rmmhunt/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
