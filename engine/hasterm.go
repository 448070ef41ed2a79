package engine

// HasTerm reports whether hay has needle under KQL's case-insensitive has
// semantics: needle occurs in hay so that its first and last characters,
// when they are term characters, sit on term boundaries. It is the test the
// engine applies for `has` and each item of `has_any`, exported for code
// that must predict what a rule matches (the rule pack's indicator checks).
func HasTerm(hay, needle string) bool { return hasTerm(hay, needle, false) }
