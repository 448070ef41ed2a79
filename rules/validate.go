package rules

import (
	"regexp"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/diag"
	"github.com/rmmhunt/rmmhunt/kql/token"
)

// Tactics lists the MITRE ATT&CK tactic names as Sentinel writes them in
// rule files (Enterprise, the PreAttack tactic of older rules, and the ICS
// tactics that Sentinel accepts).
var Tactics = []string{
	"Reconnaissance", "ResourceDevelopment", "InitialAccess", "Execution",
	"Persistence", "PrivilegeEscalation", "DefenseEvasion", "CredentialAccess",
	"Discovery", "LateralMovement", "Collection", "CommandAndControl",
	"Exfiltration", "Impact", "PreAttack",
	"ImpairProcessControl", "InhibitResponseFunction",
}

// Severities lists the severity values Sentinel accepts.
var Severities = []string{"Informational", "Low", "Medium", "High"}

// Kinds lists the rule kinds Sentinel accepts.
var Kinds = []string{
	"Scheduled", "NRT", "MicrosoftSecurityIncidentCreation", "Fusion",
	"MLBehaviorAnalytics", "ThreatIntelligence",
}

// TriggerOperators lists the triggerOperator values Sentinel accepts, in the
// short form used by rule files and the long form of its API.
var TriggerOperators = []string{
	"gt", "lt", "eq", "ne", "GreaterThan", "LessThan", "Equal", "NotEqual",
}

var (
	uuidPattern      = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	techniquePattern = regexp.MustCompile(`^T\d{4}(\.\d{3})?$`)
	durationPattern  = regexp.MustCompile(`^\d+[mhd]$`)
)

// IsUUID reports whether s has the 8-4-4-4-12 hexadecimal form of a UUID.
func IsUUID(s string) bool { return uuidPattern.MatchString(s) }

// IsTechnique reports whether s is a MITRE ATT&CK technique or
// sub-technique id (T1219, T1059.001).
func IsTechnique(s string) bool { return techniquePattern.MatchString(s) }

// CanonicalTactic returns the Sentinel spelling of a tactic name, accepting
// any case and spaces, hyphens or underscores between words ("command and
// control" -> "CommandAndControl"); ok is false for an unknown tactic.
func CanonicalTactic(s string) (name string, ok bool) {
	f := foldName(s)
	for _, t := range Tactics {
		if foldName(t) == f {
			return t, true
		}
	}
	return "", false
}

// nameSeparators are removed by foldName.
var nameSeparators = strings.NewReplacer(" ", "", "-", "", "_", "")

// foldName lower-cases s and removes spaces, hyphens and underscores.
func foldName(s string) string {
	return strings.ToLower(nameSeparators.Replace(s))
}

// canonical returns the entry of list equal to s ignoring case, or "".
func canonical(list []string, s string) string {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return v
		}
	}
	return ""
}

// Validate checks the rule-level fields of r: id (present, a UUID), name,
// query (present, not blank), tactics (known MITRE names), relevant
// techniques (T1234 or T1234.567), and the optional severity, kind, trigger
// and schedule settings. Missing id, name or query are errors; the rest are
// warnings. Positions refer to the YAML file r was read from; for a rule
// built in code the diagnostics carry only the rule's path.
//
// Validate does not look into the KQL: the binder checks the query against
// the table schemas, through r.QueryFile.
func Validate(r *Rule) *diag.List {
	src := r.src
	if src == nil {
		src = token.NewFile(r.Path, "")
	}
	l := &diag.List{File: src}
	top := token.Span{Start: 0, End: 0}
	if r.src == nil {
		top = token.Span{Start: token.NoPos, End: token.NoPos}
	}
	at := func(key string) token.Span {
		if s := r.span(key); s.IsValid() {
			return s
		}
		return top
	}
	has := func(key string) bool { return r.span(key).IsValid() }

	switch {
	case !has("id") && r.ID == "":
		l.Errorf(top, "rule has no id")
	case strings.TrimSpace(r.ID) == "":
		l.Errorf(at("id"), "id is empty")
	case !IsUUID(r.ID):
		l.Warnf(at("id"), "id %q is not a UUID (8-4-4-4-12 hexadecimal digits)", r.ID)
	}
	switch {
	case !has("name") && r.Name == "":
		l.Errorf(top, "rule has no name")
	case strings.TrimSpace(r.Name) == "":
		l.Errorf(at("name"), "name is empty")
	}
	switch {
	case !has("query") && r.Query == "":
		l.Errorf(top, "rule has no query")
	case strings.TrimSpace(r.Query) == "":
		l.Errorf(at("query"), "query is empty")
	}

	for i, t := range r.Tactics {
		c, ok := CanonicalTactic(t)
		switch {
		case !ok:
			l.Warnf(r.itemSpan("tactics", i), "unknown tactic %q (Sentinel names such as CommandAndControl, Persistence)", t)
		case c != t:
			l.Warnf(r.itemSpan("tactics", i), "tactic %q is written %q in Sentinel", t, c)
		}
	}
	for i, t := range r.RelevantTechniques {
		if !IsTechnique(t) {
			l.Warnf(r.itemSpan("relevantTechniques", i), "relevant technique %q is not a MITRE technique id (T1234 or T1234.567)", t)
		}
	}
	if r.Severity != "" {
		if c := canonical(Severities, r.Severity); c == "" {
			l.Warnf(at("severity"), "unknown severity %q (Informational, Low, Medium or High)", r.Severity)
		} else if c != r.Severity {
			l.Warnf(at("severity"), "severity %q is written %q in Sentinel", r.Severity, c)
		}
	}
	if r.Kind != "" && canonical(Kinds, r.Kind) == "" {
		l.Warnf(at("kind"), "unknown rule kind %q (%s)", r.Kind, strings.Join(Kinds, ", "))
	}
	if r.TriggerOperator != "" && canonical(TriggerOperators, r.TriggerOperator) == "" {
		l.Warnf(at("triggerOperator"), "unknown triggerOperator %q (gt, lt, eq or ne)", r.TriggerOperator)
	}
	if r.TriggerThreshold != nil && *r.TriggerThreshold < 0 {
		l.Warnf(at("triggerThreshold"), "triggerThreshold %d is negative", *r.TriggerThreshold)
	}
	for _, k := range []struct{ key, val string }{
		{"queryFrequency", r.QueryFrequency}, {"queryPeriod", r.QueryPeriod},
	} {
		if k.val != "" && !durationPattern.MatchString(k.val) {
			l.Warnf(at(k.key), "%s %q is not a duration such as 5m, 1h or 14d", k.key, k.val)
		}
	}
	if (r.QueryFrequency != "" || r.TriggerOperator != "") && strings.EqualFold(r.Kind, "Scheduled") &&
		(r.QueryFrequency == "" || r.QueryPeriod == "" || r.TriggerOperator == "" || r.TriggerThreshold == nil) {
		l.Warnf(at("kind"), "a Scheduled rule needs queryFrequency, queryPeriod, triggerOperator and triggerThreshold")
	}
	for i, c := range r.RequiredDataConnectors {
		s := r.itemSpan("requiredDataConnectors", i)
		if !s.IsValid() {
			s = top
		}
		if c.ConnectorID == "" {
			l.Warnf(s, "connector has no connectorId")
		}
		if len(c.DataTypes) == 0 {
			l.Warnf(s, "connector %s lists no dataTypes", c.ConnectorID)
		}
	}
	l.Sort()
	return l
}
