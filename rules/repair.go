package rules

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// TabWidth is the tab stop used when a tab in the indentation of a YAML line
// is replaced by spaces.
const TabWidth = 8

// repairNote is one repair made to the YAML text, reported as a warning. line
// is 1-based; col and endCol are 1-based rune columns in the original line
// (endCol exclusive; 0 when the note covers one character).
type repairNote struct {
	line, col, endCol int
	msg               string
}

// repaired is the YAML text after repairs, line by line. The repairs never
// add or remove lines and only ever rewrite the leading white space of a line,
// so a repaired line:column maps back to the original text through origCol.
type repaired struct {
	orig, lines []string
	notes       []repairNote
}

// text returns the repaired YAML text.
func (p *repaired) text() string { return strings.Join(p.lines, "\n") }

// origCol maps a 1-based rune column of repaired line n (1-based) to the
// column of the same character in the original line.
func (p *repaired) origCol(n, col int) int {
	if n < 1 || n > len(p.lines) || p.lines[n-1] == p.orig[n-1] {
		return col
	}
	w := utf8.RuneCountInString(p.lines[n-1]) - utf8.RuneCountInString(strings.TrimLeft(p.lines[n-1], " \t"))
	o := leadingRunes(p.orig[n-1])
	if col > w {
		return col - w + o
	}
	if col > o+1 {
		return o + 1
	}
	return col
}

// leadingRunes counts the spaces and tabs at the start of s.
func leadingRunes(s string) int {
	return len(s) - len(strings.TrimLeft(s, " \t"))
}

// leadingSpaces counts the spaces (only) at the start of s.
func leadingSpaces(s string) int {
	return len(s) - len(strings.TrimLeft(s, " "))
}

// width returns the display width of the leading white space of s, tabs
// advancing to the next multiple of TabWidth.
func width(s string) int {
	w := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ':
			w++
		case '\t':
			w = (w/TabWidth + 1) * TabWidth
		default:
			return w
		}
	}
	return w
}

// hasLeadingTab reports whether the leading white space of s holds a tab.
func hasLeadingTab(s string) bool {
	return strings.Contains(s[:leadingRunes(s)], "\t")
}

// expandLeading replaces the leading white space of s by spaces.
func expandLeading(s string) string {
	return strings.Repeat(" ", width(s)) + s[leadingRunes(s):]
}

// isBlank reports whether s holds only spaces and tabs.
func isBlank(s string) bool { return strings.TrimLeft(s, " \t") == "" }

// isComment reports whether s is a comment line.
func isComment(s string) bool { return strings.HasPrefix(strings.TrimLeft(s, " \t"), "#") }

// blockIndicator matches a line whose value is a block scalar: "key: |",
// "- >-", "key: |2 # comment", a bare "|".
var blockIndicator = regexp.MustCompile(`^ *(?:- +)*(?:[^\s#'"][^#]*?:[ \t]+|"[^"]*":[ \t]+|'[^']*':[ \t]+)?(?:- +)?[|>]([1-9]?)[+-]?([1-9]?)[ \t]*(?:#.*)?$`)

// tabbed finds the indentation part of a repair message, reworded when the
// line was indented with a tab.
var tabbed = regexp.MustCompile(`is indented (\d+) spaces`)

