package engine

import (
	"math/rand"
	"strings"
	"testing"
)

// TestTermSetMatchesHasTerm checks the indexed has_any against trying
// every needle with hasTerm, on haystacks and needles built from terms,
// separators, mixed case and non-ASCII letters.
func TestTermSetMatchesHasTerm(t *testing.T) {
	parts := []string{"amidaware", "AmidaWare", "Tactical", "techs", "TECHS", "rmm", "io", "tacticalrmm", "Ünï", "straße", "STRASSE",
		"K", "\u212a", "a1", "1a", "x", strings.Repeat("Long", 20), ".", " ", "-", "_", "/", "é", "İ", "ß", "", "0"}
	r := rand.New(rand.NewSource(1))
	word := func(max int) string {
		var b strings.Builder
		for k := r.Intn(max) + 1; k > 0; k-- {
			b.WriteString(parts[r.Intn(len(parts))])
		}
		return b.String()
	}
	for round := 0; round < 300; round++ {
		needles := make([]string, r.Intn(20)+1)
		for i := range needles {
			needles[i] = word(3)
		}
		ts := newTermSet(needles)
		for h := 0; h < 200; h++ {
			hay := word(8)
			want := false
			for _, n := range needles {
				if hasTerm(hay, n, false) {
					want = true
					break
				}
			}
			if got := ts.any(hay); got != want {
				t.Fatalf("has_any(%q, %q) = %v, want %v", hay, needles, got, want)
			}
		}
	}
}
