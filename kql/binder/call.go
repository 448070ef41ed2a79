package binder

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/builtins"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// CompileRegex compiles a Kusto regular expression (RE2 family). Character
// class set operations (&&, --, ~~), which Go's regexp lacks, are refused.
func CompileRegex(pattern string) (*regexp.Regexp, error) {
	for _, op := range []string{"&&", "--", "~~"} {
		if i := strings.Index(pattern, op); i >= 0 && insideClass(pattern, i) {
			return nil, fmt.Errorf("character class set operation %q is not supported", op)
		}
	}
	return regexp.Compile(pattern)
}

func insideClass(p string, at int) bool {
	depth := 0
	for i := 0; i < at && i < len(p); i++ {
		switch p[i] {
		case '\\':
			i++
		case '[':
			depth++
		case ']':
			if depth > 0 {
				depth--
			}
		}
	}
	return depth > 0
}

func (b *binder) bindCall(sc *scope, row *rowScope, x *ast.CallExpr) Expr {
	name := x.Fun.Name
	allowTuple := b.tupleCall
	b.tupleCall = false
	// User functions shadow built-ins.
	if bd := sc.lookup(name); bd != nil && bd.fn != nil {
		return b.callUserScalar(sc, row, x, bd)
	}
	switch name {
	case "now":
		n := &Now{Pos: x.Pos}
		if len(x.Args) > 1 {
			b.errorf(x.Pos, "now takes at most one argument")
			return unknownExpr(x.Pos)
		}
		if len(x.Args) == 1 {
			off := b.bindScalar(sc, row, x.Args[0])
			if isUnknown(off) {
				return off
			}
			if off.Type() != types.Timespan {
				b.errorf(off.Span(), "now() takes a timespan offset, got %s", off.Type())
				return unknownExpr(x.Pos)
			}
			n.Offset = off
		}
		return n
	case "ago":
		if len(x.Args) != 1 {
			b.errorf(x.Pos, "ago takes one timespan argument")
			return unknownExpr(x.Pos)
		}
		off := b.bindScalar(sc, row, x.Args[0])
		if isUnknown(off) {
			return off
		}
		if off.Type() != types.Timespan {
			b.errorf(off.Span(), "ago() takes a timespan, got %s", off.Type())
			return unknownExpr(x.Pos)
		}
		return &Now{Offset: off, Neg: true, Pos: x.Pos}
	case "toscalar":
		if len(x.Args) != 1 {
			b.errorf(x.Pos, "toscalar takes one argument")
			return unknownExpr(x.Pos)
		}
		e, n := b.bindAny(sc, nil, x.Args[0])
		if n != nil {
			return b.tabularAsScalar(n, x.Pos)
		}
		return e
	case "materialize":
		b.errorf(x.Pos, "materialize() returns a table and cannot be used as a scalar")
		return unknownExpr(x.Pos)
	case "string":
		if len(x.Args) == 1 {
			if id, ok := x.Args[0].(*ast.Ident); ok && id.Name == "null" {
				b.errorf(x.Pos, "string(null) does not exist: strings are never null; use \"\"")
				return unknownExpr(x.Pos)
			}
		}
	}
	f, ok := builtins.Lookup(name)
	if !ok {
		if KnownKustoFunction(name) {
			b.unsupported(x.Fun.Pos, "function %s is not supported yet", name)
		} else {
			msg := fmt.Sprintf("unknown function %s", name)
			if s := suggestFunction(name); s != "" {
				msg += fmt.Sprintf(" (did you mean %s?)", s)
			}
			b.errorf(x.Fun.Pos, "%s", msg)
		}
		return unknownExpr(x.Pos)
	}
	if f.Kind == builtins.Aggregate {
		if f.ScalarForm == nil {
			b.errorf(x.Fun.Pos, "aggregate function %s can only be used in summarize", name)
			return unknownExpr(x.Pos)
		}
		f = f.ScalarForm
	}
	if f.Unsupported && !f.Declared {
		reportUnsupportedFunc(b, x, f)
		return unknownExpr(x.Pos)
	}
	if !b.checkArity(f, x) {
		return unknownExpr(x.Pos)
	}
	if f.Outputs != nil && !allowTuple {
		b.errorf(x.Pos, "%s returns %d columns: use it alone in extend, project or print, as (Name, ...) = %s(...)", name, len(f.Outputs), name)
		return unknownExpr(x.Pos)
	}
	switch f.CanonicalName() {
	case "pack_all":
		return b.bindPackAll(sc, row, x, f)
	case "column_ifexists":
		return b.bindColumnIfExists(sc, row, x)
	case "bag_pack_columns":
		return b.bindBagPackColumns(sc, row, x)
	}
	args := make([]Expr, len(x.Args))
	argTypes := make([]types.Type, len(x.Args))
	failed := false
	for i, a := range x.Args {
		if n, ok := a.(*ast.NamedExpr); ok {
			a = n.X
		}
		if te, ok := a.(*ast.TypeExpr); ok {
			args[i] = b.bindTypeofArg(f, i, te)
		} else {
			args[i] = b.bindScalar(sc, row, a)
		}
		argTypes[i] = args[i].Type()
		if isUnknown(args[i]) {
			failed = true
		}
	}
	if failed {
		return unknownExpr(x.Pos)
	}
	for i, t := range argTypes {
		if k := f.ArgKindAt(i); k == builtins.ArgType {
			if _, isType := unparen(x.Args[i]).(*ast.TypeExpr); !isType {
				b.errorf(args[i].Span(), "argument %d of %s must be a typeof() literal", i+1, name)
				return unknownExpr(x.Pos)
			}
		} else if !k.Accepts(t) {
			b.errorf(args[i].Span(), "argument %d of %s must be %s, got %s", i+1, name, k, t)
			return unknownExpr(x.Pos)
		}
	}
	for _, ci := range f.ConstArgs {
		if ci < len(args) {
			if _, ok := fold(args[ci]); !ok {
				b.errorf(args[ci].Span(), "argument %d of %s must be a constant", ci+1, name)
				return unknownExpr(x.Pos)
			}
			if ci == regexArg(f) {
				c, _ := fold(args[ci])
				if _, err := CompileRegex(c.String()); err != nil {
					b.errorf(args[ci].Span(), "invalid regular expression: %v", err)
					return unknownExpr(x.Pos)
				}
			}
		}
	}
	if msg, unsup := unsupportedArgs(f.CanonicalName(), argTypes); msg != "" {
		if unsup {
			b.unsupported(x.Pos, "%s: %s", name, msg)
		} else {
			b.errorf(x.Pos, "%s: %s", name, msg)
		}
		return unknownExpr(x.Pos)
	}
	if msg := b.checkSeriesArgs(f.CanonicalName(), args, argTypes); msg != "" {
		// The call resolves (its types are known); only computing it
		// is not supported.
		b.diags.NotComputedf(x.Pos, "%s: %s", name, msg)
	}
	if err := checkArgTypes(f.CanonicalName(), argTypes); err != "" {
		b.errorf(x.Pos, "%s: %s", name, err)
		return unknownExpr(x.Pos)
	}
	t, err := f.Result(argTypes)
	if err != nil {
		b.errorf(x.Pos, "%s %v", name, err)
		return unknownExpr(x.Pos)
	}
	if t == types.Null {
		t = types.Dynamic
	}
	if f.Note != "" {
		b.diags.Warnf(x.Fun.Pos, "%s", f.Note)
	}
	if f.Unsupported {
		// A declared signature: the call binds and types check; computing
		// it is what is not supported.
		b.diags.NotComputedf(x.Fun.Pos, "function %s is not supported yet: %s", x.Fun.Name, f.Reason)
	}
	return &Call{Name: f.CanonicalName(), Func: f, Args: args, T: t, Pos: x.Pos}
}

