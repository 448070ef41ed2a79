package cli

import (
	"context"
	"fmt"

	"github.com/rmmhunt/rmmhunt/hunt"
)

// loadAllowlist reads --allow (nil when not given), printing its
// diagnostics; an allowlist with errors stops the hunt.
func loadAllowlist(e *env, path string) (*hunt.Allowlist, error) {
	if path == "" {
		return nil, nil
	}
	a, diags, err := hunt.LoadAllowlist(path)
	if err != nil {
		return nil, failErr(err)
	}
	fmt.Fprint(e.stderr, diags.Format())
	if diags.HasErrors() {
		return nil, quietExit(ExitError)
	}
	return a, nil
}

// explain joins each finding's context and applies the allowlist, printing
// its warnings (expired entries).
func explain(e *env, res *hunt.Result, src hunt.Source, allow *hunt.Allowlist) (*hunt.Outcome, error) {
	ctx := context.Background()
	out, err := hunt.Explain(ctx, res, src)
	if err != nil {
		return nil, failErr(fmt.Errorf("context: %v", err))
	}
	if allow == nil {
		return out, nil
	}
	warns, err := allow.Apply(ctx, out)
	if warns != nil {
		fmt.Fprint(e.stderr, warns.Format())
	}
	if err != nil {
		return nil, failErr(err)
	}
	return out, nil
}
