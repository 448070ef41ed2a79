package ingest

import (
	"errors"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// JSONValue types one raw JSON value (valid JSON, as a member of a
// telemetry record) for a column of type t exactly as the JSON readers do:
// null is null ("" for strings), strings are unescaped, object and array
// text in a string column is kept compact, and so on. The error is the
// reason a reader would reject the row. A string result may share memory
// with scratch, which the caller must not change while it is used.
func JSONValue(t types.Type, v []byte, scratch *[]byte) (types.Value, error) {
	if len(v) == 0 {
		return types.Value{}, errors.New("empty value")
	}
	var c cell
	if reason := jsonCell(t, v, scratch, &c); reason != "" {
		return types.Value{}, errors.New(reason)
	}
	switch c.kind {
	case kNull:
		if t == types.String {
			return types.NewString(""), nil
		}
		return types.NullOf(t), nil
	case kBool, kInt:
		return types.Value{Type: t, I: c.i}, nil
	case kReal:
		return types.Value{Type: t, F: c.f}, nil
	case kStr:
		return types.Value{Type: t, S: c.text()}, nil
	}
	return types.NewDynamic(c.d), nil
}