// reportUnsupportedFunc reports a call of a valid Kusto function that is not
// computed, with the reason when the table gives one.
func reportUnsupportedFunc(b *binder, x *ast.CallExpr, f *builtins.Func) {
	kind := "function"
	if f.Kind == builtins.Aggregate {
		kind = "aggregate function"
	}
	if f.Reason != "" {
		b.unsupported(x.Fun.Pos, "%s %s is not supported yet: %s", kind, x.Fun.Name, f.Reason)
		return
	}
	b.unsupported(x.Fun.Pos, "%s %s is not supported yet", kind, x.Fun.Name)
}

// bindTypeofArg binds typeof(T) as the argument of a function that takes a
// type literal: a null constant of type T, so that the argument's type is T.
func (b *binder) bindTypeofArg(f *builtins.Func, i int, te *ast.TypeExpr) Expr {
	if f.ArgKindAt(i) != builtins.ArgType {
		b.errorf(te.Pos, "a type is not a value here")
		return unknownExpr(te.Pos)
	}
	t, ok := types.Parse(te.Name)
	if !ok || te.Name == "" {
		b.errorf(te.Pos, "typeof() needs one scalar type here")
		return unknownExpr(te.Pos)
	}
	return &Const{V: types.NullOf(t), Pos: te.Pos}
}

