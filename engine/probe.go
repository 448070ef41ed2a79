package engine

import (
	"context"
	"time"

	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// probingCatalog is a catalog that can also run a bound subtree over its
// data (binder.Prober), so that plugins whose columns depend on the data
// (bag_unpack, pivot) bind to the columns this data gives them.
type probingCatalog struct {
	binder.Catalog
	src  Source
	opts Options
}

// Probe implements binder.Prober.
func (c *probingCatalog) Probe(n binder.Node) (*table.Table, error) {
	return Run(context.Background(), n, c.src, c.opts)
}

// WithProbe returns cat extended so that the binder can run the parts of a
// query whose output columns depend on the data (binder.Prober) over src
// with opts; bind a query that will run with opts against it.
func WithProbe(cat binder.Catalog, src Source, opts Options) binder.Catalog {
	return &probingCatalog{Catalog: cat, src: src, opts: opts}
}

// CatalogAt returns the catalog of m (see Catalog) that also lets the
// binder run the parts of a query whose output columns depend on the data,
// with now as the reference time; bind the query run at that time with it.
func (m *MemSource) CatalogAt(now time.Time) binder.Catalog {
	return WithProbe(m.Catalog(), m, Options{Now: types.TicksFromTime(now)})
}
