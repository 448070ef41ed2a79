// Package parser builds the syntax tree (package ast) of a KQL query with a
// hand-written recursive-descent parser over the tokens of package scanner.
//
// ParseQuery parses a whole query: let, set and declare statements separated
// by semicolons and the tabular expression they lead to. ParseExpr parses one
// scalar expression. Both return every diagnostic they found: on a syntax
// error the parser records a message with a precise span (for example
// `expected ")" but found "|"`), skips to the next `|` or `;` and carries on,
// so several errors are reported in one pass. They never panic; an internal
// failure becomes a diagnostic.
//
// Lexical rules follow Kusto (see package scanner); where the documents are
// silent the official parser was followed: identifiers are ASCII, `.5` is
// not a number, a type keyword forms a typed literal only when "(" follows
// it directly.
//
// Keywords are contextual, as in Kusto: `count`, `by`, `kind`, `range`,
// `type` and the like are operator words only where an operator or clause can
// start, and plain names everywhere else. Operators with a dash in their name
// (mv-expand, project-away, parse-where, ...) are recognised where an
// operator is expected.
//
// Shapes worth knowing when consuming the tree:
//
//   - Integer literals written in hex (0x1F) get their decimal value in
//     BasicLit.Value; booleans (true, True, TRUE, ...) are "true" or
//     "false".
//   - A name may start with `$` ($table, the source column of search and
//     union withsource); $left and $right are *ast.DollarIdent.
//   - Adjacent string literals are joined into one BasicLit.
//   - Inside dynamic(...) a negative number is folded into one BasicLit
//     ("-1"); elsewhere it is a UnaryExpr.
//   - The right side of join/lookup and the legs of union are stored without
//     their parentheses; a wildcard leg or project-away pattern (Device*) is
//     an *ast.Ident whose name contains '*'.
//   - Conditions of join ... on A and B are split into separate On entries.
//   - mvexpand (the legacy spelling) sets MvExpandOp.Legacy.
//   - datatable values may end with a comma, as in Kusto.
//   - Operators without a dedicated node (render, make-series, top-nested,
//     mv-apply, serialize, ...) and the sources find, search and externaldata
//     become *ast.GenericOp with the raw source text; Args holds the
//     arguments when they form a plain expression list (for render: the
//     visualization name, then its properties as *ast.NamedExpr; for
//     externaldata: the schema as a *ast.TypeExpr, the URLs, then the
//     `with` properties).
//
// The parser does not resolve names or check types; that is the binder's job.
package parser
