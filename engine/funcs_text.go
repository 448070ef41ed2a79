package engine

import (
	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

func init() { registerTextFuncs() }

func registerTextFuncs() {
	// The deprecated replace(regex, rewrite, text) is replace_regex with its
	// arguments in another order.
	scalarFuncs["replace"] = func(ev *evaluator, x *binder.Call, a []types.Value) (types.Value, error) {
		return scalarFuncs["replace_regex"](ev, x, []types.Value{a[2], a[0], a[1]})
	}
}