// bindPackAll expands pack_all([ignore_null_empty]) into the packing of every
// column of the row: the call's arguments are the flag, then name, value
// pairs in column order.
func (b *binder) bindPackAll(sc *scope, row *rowScope, x *ast.CallExpr, f *builtins.Func) Expr {
	if row == nil {
		b.errorf(x.Pos, "pack_all() needs a row: use it in extend, project or where")
		return unknownExpr(x.Pos)
	}
	args := []Expr{&Const{V: types.NewBool(false), Pos: x.Pos}}
	if len(x.Args) == 1 {
		flag := b.bindScalar(sc, row, x.Args[0])
		if isUnknown(flag) {
			return flag
		}
		if _, ok := fold(flag); !ok || flag.Type() != types.Bool {
			b.errorf(flag.Span(), "the argument of pack_all must be a constant bool")
			return unknownExpr(x.Pos)
		}
		args[0] = flag
	}
	for i, fld := range row.schema {
		args = append(args, &Const{V: types.NewString(fld.Name), Pos: x.Pos},
			&ColumnRef{Index: i, Name: fld.Name, T: fld.Type, Pos: x.Pos})
	}
	return &Call{Name: "pack_all", Func: f, Args: args, T: types.Dynamic, Pos: x.Pos}
}

// bindBagPackColumns binds bag_pack_columns(c1, c2, ...). Kusto documents
// it as "a property bag object from a list of columns" whose "keys are the
// column names", so it is bag_pack("c1", c1, "c2", c2, ...): each argument
// must name a column, and a null value is packed as null, as bag_pack does.
func (b *binder) bindBagPackColumns(sc *scope, row *rowScope, x *ast.CallExpr) Expr {
	f, _ := builtins.Lookup("bag_pack")
	var args []Expr
	for _, a := range x.Args {
		id, ok := unparen(a).(*ast.Ident)
		if !ok {
			b.errorf(a.Span(), "the arguments of bag_pack_columns must be column names")
			return unknownExpr(x.Pos)
		}
		v := b.bindScalar(sc, row, id)
		if isUnknown(v) {
			return v
		}
		if _, isCol := v.(*ColumnRef); !isCol {
			b.errorf(a.Span(), "the arguments of bag_pack_columns must be column names, and %s is not a column", id.Name)
			return unknownExpr(x.Pos)
		}
		args = append(args, &Const{V: types.NewString(id.Name), Pos: id.Pos}, v)
	}
	return &Call{Name: "bag_pack", Func: f, Args: args, T: types.Dynamic, Pos: x.Pos}
}

// bindColumnIfExists binds column_ifexists(name, default): the column when
// the row has it, the default otherwise.
func (b *binder) bindColumnIfExists(sc *scope, row *rowScope, x *ast.CallExpr) Expr {
	nameArg := b.bindScalar(sc, nil, x.Args[0])
	if isUnknown(nameArg) {
		return nameArg
	}
	c, ok := fold(nameArg)
	if !ok || c.Type != types.String {
		b.errorf(nameArg.Span(), "the first argument of column_ifexists must be a constant string")
		return unknownExpr(x.Pos)
	}
	def := b.bindScalar(sc, row, x.Args[1])
	if isUnknown(def) {
		return def
	}
	if i, ok := row.find(c.S); ok {
		return &ColumnRef{Index: i, Name: c.S, T: row.schema[i].Type, Pos: x.Pos}
	}
	return def
}

