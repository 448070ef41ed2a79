package engine

import (
	"strings"
	"testing"
)

// TestHasTerm pins the has rule of kql-semantics.md §3.1, including the
// worked examples table.
func TestHasTerm(t *testing.T) {
	tests := []struct {
		hay, needle string
		cs          bool
		want        bool
	}{
		{"Hello World", "hello", false, true},
		{"<Hello-World>", "hello", false, true},
		{"*Hello*World*", "hello", false, true},
		{"_Hello_World_", "hello", false, true},
		{"123Hello-World456", "hello", false, false},
		{"abcHello Worldxyz", "hello", false, false},
		{"HelloWorld", "hello", false, false},
		{"Hello World", "hell", false, false},
		{"North America", "North America", false, true},
		{"url/resourcegroups/test.rg000001?x", "/resourcegroups/test.rg000001?", false, true},
		{"NinjaRMMAgent Ltd", "NinjaRMM", false, false},
		{"NinjaRMM, LLC", "NinjaRMM", false, true},
		{"Tactical Technologies", "Tactical Techs", false, false},
		{"notanydesk.com", "anydesk.com", false, false},
		{"a.anydesk.com", "anydesk.com", false, true},
		{"Hello", "hello", true, false},
		{"x", "", false, true},
		{"ÉCOLE normale", "école", false, true},
		{"éa", "a", false, false},
		{"aaab aab", "aab", false, true},
	}
	for _, tt := range tests {
		if got := hasTerm(tt.hay, tt.needle, tt.cs); got != tt.want {
			t.Errorf("hasTerm(%q, %q, cs=%v) = %v, want %v", tt.hay, tt.needle, tt.cs, got, tt.want)
		}
	}
}

// FuzzHas checks that has implies contains and that has agrees with a slow
// reference implementation of the term rule.
func FuzzHas(f *testing.F) {
	for _, s := range [][2]string{{"Hello World", "hello"}, {"a_b", "a"}, {"x.anydesk.com", "anydesk.com"}, {"ÀB c", "àb"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, hay, needle string) {
		got := hasTerm(hay, needle, true)
		if got && !strings.Contains(hay, needle) {
			t.Fatalf("has_cs(%q, %q) without contains", hay, needle)
		}
		if want := slowHas(hay, needle); got != want {
			t.Fatalf("has_cs(%q, %q) = %v, reference %v", hay, needle, got, want)
		}
	})
}

// slowHas tries every occurrence with explicit rune boundary checks.
func slowHas(hay, needle string) bool {
	if needle == "" {
		return true
	}
	nr := []rune(needle)
	for i := 0; i+len(needle) <= len(hay); i++ {
		if !strings.HasPrefix(hay[i:], needle) {
			continue
		}
		before := []rune(hay[:i])
		after := []rune(hay[i+len(needle):])
		if isTermRune(nr[0]) && len(before) > 0 && isTermRune(before[len(before)-1]) {
			continue
		}
		if isTermRune(nr[len(nr)-1]) && len(after) > 0 && isTermRune(after[0]) {
			continue
		}
		return true
	}
	return false
}
