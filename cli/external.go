package cli

import (
	"strings"
	"time"

	"github.com/rmmhunt/rmmhunt/engine"
	"github.com/rmmhunt/rmmhunt/hunt"
	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// externalFlagHelp documents --external.
const externalFlagHelp = "map an externaldata URL to a local file, as URL=PATH (repeatable; nothing is downloaded)"

// parseExternals reads the --external URL=PATH values.
func parseExternals(vals []string) (map[string]string, error) {
	if len(vals) == 0 {
		return nil, nil
	}
	out := map[string]string{}
	for _, v := range vals {
		// The URL may hold '=' (query strings): the path is after the last one.
		i := strings.LastIndex(v, "=")
		if i <= 0 || i == len(v)-1 {
			return nil, usageErr("--external takes URL=PATH, got %q", v)
		}
		out[v[:i]] = v[i+1:]
	}
	return out, nil
}

// runSource is the data of one run: the source, the externaldata files,
// and a catalog that lets the binder look at the data where a plugin's
// columns depend on it (bag_unpack, pivot).
type runSource struct {
	hunt.Source
	opts engine.Options
}

// ExternalFiles implements engine.ExternalFiler.
func (s *runSource) ExternalFiles() map[string]string { return s.opts.External }

// Catalog returns the source's catalog, able to probe the data.
func (s *runSource) Catalog() binder.Catalog {
	return engine.WithProbe(s.Source.Catalog(), s.Source, s.opts)
}

// forRun wraps src for a run at now with the --external mappings of d.
// Code that needs to know the concrete source keeps using src.
func forRun(src hunt.Source, d *dataFlags, now time.Time) (hunt.Source, error) {
	ext, err := parseExternals(d.external)
	if err != nil {
		return nil, err
	}
	for u, p := range ext {
		if p == "" {
			return nil, usageErr("--external %s: empty path", u)
		}
	}
	return &runSource{Source: src, opts: engine.Options{Now: types.TicksFromTime(now), External: ext}}, nil
}
