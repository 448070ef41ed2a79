// Package pack builds rmmhunt's built-in RMM rule pack: Sentinel hunting
// rules, in the shape of the published Remote Management and Monitoring rule
// set, for every tool of the catalog (package catalog) with indicators good
// enough to hunt on, and the detection tests that go with them.
//
// Three inputs decide the pack:
//
//   - published.json records, as facts, what each published rule matches
//     (tables, columns, operators, terms, how they combine, the summarize
//     keys, the rule ids) and the defects found in them. Tools with a
//     published rule keep its exact logic and id, corrected where the
//     published query is not valid KQL.
//   - the catalog supplies the indicators of the other tools and of the
//     variants the published set lacks.
//   - quality.yaml lists known-benign vendors, shared services and generic
//     file names. Every indicator is checked against it and against the
//     other tools' indicators; what is dropped or down-graded is recorded in
//     the rule with the reason and the indicator's source.
//
// Build returns the pack; the rmmhunt-packgen command writes it under
// pack/builtin, which embeds it in the binary. The package does not run
// rules (package hunt does).
package pack
