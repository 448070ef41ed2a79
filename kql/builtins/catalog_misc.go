package builtins

// Functions the binder resolves itself, and remaining deprecated spellings.
func init() {
	// column_ifexists(name, default) is the column when the input has it,
	// the default otherwise; its name passes through when it is a column.
	def(&Func{Name: "column_ifexists", MinArgs: 2, MaxArgs: 2, Result: argType(1), Args: []ArgKind{ArgString, ArgAny},
		NameKind: NameFirstArg, Expanded: true})
	alias("columnifexists", "column_ifexists")
	alias("extractall", "extract_all")
}
