// Package gen generates deterministic synthetic Microsoft Defender endpoint
// telemetry for a fleet of Windows devices, with RMM tools installed on a
// few of them, for tests, demos and benchmarks.
//
// Generate writes three tables, DeviceFileCertificateInfo,
// DeviceProcessEvents and DeviceNetworkEvents, in the Defender streaming
// API storage-blob format: JSON Lines, one envelope per line
// ({"time", "tenantId", "operationName":"Publish",
// "category":"AdvancedHunting-<Table>", "properties":{row}}), rows ordered by
// Timestamp (the envelope time is the Timestamp plus a delivery delay of up
// to 40 minutes), datetimes with 7 fractional digits and Z, MachineGroup on
// every record, empty values as null, and ReportId increasing per device
// (18-digit values above 2^53 on some devices). Next to them it writes
// truth.json (see Truth): the fleet, the exact result every published
// jischell RMM rule ("Remote Management and Monitoring tool - <Tool> -
// File Signature | Create Process | Network Connection") must return at the
// reference time, and decoy rows that a substring or per-term match would
// wrongly report but has (whole-term matching) must not.
//
// The background is a benign fleet: workstations, laptops and servers
// (fin-ws-017.contoso.local, srv-app-02.contoso.local), about fifty
// code-signing signers with a heavy-tailed frequency, common process images
// and network destinations. RMM tools (TacticalRMM, NinjaRMM, AnyDesk,
// ConnectWise ScreenConnect, TeamViewer, Splashtop, Atera) are installed on
// about 7.5% of the devices (at least four), with signer subjects, PE
// version-info strings, file names and URLs that match the catalog facts
// of package catalog; TacticalRMM and NinjaRMM always appear both inside
// the rules' 5-day window and only before it, and some installs straddle
// the window start, so rows before End-5d exist and must not be counted.
//
// Output depends only on Options: the generator draws from a seeded PCG
// (math/rand/v2), never iterates a map to produce output and never reads
// the clock. Rows are generated in time chunks (a day, or a fraction of a
// day for large fleets) and streamed through bufio, so memory is bounded by
// about two million rows whatever the fleet size.
//
// The package does not evaluate rules; its tests contain a small has
// matcher to check that the truth and the decoys hold.
//
// # The committed sample
//
// examples/data holds the data set of ExampleOptions (40 devices, 10 days
// ending 2026-11-20T12:00:00Z, gzip). Regenerate it with
//
//	go generate ./gen
//
// which runs the directive below; TestExampleUpToDate fails while the
// sample is stale.
package gen

//go:generate go run ./internal/gensample -out ../examples/data
