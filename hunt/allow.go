package hunt

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/rmmhunt/rmmhunt/kql/diag"
	"github.com/rmmhunt/rmmhunt/kql/token"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// Allowlist is a parsed allowlist file: the sanctioned uses of RMM tools.
// Applying it moves the findings its entries match to suppressed; it never
// removes them.
//
// An entry matches a finding when every condition it has holds:
//
//   - tool: the finding's tool (catalog name or alias, any case);
//   - variants: the finding's variant is one of them;
//   - devices: a DeviceName glob (matched against the full name or the
//     name before its first dot) or a DeviceId;
//   - pins (remote_url, signer, sha1, folder_path, account): every value
//     the data shows for the finding matches one of the pinned values, and
//     the data shows at least one, so a finding the data cannot tie to the
//     organisation's own instance stays active;
//   - where: the KQL predicate is true on every row of the finding's
//     enriched rows (see EnrichedSchema).
//
// The first entry in file order that matches and has not expired wins.
type Allowlist struct {
	// Path is the file name the allowlist was read from.
	Path string
	// Entries are the entries in file order.
	Entries []*AllowEntry

	file *token.File
}

// AllowEntry is one entry of an allowlist.
type AllowEntry struct {
	// Index is the 1-based position of the entry in the file; Line and
	// Column locate its first key.
	Index, Line, Column int
	// Tool is the catalog name of the tool; ToolAsWritten the name as the
	// file gives it.
	Tool, ToolAsWritten string
	// Variants restricts the entry to some rule variants (empty: all).
	Variants []string
	// Devices are DeviceName globs or DeviceIds (empty: every device).
	Devices []string
	// RemoteURLs, Signers, SHA1s, FolderPaths and Accounts pin the
	// organisation's own instance of the tool.
	RemoteURLs, Signers, SHA1s, FolderPaths, Accounts []string
	// Where is the KQL predicate as written ("" when none).
	Where string
	// Expires is the first instant at which the entry no longer applies
	// (the day after an `expires` date, at 00:00 UTC); zero when it never
	// expires. ExpiresText is the value as written.
	Expires     time.Time
	ExpiresText string
	// Reason, Owner and Ticket document the entry.
	Reason, Owner, Ticket string

	where       *wherePred
	expiresSpan token.Span
	span        token.Span
}

// Expired reports whether the entry has expired at time t.
func (e *AllowEntry) Expired(t time.Time) bool {
	return !e.Expires.IsZero() && !t.Before(e.Expires)
}

// Position returns the entry's position in the allowlist file a (which may
// be nil) as file:line:col.
func (e *AllowEntry) Position(a *Allowlist) string {
	name := ""
	if a != nil {
		name = a.Path
	}
	return token.Position{Filename: name, Line: e.Line, Column: e.Column}.String()
}

// Suppression records why a finding is suppressed.
type Suppression struct {
	// Entry is the allowlist entry that matched.
	Entry *AllowEntry
	// Matched lists the entry's conditions that held, e.g. "tool: AnyDesk",
	// "devices: helpdesk-*", "remote_url: relay.example-corp.com",
	// "where: process.command_line contains \"backup\"".
	Matched []string
}

// ExpiredEntry is an allowlist entry that expired before the reference
// time.
type ExpiredEntry struct {
	Entry *AllowEntry
	// Matches counts the findings the entry matches and would have
	// suppressed.
	Matches int
}

// Apply matches the allowlist against the findings of o, marks the
// findings it suppresses and records the expired entries in o.Expired.
// Expiry is decided at the hunt's reference time. The returned list holds
// a warning, at the entry's `expires` value, for each expired entry. The
// error is set when a where predicate could not be evaluated.
func (a *Allowlist) Apply(ctx context.Context, o *Outcome) (*diag.List, error) {
	o.Allow = a
	warns := &diag.List{File: a.file}
	if len(a.Entries) == 0 || len(o.Items) == 0 {
		return a.expiryWarnings(o, warns, nil), nil
	}
	ref := o.Result.ReferenceTime
	// Which findings each entry's where predicate holds for.
	whereOK, err := a.evalWhere(ctx, o)
	if err != nil {
		return warns, err
	}
	matches := make([]int, len(a.Entries))
	for fi, it := range o.Items {
		for ei, e := range a.Entries {
			conds, ok := e.match(it)
			if !ok {
				continue
			}
			if e.where != nil {
				if !whereOK[ei][fi] {
					continue
				}
				conds = append(conds, "where: "+oneLine(e.Where))
			}
			matches[ei]++
			if e.Expired(ref) || it.Suppressed != nil {
				continue
			}
			it.Suppressed = &Suppression{Entry: e, Matched: conds}
		}
	}
	return a.expiryWarnings(o, warns, matches), nil
}

// expiryWarnings records and reports the expired entries.
func (a *Allowlist) expiryWarnings(o *Outcome, warns *diag.List, matches []int) *diag.List {
	ref := o.Result.ReferenceTime
	for ei, e := range a.Entries {
		if !e.Expired(ref) {
			continue
		}
		n := 0
		if matches != nil {
			n = matches[ei]
		}
		o.Expired = append(o.Expired, &ExpiredEntry{Entry: e, Matches: n})
		what := "it matches no finding"
		switch n {
		case 0:
		case 1:
			what = "it matches 1 finding, which stays active"
		default:
			what = fmt.Sprintf("it matches %d findings, which stay active", n)
		}
		warns.Warnf(e.expiresSpan, "the %s entry expired on %s (reference time %s) and no longer suppresses: %s",
			e.Tool, e.ExpiresText, types.FormatDatetime(types.TicksFromTime(ref)), what)
	}
	return warns
}

// oneLine collapses the white space of a predicate for display.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
