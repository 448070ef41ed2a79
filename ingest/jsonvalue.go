package ingest

import (
	"math"
	"strconv"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// This file turns validated raw JSON values into Go values: dynamic
// payloads (as kql/types defines them) and exact integers.

// dynamicFromJSON converts the validated JSON value starting at d[i] into a
// dynamic payload: integers that fit in int64 stay exact, other numbers are
// float64, objects are *types.Bag with their key order kept.
func dynamicFromJSON(d []byte, i int) (any, int) {
	switch d[i] {
	case '"':
		end, esc, _ := scanString(d, i)
		if !esc {
			return string(d[i+1 : end-1]), end
		}
		return string(appendUnquoted(nil, d[i+1:end-1])), end
	case '{':
		b := types.NewBag()
		end, _ := walkObject(d, i, 0, func(ks, ke int, esc bool, vs int) (int, error) {
			key := string(d[ks:ke])
			if esc {
				key = string(appendUnquoted(nil, d[ks:ke]))
			}
			v, ve := dynamicFromJSON(d, vs)
			b.Set(key, v)
			return ve, nil
		})
		return b, end
	case '[':
		arr := []any{}
		end, _ := eachElement(d, i, 0, func(vs int) (int, error) {
			v, ve := dynamicFromJSON(d, vs)
			arr = append(arr, v)
			return ve, nil
		})
		return arr, end
	case 't':
		return true, i + 4
	case 'f':
		return false, i + 5
	case 'n':
		return nil, i + 4
	}
	end, _ := scanNumber(d, i)
	num := d[i:end]
	if n, ok := parseInt(num); ok {
		return n, end
	}
	f, _ := strconv.ParseFloat(string(num), 64)
	return f, end
}

// parseInt parses an optionally signed run of decimal digits as an int64,
// reporting false for anything else or on overflow.
func parseInt(b []byte) (int64, bool) {
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		b = b[1:]
	}
	if len(b) == 0 {
		return 0, false
	}
	var u uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		if u > (math.MaxUint64-9)/10 {
			return 0, false
		}
		u = u*10 + uint64(c-'0')
	}
	if neg {
		if u > 1<<63 {
			return 0, false
		}
		return -int64(u), true
	}
	if u > math.MaxInt64 {
		return 0, false
	}
	return int64(u), true
}

// integralFloat parses a number written with a fraction or exponent and
// reports its value as an int64 when it is a whole number that float64
// represents exactly (|v| <= 2^53), as when a producer writes 72192.0.
func integralFloat(b []byte) (int64, bool) {
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, false
	}
	return int64(f), true
}
