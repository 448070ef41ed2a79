package ingest

import (
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// MergeTypes returns the type that holds values of an extra column typed a
// in some batches and b in others, as Load merges them: types.Null (all
// null) merges into anything, int into long, numbers into real, and any
// other mix into dynamic.
func MergeTypes(a, b types.Type) types.Type { return mergeTypes(a, b) }

// ConvertColumn returns the n rows of c as a column of type to, as Load
// converts the batches of a merged extra column: an untyped (all-null)
// column becomes all null, long becomes real, and values become dynamic
// ("" as null). It returns c when it already has type to.
func ConvertColumn(c *table.Column, n int, to types.Type) *table.Column {
	if c.Type == types.Null && to != types.Null {
		return nullColumn(to, n)
	}
	return convertColumn(c, n, to)
}

// NullColumn returns n nulls of type t ("" for strings).
func NullColumn(t types.Type, n int) *table.Column { return nullColumn(t, n) }
