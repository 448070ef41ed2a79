// Package ingest reads telemetry exported from Microsoft Defender and
// Microsoft Sentinel into typed, columnar tables (package table), ready for
// the query engine.
//
// It reads, detecting each format from content (never from the file
// extension alone):
//
//   - Defender streaming API output: Event Hub messages
//     {"records":[envelope, ...]} and storage-blob JSON Lines with one
//     envelope {"time", "category":"AdvancedHunting-<Table>",
//     "properties":{row}} per line;
//   - Advanced Hunting API and Graph runHuntingQuery responses
//     {"Schema":[...], "Results":[...]} (keys in any case) and Log Analytics
//     query API responses {"tables":[{"name","columns","rows"}]};
//   - CSV with a header row (Defender portal and Log Analytics exports);
//   - JSON Lines with one flat row per line (saved API results, Log
//     Analytics data export);
//   - Parquet files, recognised by the magic bytes PAR1: the store's own
//     (datetimes exact to the tick through their __100ns columns) and
//     those of DuckDB, Spark or pandas, read a few rows at a time;
//   - Event Hubs Capture files, recognised by the Avro magic bytes Obj\x01:
//     Avro object containers (null or deflate codec) whose records' Body
//     is a streaming API message {"records":[...]}.
//
// Gzip input is decompressed when it starts with the gzip magic bytes.
// Values are typed by the Defender schema of their table (package schema):
// long values stay exact beyond 2^53, datetimes become ticks, JSON objects
// in string columns are kept as compact JSON text. Columns the schema does
// not document are kept as extra columns, typed from their values, and
// reported as warnings. A row that cannot be typed is rejected with its
// file, line, column and a reason; it never stops the load, and the counts
// always add up (Read == Stored + Rejected).
//
// The package does not deduplicate rows, does not persist anything (see
// the store), does not read zip archives, and does not evaluate queries.
package ingest