// unsupportedArgs rejects argument combinations that are valid Kusto but
// that rmmhunt does not compute exactly. unsup tells an unsupported case
// from an invalid one.
func unsupportedArgs(name string, a []types.Type) (msg string, unsup bool) {
	switch name {
	case "hash", "hash_xxhash64":
		// Verified against Kusto's documented values for strings and
		// datetimes; long and timespan share the datetime's 8-byte form.
		switch a[0] {
		case types.String, types.Long, types.Datetime, types.Timespan:
		default:
			return fmt.Sprintf("hashing a %s value is not supported yet", a[0]), true
		}
	case "array_sort_asc", "array_sort_desc":
		if len(a) > 2 || len(a) == 2 && a[1] == types.Dynamic {
			return "sorting several arrays together is not supported yet", true
		}
		if len(a) == 2 && a[1] != types.Bool && a[1] != types.Null {
			return fmt.Sprintf("nulls_last must be a bool, got %s", a[1]), false
		}
	}
	return "", false
}

// regexArg returns the position of the constant regular expression of f,
// or -1.
func regexArg(f *builtins.Func) int {
	switch f.CanonicalName() {
	case "replace_regex", "indexof_regex":
		return 1
	case "extract", "extract_all", "replace":
		return 0
	}
	return -1
}

