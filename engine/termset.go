package engine

import "unicode/utf8"

// termSet is the prepared needle list of has_any (case-insensitive has of
// any needle). With a few needles it tries each in turn. With more, it
// indexes the ASCII needles that start with a term character by their
// first term: such a needle can only match where a whole term of the
// haystack equals that first term (ignoring ASCII case), so a haystack is
// split into its terms once, and only the needles those terms name are
// tried. Every test is the exact has test (termNeedle); the index only
// skips needles that cannot match.
type termSet struct {
	needles []termNeedle
	byTerm  map[string][]int32 // lower-case first term → needles
	others  []int32            // needles the index cannot hold
}

// termSetIndexFrom is the number of needles from which a termSet indexes
// them.
const termSetIndexFrom = 8

func newTermSet(needles []string) *termSet {
	ts := &termSet{needles: make([]termNeedle, len(needles))}
	for i, s := range needles {
		ts.needles[i] = newTermNeedle(s, false, true, true)
	}
	if len(needles) < termSetIndexFrom {
		return ts
	}
	ts.byTerm = map[string][]int32{}
	for i := range ts.needles {
		n := &ts.needles[i]
		t := firstTerm(n.text)
		if n.origLen == 0 || !n.ascii || !n.needLeft || t == "" {
			ts.others = append(ts.others, int32(i))
			continue
		}
		ts.byTerm[t] = append(ts.byTerm[t], int32(i))
	}
	return ts
}

// firstTerm returns the leading run of ASCII letters and digits of s.
func firstTerm(s string) string {
	i := 0
	for i < len(s) && s[i] < utf8.RuneSelf && isTermRune(rune(s[i])) {
		i++
	}
	return s[:i]
}

// any reports whether hay has one of the needles.
func (ts *termSet) any(hay string) bool {
	if ts.byTerm == nil {
		for i := range ts.needles {
			if ts.needles[i].in(hay) {
				return true
			}
		}
		return false
	}
	for _, i := range ts.others {
		if ts.needles[i].in(hay) {
			return true
		}
	}
	var buf [64]byte
	for i := 0; i < len(hay); {
		r, size := rune(hay[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(hay[i:])
		}
		if !isTermRune(r) {
			i += size
			continue
		}
		// A term starts at i: find its end, and whether it is ASCII.
		start, ascii := i, true
		for i < len(hay) {
			r, size = rune(hay[i]), 1
			if r >= utf8.RuneSelf {
				r, size = utf8.DecodeRuneInString(hay[i:])
				ascii = false
			}
			if !isTermRune(r) {
				break
			}
			i += size
		}
		if !ascii {
			continue
		}
		term := hay[start:i]
		var cands []int32
		if len(term) <= len(buf) {
			low := buf[:len(term)]
			for j := 0; j < len(term); j++ {
				low[j] = lowerASCII(term[j])
			}
			cands = ts.byTerm[string(low)]
		} else {
			cands = ts.byTerm[foldString(term)]
		}
		for _, k := range cands {
			if ts.needles[k].in(hay) {
				return true
			}
		}
	}
	return false
}
