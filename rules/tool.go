package rules

import "strings"

// Tag keys that name the tool and the detection variant of an RMM rule. A
// tag is written as a one-key mapping, e.g. "- rmmhunt.tool: AnyDesk".
const (
	TagTool    = "rmmhunt.tool"
	TagVariant = "rmmhunt.variant"
)

// RMM rule variants: the last part of a published RMM rule's name.
var rmmVariants = []string{"File Signature", "Create Process", "Network Connection"}

// rmmNamePrefix starts the name of every RMM rule of the published family.
const rmmNamePrefix = "Remote Management and Monitoring tool - "

// TagValues returns the values of the tags written as "key: value" with the
// given key (compared case-insensitively), in order.
func (r *Rule) TagValues(key string) []string {
	var out []string
	for _, t := range r.Tags {
		k, v, ok := strings.Cut(t, ":")
		if ok && strings.EqualFold(strings.TrimSpace(k), key) {
			out = append(out, strings.TrimSpace(v))
		}
	}
	return out
}

// Tool returns the RMM tool the rule detects: the value of its
// rmmhunt.tool tag, or else the tool part of a name of the form
// "Remote Management and Monitoring tool - <Tool> - <Variant>". It is ""
// for other rules.
func (r *Rule) Tool() string {
	if v := r.TagValues(TagTool); len(v) > 0 && v[0] != "" {
		return v[0]
	}
	tool, _ := ParseRMMName(r.Name)
	return tool
}

// Variant returns the detection variant of an RMM rule ("File Signature",
// "Create Process" or "Network Connection"): the value of its
// rmmhunt.variant tag, or else the variant part of its name. It is "" for
// other rules.
func (r *Rule) Variant() string {
	if v := r.TagValues(TagVariant); len(v) > 0 && v[0] != "" {
		return v[0]
	}
	_, variant := ParseRMMName(r.Name)
	return variant
}

// ParseRMMName splits a name of the form "Remote Management and Monitoring
// tool - <Tool> - <Variant>" (prefix compared case-insensitively). The
// variant is one of the three RMM variants in its canonical spelling, or ""
// when the name does not end with one (then the whole rest is the tool).
// Both are "" when the name does not follow the pattern.
func ParseRMMName(name string) (tool, variant string) {
	name = strings.TrimSpace(name)
	if len(name) < len(rmmNamePrefix) || !strings.EqualFold(name[:len(rmmNamePrefix)], rmmNamePrefix) {
		return "", ""
	}
	rest := strings.TrimSpace(name[len(rmmNamePrefix):])
	if i := strings.LastIndex(rest, " - "); i >= 0 {
		v := strings.TrimSpace(rest[i+3:])
		for _, known := range rmmVariants {
			if strings.EqualFold(v, known) {
				return strings.TrimSpace(rest[:i]), known
			}
		}
	}
	return rest, ""
}
