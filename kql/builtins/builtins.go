// Package builtins is the declarative table of KQL's built-in scalar and
// aggregate functions: their names and aliases, how many arguments they take,
// the type of their result, and the default name Kusto gives a column that
// holds their result.
//
// The table says nothing about how a function is computed: implementations
// live beside the evaluator (package engine), and a test there checks that
// every entry here is implemented or marked Unsupported.
package builtins

import (
	"fmt"
	"sort"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// NameKind says how Kusto names a column computed by a call when no name is
// given (Kusto.Language's ResultNameKind).
type NameKind int

// Naming kinds.
const (
	// NameNone: the column gets a generated name (Column1, Column2, ...).
	NameNone NameKind = iota
	// NameFirstArg: the name of the first argument passes through
	// (bin(Timestamp, 1h) is "Timestamp").
	NameFirstArg
	// NamePrefixFirstArg: Prefix + "_" + the first argument's name
	// (strlen(x) is "strlen_x"; count() is "count_").
	NamePrefixFirstArg
)

// Kind separates scalar functions from aggregates.
type Kind int

// Function kinds.
const (
	Scalar Kind = iota
	Aggregate
)

// ResultFunc computes a call's result type from its argument types, or
// returns an error message naming the problem.
type ResultFunc func(args []types.Type) (types.Type, error)

// Func describes one built-in function.
type Func struct {
	Name    string
	Kind    Kind
	MinArgs int
	MaxArgs int // -1 for variadic
	Result  ResultFunc
	// Naming of an unnamed result column.
	NameKind NameKind
	Prefix   string
	// Deprecated names the current function when this entry is a
	// deprecated alias (makeset → make_set); the alias behaves identically
	// unless noted.
	Deprecated string
	// Unsupported marks a valid Kusto function that rmmhunt does not
	// compute yet; binding a call reports it by name, with Reason.
	Unsupported bool
	// Reason says why an Unsupported function is not computed.
	Reason string
	// Declared marks an Unsupported function whose signature and result
	// types the table gives exactly: calls bind and type-check, and only
	// computing them is reported as unsupported.
	Declared bool
	// Note, when set, is a warning that binding a call of the function
	// reports: what its value means offline.
	Note string
	// Volatile functions (now, ago, rand) must not be folded at bind time.
	Volatile bool
	// ConstArgs lists argument positions that must be constants
	// (e.g. the regex of extract).
	ConstArgs []int
	// Args, when set, gives the kind of each argument; arguments past the
	// end of the list take the last kind. The binder checks them.
	Args []ArgKind
	// Expanded marks a function that the binder rewrites into other
	// expressions (column_ifexists becomes the column or its default), so
	// the engine never sees a call of it.
	Expanded bool
	// ScalarForm is the scalar function of the same name as this aggregate
	// (hll_merge and tdigest_merge are both): a call outside summarize, or
	// with more arguments than the aggregate takes, binds to it.
	ScalarForm *Func
	// Outputs, when set, makes the function tuple-valued: a call returns
	// several columns and may only stand alone in extend, project or print,
	// as `(A, B, ...) = f(...)` or unnamed.
	Outputs []Output
}

// ArgKind is the kind of value an argument position accepts. Every kind
// also accepts dynamic values and the untyped null, which are converted at
// run time.
type ArgKind uint8

// Argument kinds.
const (
	// ArgAny accepts any scalar.
	ArgAny ArgKind = iota
	// ArgString accepts a string.
	ArgString
	// ArgNumber accepts int, long, real or decimal.
	ArgNumber
	// ArgInteger accepts int or long.
	ArgInteger
	// ArgBool accepts a bool.
	ArgBool
	// ArgDatetime accepts a datetime.
	ArgDatetime
	// ArgTimespan accepts a timespan.
	ArgTimespan
	// ArgGuid accepts a guid (or a string holding one).
	ArgGuid
	// ArgDynamic accepts only dynamic values.
	ArgDynamic
	// ArgNotDynamic accepts any scalar except dynamic.
	ArgNotDynamic
	// ArgSummable accepts a number, a timespan or a datetime.
	ArgSummable
	// ArgType is a typeof(T) literal.
	ArgType
)

// Accepts reports whether an argument of type t fits kind k.
func (k ArgKind) Accepts(t types.Type) bool {
	if t == types.Null || t == types.Unknown {
		return true
	}
	if t == types.Dynamic {
		return k != ArgNotDynamic && k != ArgType
	}
	switch k {
	case ArgAny, ArgNotDynamic:
		return true
	case ArgString:
		return t == types.String
	case ArgNumber:
		return t.IsNumeric()
	case ArgInteger:
		return t.IsInteger()
	case ArgBool:
		return t == types.Bool
	case ArgDatetime:
		return t == types.Datetime
	case ArgTimespan:
		return t == types.Timespan
	case ArgGuid:
		return t == types.Guid || t == types.String
	case ArgSummable:
		return t.IsNumeric() || t == types.Timespan || t == types.Datetime
	}
	return false
}

// String names the kind for error messages.
func (k ArgKind) String() string {
	switch k {
	case ArgString:
		return "a string"
	case ArgNumber:
		return "a number"
	case ArgInteger:
		return "an integer"
	case ArgBool:
		return "a bool"
	case ArgDatetime:
		return "a datetime"
	case ArgTimespan:
		return "a timespan"
	case ArgGuid:
		return "a guid"
	case ArgDynamic:
		return "a dynamic value"
	case ArgNotDynamic:
		return "a non-dynamic scalar"
	case ArgSummable:
		return "a number, timespan or datetime"
	case ArgType:
		return "a typeof() literal"
	}
	return "a scalar"
}

// ArgKindAt returns the kind of argument i (ArgAny when Args is not set).
func (f *Func) ArgKindAt(i int) ArgKind {
	if len(f.Args) == 0 {
		return ArgAny
	}
	if i >= len(f.Args) {
		return f.Args[len(f.Args)-1]
	}
	return f.Args[i]
}

var table = map[string]*Func{}

func def(f *Func) {
	if _, dup := table[f.Name]; dup {
		panic("builtins: duplicate " + f.Name)
	}
	table[f.Name] = f
}

// alias registers name as a deprecated or alternative spelling of target.
func alias(name, target string) {
	t := table[target]
	if t == nil {
		panic("builtins: alias of unknown " + target)
	}
	c := *t
	c.Name = name
	c.Deprecated = target
	table[name] = &c
}

// deprecatedAlias registers name as a deprecated spelling of target that
// names its result columns with its own prefix (anyif_x, not x).
func deprecatedAlias(name, target, prefix string) {
	alias(name, target)
	table[name].Prefix = prefix
	table[name].NameKind = NamePrefixFirstArg
}

// unsupported registers a valid Kusto function that rmmhunt does not compute,
// with the reason.
func unsupported(name string, kind Kind, min, max int, reason string) {
	def(&Func{Name: name, Kind: kind, MinArgs: min, MaxArgs: max, Result: fixed(types.Dynamic), Unsupported: true, Reason: reason})
}

// declaredUnsupported registers a valid Kusto function with its exact
// signature and result types, that rmmhunt does not compute, with the
// reason.
func declaredUnsupported(f *Func, reason string) {
	f.Unsupported, f.Declared, f.Reason = true, true, reason
	def(f)
}

// Lookup returns the function named name (case-sensitive, as KQL).
func Lookup(name string) (*Func, bool) {
	f, ok := table[name]
	return f, ok
}

// All returns every function, sorted by name.
func All() []*Func {
	out := make([]*Func, 0, len(table))
	for _, f := range table {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Names returns every function name, sorted.
func Names() []string {
	var out []string
	for n := range table {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// CanonicalName returns the name of the function that implements f (its own
// name, or the target of a deprecated alias).
func (f *Func) CanonicalName() string {
	if f.Deprecated != "" {
		return f.Deprecated
	}
	return f.Name
}

// ---------------------------------------------------------------------------
// Result-type helpers

func fixed(t types.Type) ResultFunc {
	return func([]types.Type) (types.Type, error) { return t, nil }
}

func argType(i int) ResultFunc {
	return func(a []types.Type) (types.Type, error) {
		if i < len(a) {
			return a[i], nil
		}
		return types.Unknown, nil
	}
}

// numericPromote returns real if any argument is real, decimal if any is
// decimal, long otherwise; non-numeric arguments are an error.
func numericPromote(a []types.Type) (types.Type, error) {
	res := types.Int
	for _, t := range a {
		switch t {
		case types.Real:
			res = types.Real
		case types.Decimal:
			if res != types.Real {
				res = types.Decimal
			}
		case types.Long:
			if res == types.Int {
				res = types.Long
			}
		case types.Int, types.Null, types.Dynamic:
		default:
			return types.Unknown, fmt.Errorf("expects numeric arguments, got %s", t)
		}
	}
	if res == types.Int {
		res = types.Long
	}
	return res, nil
}

// sameAsFirstNumericOrTime is the result of min/max-like functions.
func orderable(a []types.Type) (types.Type, error) {
	if len(a) == 0 {
		return types.Unknown, nil
	}
	t := a[0]
	if t == types.Dynamic {
		return types.Dynamic, nil
	}
	return t, nil
}

// firstNonNull is the common type of iff/case/coalesce branches.
func commonType(a []types.Type) (types.Type, error) {
	var res types.Type = types.Null
	for _, t := range a {
		if t == types.Null || t == types.Unknown {
			continue
		}
		if res == types.Null {
			res = t
			continue
		}
		if res == t {
			continue
		}
		if res.IsNumeric() && t.IsNumeric() {
			r, _ := numericPromote([]types.Type{res, t})
			res = r
			continue
		}
		if res == types.Dynamic || t == types.Dynamic {
			res = types.Dynamic
			continue
		}
		return types.Unknown, fmt.Errorf("branches have different types: %s and %s", res, t)
	}
	return res, nil
}

// branchType is the result type of iff and case. It is commonType, except
// that string and dynamic branches give a string (the dynamic value taken as
// by tostring): Microsoft's published hunting queries group by such an iff,
// e.g. iff(..., tostring(RemoteUrl), parse_url(RemoteUrl).Host), which the
// service runs, while a dynamic group key is an error.
func branchType(a []types.Type) (types.Type, error) {
	hasString, hasDynamic, other := false, false, false
	for _, t := range a {
		switch t {
		case types.String:
			hasString = true
		case types.Dynamic:
			hasDynamic = true
		case types.Null, types.Unknown:
		default:
			other = true
		}
	}
	if hasString && hasDynamic && !other {
		return types.String, nil
	}
	return commonType(a)
}

// Common returns the type that values of types a and b unify to, as in the
// branches of iff/case/coalesce.
func Common(a, b types.Type) (types.Type, error) { return commonType([]types.Type{a, b}) }

// NumericPromote is the result type of arithmetic over the given types.
func NumericPromote(a ...types.Type) (types.Type, error) { return numericPromote(a) }
