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
	// compute yet; binding a call reports it by name.
	Unsupported bool
	// Volatile functions (now, ago, rand) must not be folded at bind time.
	Volatile bool
	// ConstArgs lists argument positions that must be constants
	// (e.g. the regex of extract).
	ConstArgs []int
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

// Common returns the type that values of types a and b unify to, as in the
// branches of iff/case/coalesce.
func Common(a, b types.Type) (types.Type, error) { return commonType([]types.Type{a, b}) }

// NumericPromote is the result type of arithmetic over the given types.
func NumericPromote(a ...types.Type) (types.Type, error) { return numericPromote(a) }
