package engine

import (
	"sort"

	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// ipRangeIndex holds the address ranges of a lookup table by prefix
// length: for each length, the masked addresses and the rows that carry
// them, in table order.
type ipRangeIndex struct {
	prefixes []int
	byMasked map[int]map[[16]byte][]int
	byPrefix map[int][]ipv6
	rowsOf   map[int][]int
}

// parseLookupIP parses an address with an optional prefix into the 16-byte
// form shared by both plugins. ipv4_lookup reads IPv4 only; ipv6_lookup
// reads IPv6 and IPv4 (mapped to ::ffff:0:0/96), as ipv6_is_match does.
func parseLookupIP(s string, v6 bool) (ipv6, bool) {
	if v6 {
		return parseIPv6(s)
	}
	ip, ok := parseIPv4(s)
	if !ok {
		return ipv6{}, false
	}
	var out ipv6
	out.addr[10], out.addr[11] = 0xff, 0xff
	out.addr[12], out.addr[13], out.addr[14], out.addr[15] = byte(ip.addr>>24), byte(ip.addr>>16), byte(ip.addr>>8), byte(ip.addr)
	out.prefix = ip.prefix + 96
	return out, true
}

func newIPRangeIndex(keys *table.Column, n int, v6 bool) *ipRangeIndex {
	x := &ipRangeIndex{byMasked: map[int]map[[16]byte][]int{}, byPrefix: map[int][]ipv6{}, rowsOf: map[int][]int{}}
	for i := 0; i < n; i++ {
		v := keys.Get(i)
		if v.Null {
			continue
		}
		ip, ok := parseLookupIP(v.S, v6)
		if !ok {
			continue
		}
		p := ip.prefix
		m := x.byMasked[p]
		if m == nil {
			m = map[[16]byte][]int{}
			x.byMasked[p] = m
			x.prefixes = append(x.prefixes, p)
		}
		k := ip.masked(p)
		m[k] = append(m[k], i)
		x.byPrefix[p] = append(x.byPrefix[p], ip)
		x.rowsOf[p] = append(x.rowsOf[p], i)
	}
	sort.Ints(x.prefixes)
	return x
}

// match appends to out the lookup rows whose range matches ip. Two
// addresses in IP-prefix notation match when they are equal in the bits of
// the shorter prefix (ipv4_is_match, ipv6_is_match): an address without a
// prefix is in a range when the range's prefix bits equal its own.
func (x *ipRangeIndex) match(ip ipv6, out []int) []int {
	for _, p := range x.prefixes {
		if p <= ip.prefix {
			out = append(out, x.byMasked[p][ip.masked(p)]...)
			continue
		}
		want := ip.masked(ip.prefix)
		for k, r := range x.byPrefix[p] {
			if r.masked(ip.prefix) == want {
				out = append(out, x.rowsOf[p][k])
			}
		}
	}
	sort.Ints(out)
	return out
}

// ipLookup runs evaluate ipv4_lookup and ipv6_lookup: the lookup table is
// indexed once, then each input row is followed by its matches in lookup
// table order (or by nulls, with return_unmatched=true).
func (r *runState) ipLookup(x *binder.IPLookup) (BatchIterator, error) {
	lb, err := r.single(x.Lookup)
	if err != nil {
		return nil, err
	}
	idx := newIPRangeIndex(lb.Cols[x.LookupKey], lb.N, x.V6)
	lkeys, err := r.keyStrings(lb, x.LookupExtra)
	if err != nil {
		return nil, err
	}
	in, err := r.iter(x.Input)
	if err != nil {
		return nil, err
	}
	nIn := len(x.Columns) - len(x.LookupCols)
	var matches []int
	return iterFunc(func() (*table.Batch, error) {
		for {
			b, err := in.Next()
			if b == nil || err != nil {
				return nil, err
			}
			skeys, err := r.keyStrings(b, x.SourceExtra)
			if err != nil {
				return nil, err
			}
			out := table.NewBatch(x.Columns, b.N)
			row := make([]types.Value, len(x.Columns))
			src := b.Cols[x.SourceKey]
			for i := 0; i < b.N; i++ {
				matches = matches[:0]
				if v := src.Get(i); !v.Null {
					if ip, ok := parseLookupIP(v.S, x.V6); ok {
						matches = idx.match(ip, matches)
					}
				}
				for c := 0; c < nIn; c++ {
					row[c] = b.Cols[c].Get(i)
				}
				found := false
				for _, li := range matches {
					if len(x.SourceExtra) > 0 && lkeys[li] != skeys[i] {
						continue
					}
					found = true
					for k, c := range x.LookupCols {
						row[nIn+k] = lb.Cols[c].Get(li)
					}
					out.AppendRow(row)
				}
				if !found && x.ReturnUnmatched {
					for k, c := range x.LookupCols {
						row[nIn+k] = types.NullOf(lb.Schema[c].Type)
					}
					out.AppendRow(row)
				}
			}
			if out.N > 0 {
				return out, nil
			}
		}
	}), nil
}