// keyLine matches "key:" or "key: value" with a plain key.
var keyLine = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*:(?:[ \t]+(.*))?$`)

// splitKey parses a plain "key: value" line (without its indentation). The
// value has a trailing comment removed and is trimmed.
func splitKey(s string) (key, value string, ok bool) {
	m := keyLine.FindStringSubmatch(strings.TrimRight(s, " \t"))
	if m == nil {
		return "", "", false
	}
	v := m[2]
	if strings.HasPrefix(v, "#") {
		v = ""
	} else if i := strings.Index(v, " #"); i >= 0 {
		v = v[:i]
	}
	return m[1], strings.TrimSpace(v), true
}

// repair applies the repairs to text (LF line endings) and returns the
// result with one note per repair.
func repair(text string) *repaired {
	orig := strings.Split(text, "\n")
	p := &repaired{orig: orig, lines: append([]string(nil), orig...)}
	tabs := p.repairTabs()
	connectorLines := p.repairConnectors(tabs)
	p.noteTabs(tabs, connectorLines)
	return p
}

// repairTabs replaces tabs in the indentation of lines where YAML forbids
// them: every structural line, and the lines of a block scalar where a tab
// falls inside the block's indentation. A tab after a block scalar's
// indentation is content and is kept. It returns the 0-based lines changed.
func (p *repaired) repairTabs() []int {
	var changed []int
	fix := func(i int) {
		if isBlank(p.lines[i]) {
			p.lines[i] = ""
		} else {
			p.lines[i] = expandLeading(p.lines[i])
		}
		changed = append(changed, i)
	}
	n := len(p.lines)
	for i := 0; i < n; i++ {
		l := p.lines[i]
		if isBlank(l) {
			if strings.Contains(l, "\t") {
				fix(i)
			}
			continue
		}
		if hasLeadingTab(l) {
			fix(i)
		}
		m := blockIndicator.FindStringSubmatch(p.lines[i])
		if m == nil {
			continue
		}
		parent := leadingSpaces(p.lines[i])
		indent := 0
		if d := m[1] + m[2]; d != "" {
			indent = parent + int(d[0]-'0')
		}
		j := i + 1
		for ; j < n; j++ {
			b := p.lines[j]
			if isBlank(b) {
				// Blank lines belong to the block; a tab inside its
				// indentation is an error in YAML, after it content.
				if strings.Contains(b, "\t") && (indent == 0 || leadingSpaces(b) < indent) {
					fix(j)
				}
				continue
			}
			if width(b) <= parent {
				break
			}
			if indent == 0 {
				// The first content line sets the indentation; YAML
				// rejects any tab while it is being detected.
				if hasLeadingTab(b) {
					fix(j)
				}
				indent = leadingSpaces(p.lines[j])
				continue
			}
			if leadingSpaces(b) < indent && hasLeadingTab(b) {
				fix(j)
			}
		}
		i = j - 1
	}
	return changed
}

// noteTabs reports the tab repairs, one note per run of consecutive lines,
// leaving out lines whose repair the connector pass already reported.
func (p *repaired) noteTabs(tabs []int, skip map[int]bool) {
	var run []int
	flush := func() {
		if len(run) == 0 {
			return
		}
		first := run[0]
		col := leadingRunes(p.orig[first]) + 1
		if isBlank(p.orig[first]) {
			col = 1
		}
		msg := fmt.Sprintf("tab in the indentation, read as %d-column tab stops (repaired)", TabWidth)
		if len(run) > 1 {
			msg = fmt.Sprintf("tabs in the indentation of lines %d-%d, read as %d-column tab stops (repaired)", first+1, run[len(run)-1]+1, TabWidth)
		}
		p.notes = append(p.notes, repairNote{line: first + 1, col: col, msg: msg})
		run = run[:0]
	}
	for _, i := range tabs {
		if skip[i] {
			continue
		}
		if len(run) > 0 && run[len(run)-1] != i-1 {
			flush()
		}
		run = append(run, i)
	}
	flush()
}

// repairConnectors re-indents the requiredDataConnectors block of published
// rules, where the dataTypes key or its entries are not aligned with the
// connector they belong to:
//
//	requiredDataConnectors:          requiredDataConnectors:
//	    - connectorId: X                 - connectorId: X
//	    dataTypes:           (a)         dataTypes:
//	        - DeviceProcessEvents    - DeviceProcessEvents     (b)
//
// In (a) strict YAML rejects the file; in (b) the table silently becomes a
// second connector. Keys of a connector are moved to the column of its first
// key, and dataTypes entries under their key. It returns the lines it
// re-indented (their tab repair, if any, is reported with them).
func (p *repaired) repairConnectors(tabs []int) map[int]bool {
	hadTab := map[int]bool{}
	for _, i := range tabs {
		hadTab[i] = true
	}
	done := map[int]bool{}
	start := -1
	for i, l := range p.lines {
		if k, v, ok := splitKey(l); ok && k == "requiredDataConnectors" && v == "" {
			start = i
			break
		}
	}
	if start < 0 {
		return done
	}
	var (
		dashCol  = -1 // column of the first connector's "-"
		keyCol   = -1 // column of the current connector's keys
		firstKey string
		inTypes  bool // inside "dataTypes:" with no inline value
		typesCol int  // column of that dataTypes key
		listCol  = -1 // column of the first dataTypes entry
		// listMoved is true when the first entry was re-indented.
		listMoved bool
	)
	reindent := func(i, to int, msg string) {
		if hadTab[i] {
			msg = tabbed.ReplaceAllString(msg, "is indented with a tab ($1 columns)")
		}
		o := p.orig[i]
		rest := strings.TrimLeft(o, " \t")
		col := leadingRunes(o) + 1
		var end int
		if i := strings.Index(rest, " #"); i >= 0 {
			rest = rest[:i]
		}
		rest = strings.TrimRight(rest, " \t")
		end = col + utf8.RuneCountInString(rest)
		if k, _, ok := splitKey(rest); ok {
			end = col + utf8.RuneCountInString(k)
		}
		p.lines[i] = strings.Repeat(" ", to) + strings.TrimLeft(p.lines[i], " ")
		p.notes = append(p.notes, repairNote{line: i + 1, col: col, endCol: end, msg: msg + " (repaired)"})
		done[i] = true
	}
	for i := start + 1; i < len(p.lines); i++ {
		l := p.lines[i]
		if isBlank(l) || isComment(l) {
			continue
		}
		ind := leadingSpaces(l)
		rest := l[ind:]
		dash := rest == "-" || strings.HasPrefix(rest, "- ")
		if !dash && ind == 0 {
			// A top-level key ends the block, except a dataTypes key right
			// inside a connector: that is the quirk with the key at column 0.
			if k, _, ok := splitKey(rest); !ok || k != "dataTypes" || keyCol < 0 {
				break
			}
		}
		if dash {
			item := strings.TrimLeft(rest[1:], " ")
			if k, v, ok := splitKey(item); ok {
				// A new connector.
				if dashCol < 0 {
					dashCol = ind
				} else if ind != dashCol {
					reindent(i, dashCol, fmt.Sprintf("connector entry is indented %d spaces instead of %d like the first connector", ind, dashCol))
				}
				keyCol = dashCol + len(rest) - len(item)
				firstKey = k
				inTypes, typesCol, listCol, listMoved = k == "dataTypes" && v == "", keyCol, -1, false
				continue
			}
			if !inTypes {
				continue // a scalar where a connector belongs: left to the decoder
			}
			name := strings.TrimSpace(item)
			switch {
			case listCol < 0 && ind <= dashCol:
				listCol = typesCol + 2
				listMoved = true
				reindent(i, listCol, fmt.Sprintf("dataTypes entry %s is indented %d spaces, at the connector's \"-\", where it reads as a connector of its own; moved under dataTypes", name, ind))
			case listCol < 0 && ind < typesCol:
				listCol = typesCol + 2
				listMoved = true
				reindent(i, listCol, fmt.Sprintf("dataTypes entry %s is indented %d spaces, less than its key dataTypes (%d); moved under dataTypes", name, ind, typesCol))
			case listCol < 0:
				listCol = ind
			case ind != listCol:
				above := "the entry above"
				if listMoved {
					above = "the entry above after its repair"
				}
				reindent(i, listCol, fmt.Sprintf("dataTypes entry %s is indented %d spaces instead of %d like %s", name, ind, listCol, above))
			}
			continue
		}
		k, v, ok := splitKey(rest)
		if !ok {
			continue
		}
		if (k == "dataTypes" || k == "connectorId") && keyCol >= 0 {
			if ind != keyCol {
				reindent(i, keyCol, fmt.Sprintf("%s is indented %d spaces instead of %d like %s in the same connector", k, ind, keyCol, firstKey))
			}
			inTypes, typesCol, listCol, listMoved = k == "dataTypes" && v == "", keyCol, -1, false
			continue
		}
		inTypes = false
	}
	return done
}