func (b *binder) checkArity(f *builtins.Func, x *ast.CallExpr) bool {
	n := len(x.Args)
	if n < f.MinArgs || f.MaxArgs >= 0 && n > f.MaxArgs {
		switch {
		case f.MaxArgs < 0:
			b.errorf(x.Pos, "%s takes at least %d arguments, got %d", x.Fun.Name, f.MinArgs, n)
		case f.MinArgs == f.MaxArgs:
			b.errorf(x.Pos, "%s takes %d argument%s, got %d", x.Fun.Name, f.MinArgs, plural(f.MinArgs), n)
		default:
			b.errorf(x.Pos, "%s takes %d to %d arguments, got %d", x.Fun.Name, f.MinArgs, f.MaxArgs, n)
		}
		return false
	}
	return true
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// checkArgTypes enforces the argument types of functions whose Result does
// not already check them.
func checkArgTypes(name string, a []types.Type) string {
	isText := func(t types.Type) bool {
		return t == types.String || t == types.Dynamic || t == types.Null || t == types.Guid
	}
	switch name {
	case "series_add", "series_subtract", "series_multiply", "series_divide", "series_pow",
		"series_equals", "series_not_equals", "series_greater", "series_greater_equals", "series_less",
		"series_less_equals", "series_dot_product":
		return seriesOperandError(a)
	case "iff":
		if a[0] != types.Bool && a[0] != types.Dynamic && a[0] != types.Null {
			return fmt.Sprintf("the condition must be bool, got %s", a[0])
		}
	case "case":
		for i := 0; i+1 < len(a); i += 2 {
			if a[i] != types.Bool && a[i] != types.Dynamic && a[i] != types.Null {
				return fmt.Sprintf("condition %d must be bool, got %s", i/2+1, a[i])
			}
		}
	case "not":
		if a[0] != types.Bool && a[0] != types.Dynamic && a[0] != types.Null {
			return fmt.Sprintf("needs a bool, got %s", a[0])
		}
	case "bin", "bin_at":
		v, size := a[0], a[1]
		switch {
		case v == types.Datetime || v == types.Timespan:
			if size != types.Timespan && size != types.Null {
				return fmt.Sprintf("binning a %s needs a timespan size, got %s", v, size)
			}
		case v.IsNumeric() || v == types.Dynamic || v == types.Null:
			if !size.IsNumeric() && size != types.Null && size != types.Dynamic {
				return fmt.Sprintf("binning a number needs a numeric size, got %s", size)
			}
		default:
			return fmt.Sprintf("cannot bin a %s", v)
		}
	case "trim", "trim_start", "trim_end":
		if !isText(a[0]) {
			return fmt.Sprintf("the regular expression must be a string, got %s", a[0])
		}
	case "substring":
		if !a[1].IsNumeric() || len(a) == 3 && !a[2].IsNumeric() {
			return "start and length must be numbers"
		}
	case "split":
		if !isText(a[1]) {
			return fmt.Sprintf("the delimiter must be a string, got %s", a[1])
		}
	case "startofday", "startofweek", "startofmonth", "startofyear", "endofday", "endofweek", "endofmonth", "endofyear",
		"dayofmonth", "dayofyear", "hourofday", "getmonth", "getyear", "format_datetime":
		if a[0] != types.Datetime && a[0] != types.Dynamic && a[0] != types.Null {
			return fmt.Sprintf("needs a datetime, got %s", a[0])
		}
	case "dayofweek":
		if a[0] != types.Datetime && a[0] != types.Dynamic && a[0] != types.Null {
			return fmt.Sprintf("needs a datetime, got %s", a[0])
		}
	case "array_length":
		if a[0] != types.Dynamic && a[0] != types.Null {
			return fmt.Sprintf("needs a dynamic array, got %s", a[0])
		}
	case "abs", "round", "ceiling", "sqrt", "pow", "log", "log10", "log2", "exp", "isnan":
		for _, t := range a {
			if !t.IsNumeric() && t != types.Dynamic && t != types.Null && !(name == "abs" && t == types.Timespan) {
				return fmt.Sprintf("needs numbers, got %s", t)
			}
		}
	}
	return ""
}

// callUserScalar inlines a call of a let-defined function in a scalar
// position.
func (b *binder) callUserScalar(sc *scope, row *rowScope, x *ast.CallExpr, bd *binding) Expr {
	inner, ok := b.bindFnArgs(sc, row, x, bd)
	if !ok {
		return unknownExpr(x.Pos)
	}
	body := bd.fn.Body
	if len(body) == 0 {
		b.errorf(x.Pos, "function %s has an empty body", x.Fun.Name)
		return unknownExpr(x.Pos)
	}
	for _, st := range body[:len(body)-1] {
		if l, ok := st.(*ast.LetStmt); ok {
			b.bindLet(inner, l)
		}
	}
	last, ok := body[len(body)-1].(*ast.ExprStmt)
	if !ok {
		b.errorf(x.Pos, "function %s does not end with an expression", x.Fun.Name)
		return unknownExpr(x.Pos)
	}
	e, n := b.bindAny(inner, row, last.X)
	if n != nil {
		return b.tabularAsScalar(n, x.Pos)
	}
	return e
}

// bindFnArgs binds the arguments of a user-function call into a new scope
// whose parent is the function's defining scope.
func (b *binder) bindFnArgs(sc *scope, row *rowScope, x *ast.CallExpr, bd *binding) (*scope, bool) {
	inner := bd.fnScope.child()
	params := bd.fn.Params
	if len(x.Args) > len(params) {
		b.errorf(x.Pos, "%s takes %d arguments, got %d", x.Fun.Name, len(params), len(x.Args))
		return nil, false
	}
	for i, p := range params {
		var arg ast.Expr
		if i < len(x.Args) {
			arg = x.Args[i]
		} else if p.Default != nil {
			arg = p.Default
		} else {
			b.errorf(x.Pos, "%s: missing argument %s", x.Fun.Name, p.Name.Name)
			return nil, false
		}
		if p.Type != nil && p.Type.Name == "" {
			// Tabular parameter.
			n := b.bindTabular(sc, arg)
			if n == nil {
				return nil, false
			}
			inner.names[p.Name.Name] = &binding{tabular: n}
			continue
		}
		e := b.bindScalar(sc, row, arg)
		if isUnknown(e) {
			return nil, false
		}
		inner.names[p.Name.Name] = &binding{scalar: e}
	}
	return inner, true
}

func suggestFunction(name string) string {
	return closestName(name, append(builtins.Names(), kustoFunctionNames...))
}
