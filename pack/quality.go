package pack

import (
	_ "embed"
	"fmt"
	"strings"
	"unicode"

	"gopkg.in/yaml.v3"

	"github.com/rmmhunt/rmmhunt/engine"
)

//go:embed quality.yaml
var qualityYAML []byte

// Policy is the indicator quality policy (quality.yaml): known-benign
// vendors and products, shared services, generic file names and words,
// values the catalog lists for the wrong tool, and the words that do not
// tie an indicator to a tool.
type Policy struct {
	BenignVendors  []ValueGroup  `yaml:"benign_vendors"`
	BenignProducts []ValueGroup  `yaml:"benign_products"`
	SharedServices []HostGroup   `yaml:"shared_services"`
	GenericFiles   []ValueGroup  `yaml:"generic_files"`
	GenericWords   []string      `yaml:"generic_words"`
	WrongValues    []WrongValues `yaml:"wrong_values"`
	Stopwords      []string      `yaml:"ownership_stopwords"`

	stop map[string]bool
}

// ValueGroup is a list of values that fail a check for the same reason.
type ValueGroup struct {
	Reason string   `yaml:"reason"`
	Values []string `yaml:"values"`
}

// HostGroup is a list of shared-service hosts with the reason they are
// shared.
type HostGroup struct {
	Reason string `yaml:"reason"`
	// Owner names the tool the hosts belong to; the check does not apply
	// to it.
	Owner string   `yaml:"owner"`
	Hosts []string `yaml:"hosts"`
}

// WrongValues are values the catalog lists for a tool that belong to
// something else.
type WrongValues struct {
	Tool   string   `yaml:"tool"`
	Values []string `yaml:"values"`
	Reason string   `yaml:"reason"`
}

// LoadPolicy decodes the embedded quality.yaml.
func LoadPolicy() (*Policy, error) { return ParsePolicy(qualityYAML) }

// ParsePolicy decodes a quality policy.
func ParsePolicy(data []byte) (*Policy, error) {
	var p Policy
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("pack: quality policy: %w", err)
	}
	p.stop = map[string]bool{}
	for _, w := range p.Stopwords {
		p.stop[strings.ToLower(w)] = true
	}
	return &p, nil
}

// Check is the outcome of a failed quality check.
type Check struct {
	// Reason says why the indicator is not trusted.
	Reason string
	// Matched is the listed value the indicator matched.
	Matched string
}

// BenignVendor reports whether a signer or company indicator, used as a
// has needle, matches a known-benign vendor.
func (p *Policy) BenignVendor(x string) (Check, bool) { return matchGroups(p.BenignVendors, x) }

// BenignProduct reports whether a product indicator matches a known-benign
// product.
func (p *Policy) BenignProduct(x string) (Check, bool) { return matchGroups(p.BenignProducts, x) }

func matchGroups(groups []ValueGroup, x string) (Check, bool) {
	if strings.TrimSpace(x) == "" {
		return Check{Reason: "empty value"}, true
	}
	for _, g := range groups {
		for _, v := range g.Values {
			if engine.HasTerm(v, x) {
				return Check{Reason: g.Reason, Matched: v}, true
			}
		}
	}
	return Check{}, false
}

// SharedService reports whether a domain indicator of tool matches a
// shared service's host under has (it is that host or a parent domain of
// it). Hosts owned by tool are not shared for it.
func (p *Policy) SharedService(tool, domain string) (Check, bool) {
	for _, g := range p.SharedServices {
		if g.Owner != "" && strings.EqualFold(g.Owner, tool) {
			continue
		}
		for _, h := range g.Hosts {
			if engine.HasTerm(h, domain) {
				return Check{Reason: g.Reason, Matched: h}, true
			}
		}
	}
	return Check{}, false
}

// OnSharedService returns the shared-service host a domain indicator is a
// subdomain of, or "".
func (p *Policy) OnSharedService(domain string) string {
	d := strings.ToLower(domain)
	for _, g := range p.SharedServices {
		for _, h := range g.Hosts {
			if strings.HasSuffix(d, "."+strings.ToLower(h)) {
				return h
			}
		}
	}
	return ""
}

// GenericFile reports whether a file name is too generic to identify a
// tool.
func (p *Policy) GenericFile(name string) (Check, bool) {
	for _, g := range p.GenericFiles {
		for _, v := range g.Values {
			if strings.EqualFold(v, strings.TrimSpace(name)) {
				return Check{Reason: g.Reason, Matched: v}, true
			}
		}
	}
	return Check{}, false
}

// GenericWord reports whether a product indicator is a generic word.
func (p *Policy) GenericWord(x string) bool {
	x = strings.TrimSpace(x)
	for _, w := range p.GenericWords {
		if strings.EqualFold(w, x) {
			return true
		}
	}
	return len(x) < 3
}

// WrongValue reports whether the catalog lists value for tool by mistake.
func (p *Policy) WrongValue(tool, value string) (Check, bool) {
	for _, w := range p.WrongValues {
		if !strings.EqualFold(w.Tool, tool) {
			continue
		}
		for _, v := range w.Values {
			if strings.EqualFold(v, value) {
				return Check{Reason: w.Reason, Matched: v}, true
			}
		}
	}
	return Check{}, false
}

// significant returns the lower-case terms of s (runs of letters and
// digits) of four or more characters that are not stopwords.
func (p *Policy) significant(s string) []string {
	var out []string
	for _, t := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if len(t) >= 4 && !p.stop[t] {
			out = append(out, t)
		}
	}
	return out
}

// squash lower-cases s and keeps only its letters and digits.
func squash(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// ownsByName reports whether one of names (a tool's name and aliases)
// shares a significant term with value: a significant term of a name occurs
// in the value, or a significant term of the value occurs in a name (names
// and values compared without spaces or punctuation, so that "NinjaRMM"
// and "Ninja RMM" agree).
func (p *Policy) ownsByName(names []string, value string) bool {
	sv := squash(value)
	for _, n := range names {
		sn := squash(n)
		for _, t := range p.significant(n) {
			if strings.Contains(sv, t) {
				return true
			}
		}
		for _, t := range p.significant(value) {
			if strings.Contains(sn, t) {
				return true
			}
		}
	}
	return false
}
