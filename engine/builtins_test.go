package engine_test

import (
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/engine"
	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/builtins"
	"github.com/rmmhunt/rmmhunt/query"
)

// TestBuiltinsAreImplemented checks that every entry of the built-in table
// is computed by the engine, rewritten by the binder, or marked unsupported
// with a reason.
func TestBuiltinsAreImplemented(t *testing.T) {
	for _, f := range builtins.All() {
		name := f.CanonicalName()
		switch {
		case f.Unsupported:
			if f.Reason == "" {
				t.Errorf("%s is unsupported without a reason", f.Name)
			}
		case f.Expanded:
		case f.Kind == builtins.Aggregate:
			if !engine.HasAggregate(name) {
				t.Errorf("aggregate %s (%s) has no implementation", f.Name, name)
			}
			if sf := f.ScalarForm; sf != nil && !engine.HasImplementation(sf.CanonicalName()) {
				t.Errorf("scalar form of %s has no implementation", f.Name)
			}
		default:
			if !engine.HasImplementation(name) {
				t.Errorf("function %s (%s) has no implementation", f.Name, name)
			}
		}
	}
}

// bindSpecial are Kusto functions the binder handles itself (not through
// the built-in table): table-to-scalar conversions and window functions.
var bindSpecial = map[string]bool{
	"toscalar": true, "materialize": true, "prev": true, "next": true, "row_number": true,
	"row_cumsum": true, "row_rank": true, "row_rank_dense": true, "row_rank_min": true, "row_window_session": true,
}

// TestKnownFunctionsAreNeverUnknown checks that every Kusto function name
// the binder knows is either in the built-in table or reported as
// unsupported (valid KQL that rmmhunt does not run), never as unknown.
func TestKnownFunctionsAreNeverUnknown(t *testing.T) {
	cat := engine.NewMemSource(nil).Catalog()
	for _, name := range knownNames(t) {
		if _, ok := builtins.Lookup(name); ok {
			continue
		}
		q, _ := query.CompileString("known", "print "+name+"()", cat)
		msg := ""
		if q != nil && q.Diags != nil {
			msg = q.Diags.Format()
		}
		if strings.Contains(msg, "unknown function") {
			t.Errorf("%s: %s", name, msg)
			continue
		}
		if !bindSpecial[name] && (q == nil || q.Diags == nil || !q.Diags.OnlyUnsupported()) {
			t.Errorf("%s is neither built in nor reported unsupported: %q", name, msg)
		}
	}
}

func knownNames(t *testing.T) []string {
	var out []string
	for _, n := range binder.KnownKustoFunctions() {
		out = append(out, n)
	}
	if len(out) == 0 {
		t.Fatal("no known Kusto function names")
	}
	return out
}
