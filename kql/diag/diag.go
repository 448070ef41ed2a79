// Package diag holds the diagnostics that the KQL front end and the rule
// loader report: a message tied to a source span, with a severity and a kind
// that separates genuine errors from valid-but-unsupported constructs.
//
// A List sorts, de-duplicates and prints diagnostics as
// `file:line:col: message`, followed by the source line and a caret.
package diag

import (
	"fmt"
	"sort"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/token"
)

// Severity orders diagnostics by how bad they are.
type Severity int

// Severities.
const (
	Error Severity = iota
	Warning
	Note
)

// String returns "error", "warning" or "note".
func (s Severity) String() string {
	switch s {
	case Warning:
		return "warning"
	case Note:
		return "note"
	}
	return "error"
}

// Diagnostic is one message about a query or rule.
type Diagnostic struct {
	Severity Severity
	// Unsupported is true when the construct is valid KQL that this engine
	// does not implement yet (rmmhunt check exits 3 for those).
	Unsupported bool
	// Resolved is set on an Unsupported diagnostic when the construct's
	// names and types resolved (a function whose signature and result
	// types are known): the query binds, but rmmhunt cannot compute it.
	Resolved bool
	Span     token.Span
	Msg      string
}

// Error implements error (without position; use List.Format for that).
func (d *Diagnostic) Error() string { return d.Msg }

// List is a list of diagnostics for one source file.
type List struct {
	File  *token.File
	Items []*Diagnostic
}

// Add appends a diagnostic.
func (l *List) Add(sev Severity, span token.Span, format string, args ...any) *Diagnostic {
	d := &Diagnostic{Severity: sev, Span: span, Msg: fmt.Sprintf(format, args...)}
	l.Items = append(l.Items, d)
	return d
}

// Errorf appends an error.
func (l *List) Errorf(span token.Span, format string, args ...any) {
	l.Add(Error, span, format, args...)
}

// Unsupportedf appends an error for valid KQL that is not supported yet.
func (l *List) Unsupportedf(span token.Span, format string, args ...any) {
	d := l.Add(Error, span, format, args...)
	d.Unsupported = true
}

// NotComputedf appends an error for valid KQL whose names and types
// resolve but that rmmhunt does not compute (an Unsupported, Resolved
// diagnostic).
func (l *List) NotComputedf(span token.Span, format string, args ...any) {
	d := l.Add(Error, span, format, args...)
	d.Unsupported = true
	d.Resolved = true
}

// OnlyNotComputed reports whether the list has errors and every one of them
// is a construct that resolved but is not computed (see NotComputedf).
func (l *List) OnlyNotComputed() bool {
	if l == nil || !l.HasErrors() {
		return false
	}
	for _, d := range l.Items {
		if d.Severity == Error && !(d.Unsupported && d.Resolved) {
			return false
		}
	}
	return true
}

// Warnf appends a warning.
func (l *List) Warnf(span token.Span, format string, args ...any) {
	l.Add(Warning, span, format, args...)
}

// HasErrors reports whether any diagnostic is an error.
func (l *List) HasErrors() bool {
	for _, d := range l.Items {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// OnlyUnsupported reports whether there are errors and every error is an
// "unsupported" one (the query itself is valid KQL).
func (l *List) OnlyUnsupported() bool {
	n := 0
	for _, d := range l.Items {
		if d.Severity == Error {
			if !d.Unsupported {
				return false
			}
			n++
		}
	}
	return n > 0
}

// Errors returns the error diagnostics only.
func (l *List) Errors() []*Diagnostic {
	var out []*Diagnostic
	for _, d := range l.Items {
		if d.Severity == Error {
			out = append(out, d)
		}
	}
	return out
}

// Sort orders the diagnostics by position, then severity, and removes exact
// duplicates (same span start and message).
func (l *List) Sort() {
	sort.SliceStable(l.Items, func(i, j int) bool {
		a, b := l.Items[i], l.Items[j]
		if a.Span.Start != b.Span.Start {
			return a.Span.Start < b.Span.Start
		}
		return a.Severity < b.Severity
	})
	out := l.Items[:0]
	for i, d := range l.Items {
		if i > 0 {
			p := l.Items[i-1]
			if p.Span.Start == d.Span.Start && p.Msg == d.Msg {
				continue
			}
		}
		out = append(out, d)
	}
	l.Items = out
}

// Err returns the list as an error when it holds errors, nil otherwise.
func (l *List) Err() error {
	if !l.HasErrors() {
		return nil
	}
	return &ListError{List: l}
}

// ListError wraps a List with errors as a Go error.
type ListError struct{ List *List }

// Error prints the first error with its position and a count of the others.
func (e *ListError) Error() string {
	errs := e.List.Errors()
	if len(errs) == 0 {
		return "no errors"
	}
	s := e.List.Position(errs[0]).String() + ": " + errs[0].Msg
	if len(errs) > 1 {
		s += fmt.Sprintf(" (and %d more errors)", len(errs)-1)
	}
	return s
}

// Position returns the start position of d in the list's file.
func (l *List) Position(d *Diagnostic) token.Position {
	if l.File == nil {
		return token.Position{}
	}
	return l.File.Position(d.Span.Start)
}

// MaxPrinted is how many diagnostics Format prints before "and N more".
const MaxPrinted = 10

// Format prints the diagnostics as `file:line:col: severity: message`, each
// followed by the source line and a caret under the offending text.
func (l *List) Format() string {
	var b strings.Builder
	for i, d := range l.Items {
		if i == MaxPrinted {
			fmt.Fprintf(&b, "and %d more\n", len(l.Items)-MaxPrinted)
			break
		}
		b.WriteString(l.FormatOne(d))
	}
	return b.String()
}

// FormatOne prints one diagnostic with its source line and caret.
func (l *List) FormatOne(d *Diagnostic) string {
	var b strings.Builder
	pos := l.Position(d)
	prefix := d.Severity.String()
	if d.Unsupported {
		prefix = "unsupported"
	}
	if pos.Line > 0 {
		fmt.Fprintf(&b, "%s: %s: %s\n", pos, prefix, d.Msg)
		line := l.File.Line(pos.Line)
		if line != "" {
			col := pos.Column - l.File.ColBase
			b.WriteString("    " + strings.ReplaceAll(line, "\t", " ") + "\n")
			n := 1
			if d.Span.End > d.Span.Start {
				end := l.File.Position(d.Span.End)
				if end.Line == pos.Line {
					n = end.Column - pos.Column
				}
			}
			if n < 1 {
				n = 1
			}
			if col < 1 {
				col = 1
			}
			b.WriteString("    " + strings.Repeat(" ", col-1) + "^" + strings.Repeat("~", n-1) + "\n")
		}
	} else {
		name := ""
		if l.File != nil && l.File.Name != "" {
			name = l.File.Name + ": "
		}
		fmt.Fprintf(&b, "%s%s: %s\n", name, prefix, d.Msg)
	}
	return b.String()
}
