package rules

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rmmhunt/rmmhunt/kql/diag"
	"github.com/rmmhunt/rmmhunt/kql/token"
	"gopkg.in/yaml.v3"
)

// modelled are the top-level keys decoded into Rule fields.
var modelled = map[string]bool{
	"id": true, "name": true, "description": true, "severity": true,
	"requiredDataConnectors": true, "queryFrequency": true, "queryPeriod": true,
	"triggerOperator": true, "triggerThreshold": true, "tactics": true,
	"relevantTechniques": true, "query": true, "version": true, "kind": true,
	"tags": true, "entityMappings": true,
}

// unmodelled are other top-level keys of Sentinel rule files; they are kept
// in Rule.Extra without a warning.
var unmodelled = map[string]bool{
	"description-detailed": true, "status": true, "metadata": true,
	"customDetails": true, "alertDetailsOverride": true, "eventGroupingSettings": true,
	"incidentConfiguration": true, "suppressionDuration": true, "suppressionEnabled": true,
	"sentinelEntitiesMappings": true, "techniques": true, "subTechniques": true,
	"queryPeriodMinutes": true, "displayName": true, "enabled": true,
	"support": true, "author": true, "references": true, "testData": true,
}

// Parse reads one rule file. name is used as Rule.Path and as the file name
// of the diagnostics, whose positions are lines and columns of data.
//
// The returned list holds the repairs (warnings), YAML and structural errors,
// and the result of Validate. The rule is nil only when data is not a YAML
// mapping at all; otherwise it is returned even when the list has errors, so
// that a linter can report on it, and the caller decides whether to use it.
func Parse(name string, data []byte) (r *Rule, l *diag.List) {
	text := normalise(data)
	src := token.NewFile(name, text)
	l = &diag.List{File: src}
	defer func() {
		if e := recover(); e != nil {
			r = nil
			l.Errorf(token.Span{Start: 0, End: 0}, "internal error reading the rule: %v", e)
		}
		l.Sort()
	}()
	if n := bytes.Count(data, []byte("\r")) - bytes.Count(data, []byte("\r\n")); n > 0 {
		i := bytes.IndexByte(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")), '\r')
		l.Warnf(token.Span{Start: token.Pos(i), End: token.Pos(i + 1)}, "%d bare carriage returns read as line breaks", n)
	}
	if !utf8.ValidString(text) {
		i := firstInvalidUTF8(text)
		l.Errorf(token.Span{Start: token.Pos(i), End: token.Pos(i + 1)}, "file is not valid UTF-8")
		return nil, l
	}
	p := repair(text)
	ps := &posMap{src: src, rep: p}
	for _, n := range p.notes {
		start := ps.at(n.line, n.col, false)
		end := start
		if n.endCol > n.col {
			end = ps.at(n.line, n.endCol, false)
		}
		l.Warnf(token.Span{Start: start, End: end}, "%s", n.msg)
	}
	fixed := p.text()

	dec := yaml.NewDecoder(strings.NewReader(fixed))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			l.Errorf(token.Span{Start: 0, End: 0}, "empty rule file")
			return nil, l
		}
		line, msg := yamlErrorLine(fixed, err)
		at := ps.lineStart(line)
		l.Errorf(token.Span{Start: at, End: at}, "invalid YAML: %s", msg)
		return nil, l
	}
	var more yaml.Node
	if err := dec.Decode(&more); err == nil && more.Kind != 0 {
		at := ps.at(more.Line, more.Column, true)
		l.Warnf(token.Span{Start: at, End: at}, "a rule file holds one YAML document; the documents after the first are ignored")
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		l.Errorf(token.Span{Start: 0, End: 0}, "empty rule file")
		return nil, l
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		at := ps.node(root)
		l.Errorf(token.Span{Start: at, End: at}, "a rule file must be a YAML mapping of keys (id, name, query, ...), not a %s", kindName(root))
		return nil, l
	}
	r = &Rule{
		Path:      name,
		src:       src,
		spans:     map[string]token.Span{},
		itemSpans: map[string][]token.Span{},
	}
	d := &decoder{r: r, l: l, ps: ps}
	d.mapping(root)
	v := Validate(r)
	l.Items = append(l.Items, v.Items...)
	return r, l
}

// normalise strips a UTF-8 byte order mark and turns CRLF and bare CR line
// endings into LF. CRLF is valid YAML, so it is not reported.
func normalise(data []byte) string {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	s := string(data)
	if strings.Contains(s, "\r") {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	return s
}

// firstInvalidUTF8 returns the byte offset of the first invalid UTF-8
// sequence of s.
func firstInvalidUTF8(s string) int {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return 0
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

// yamlErrorLine returns the 1-based line of a YAML syntax error and its
// message without the "yaml: line N:" prefix. yaml.v3 reports the line where
// the enclosing construct starts (a mapping, a block scalar), which is often
// lines before the offending one. The offending line is the first one whose
// prefix of the text fails to decode with the same message; it is found by
// binary search from the reported line, since once the offending line is in
// a prefix, every longer prefix fails the same way.
func yamlErrorLine(text string, err error) (int, string) {
	msg, line := yamlMessage(err)
	if line < 1 {
		line = 1
	}
	lines := strings.Split(text, "\n")
	fails := func(n int) bool {
		var probe yaml.Node
		e := yaml.Unmarshal([]byte(strings.Join(lines[:n], "\n")+"\n"), &probe)
		if e == nil {
			return false
		}
		m, _ := yamlMessage(e)
		return m == msg
	}
	lo, hi := line, len(lines)
	if lo > hi || !fails(hi) {
		return line, msg
	}
	for lo < hi {
		mid := lo + (hi-lo)/2
		if fails(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo, msg
}

// yamlMessage splits a yaml.v3 error into its message and line (0 when the
// error has none).
func yamlMessage(err error) (string, int) {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return msg[len(m[0]):], n
	}
	return strings.TrimPrefix(msg, "yaml: "), 0
}

// posMap converts YAML line:column positions of the repaired text into byte
// offsets of the original text.
type posMap struct {
	src     *token.File
	rep     *repaired
	lineOff []int  // byte offset of each original line, computed on first use
	ascii   []bool // whether each original line is ASCII (columns are bytes)
}

// isASCII reports whether s holds only ASCII characters.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// at returns the offset of 1-based line and rune column col. When repaired is
// true, col is a column of the repaired line (as yaml.v3 reports it);
// otherwise of the original line.
func (m *posMap) at(line, col int, repaired bool) token.Pos {
	if line < 1 || line > len(m.rep.orig) {
		return token.Pos(len(m.src.Src))
	}
	if repaired {
		col = m.rep.origCol(line, col)
	}
	if m.lineOff == nil {
		m.lineOff = make([]int, len(m.rep.orig))
		m.ascii = make([]bool, len(m.rep.orig))
		for i, l := range m.rep.orig {
			if i > 0 {
				m.lineOff[i] = m.lineOff[i-1] + len(m.rep.orig[i-1]) + 1
			}
			m.ascii[i] = isASCII(l)
		}
	}
	off := m.lineOff[line-1]
	text := m.rep.orig[line-1]
	if m.ascii[line-1] {
		return token.Pos(off + min(max(col-1, 0), len(text)))
	}
	for c := 1; c < col && len(text) > 0; c++ {
		_, n := utf8.DecodeRuneInString(text)
		text = text[n:]
		off += n
	}
	return token.Pos(off)
}

// lineStart returns the offset of the first non-blank character of a line.
func (m *posMap) lineStart(line int) token.Pos {
	if line < 1 || line > len(m.rep.orig) {
		return m.at(line, 1, false)
	}
	return m.at(line, leadingRunes(m.rep.orig[line-1])+1, false)
}

// node returns the offset of a node.
func (m *posMap) node(n *yaml.Node) token.Pos { return m.at(n.Line, n.Column, true) }

// decoder turns the root mapping into the Rule fields.
type decoder struct {
	r  *Rule
	l  *diag.List
	ps *posMap
}

// span returns the span of a node: a scalar's text on its line, or the
// node's first character.
func (d *decoder) span(n *yaml.Node) token.Span {
	start := d.ps.node(n)
	end := start
	if n.Kind == yaml.ScalarNode && !strings.Contains(n.Value, "\n") && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 {
		w := utf8.RuneCountInString(n.Value)
		if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
			w += 2
		}
		end = d.ps.at(n.Line, n.Column+w, true)
	}
	if end <= start {
		end = start + 1
	}
	return token.Span{Start: start, End: end}
}

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	d.l.Errorf(d.span(n), format, args...)
}

func (d *decoder) warnf(n *yaml.Node, format string, args ...any) {
	d.l.Warnf(d.span(n), format, args...)
}

// resolve follows aliases.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// kindName names a node kind for messages.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	case yaml.ScalarNode:
		return "scalar"
	case yaml.AliasNode:
		return "alias"
	}
	return "document"
}

// isNull reports whether n is an explicit or implicit YAML null.
func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

func (d *decoder) mapping(root *yaml.Node) {
	r := d.r
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := resolve(root.Content[i]), resolve(root.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, "a rule key must be a string, not a %s", kindName(k))
			continue
		}
		key := k.Value
		if prev, dup := seen[key]; dup {
			d.errorf(k, "duplicate key %s (first at line %d); the first one is used", key, prev.Line)
			continue
		}
		seen[key] = k
		r.spans[key] = d.span(v)
		switch key {
		case "id":
			r.ID = d.str(key, v)
		case "name":
			r.Name = d.str(key, v)
		case "description":
			r.Description = d.str(key, v)
		case "severity":
			r.Severity = d.str(key, v)
		case "queryFrequency":
			r.QueryFrequency = d.str(key, v)
		case "queryPeriod":
			r.QueryPeriod = d.str(key, v)
		case "triggerOperator":
			r.TriggerOperator = d.str(key, v)
		case "version":
			r.Version = d.str(key, v)
		case "kind":
			r.Kind = d.str(key, v)
		case "triggerThreshold":
			if isNull(v) {
				break
			}
			s := d.str(key, v)
			if n, err := strconv.Atoi(s); err == nil {
				r.TriggerThreshold = &n
			} else if v.Kind == yaml.ScalarNode {
				d.errorf(v, "triggerThreshold must be a whole number, not %q", s)
			}
		case "tactics", "relevantTechniques":
			vals, spans := d.list(key, v)
			if key == "tactics" {
				r.Tactics = vals
			} else {
				r.RelevantTechniques = vals
			}
			r.itemSpans[key] = spans
		case "query":
			d.query(v)
		case "requiredDataConnectors":
			d.connectors(v)
		case "tags":
			d.tags(v)
		case "entityMappings":
			if !isNull(v) {
				r.EntityMappings = v
				if v.Kind != yaml.SequenceNode {
					d.errorf(v, "entityMappings must be a list, not a %s", kindName(v))
				}
			}
		default:
			if r.Extra == nil {
				r.Extra = map[string]*yaml.Node{}
			}
			r.Extra[key] = v
			if !unmodelled[key] {
				if s := suggest(key); s != "" {
					d.warnf(k, "unknown key %s (did you mean %s?)", key, s)
				} else {
					d.warnf(k, "unknown key %s", key)
				}
			}
		}
	}
}

// suggest returns the known key that key differs from only in case or
// punctuation, or "".
func suggest(key string) string {
	f := foldName(key)
	var keys []string
	for k := range modelled {
		keys = append(keys, k)
	}
	for k := range unmodelled {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if foldName(k) == f {
			return k
		}
	}
	return ""
}

// str decodes a scalar string value; null is "".
func (d *decoder) str(key string, v *yaml.Node) string {
	if v.Kind != yaml.ScalarNode {
		d.errorf(v, "%s must be a string, not a %s", key, kindName(v))
		return ""
	}
	if isNull(v) {
		return ""
	}
	return v.Value
}

// list decodes a scalar or a list of scalars; each value is split at commas
// and trimmed. It returns the values and the span of the node each came from.
func (d *decoder) list(key string, v *yaml.Node) ([]string, []token.Span) {
	var vals []string
	var spans []token.Span
	add := func(n *yaml.Node) {
		if n.Kind != yaml.ScalarNode {
			d.errorf(n, "%s entries must be strings, not a %s", key, kindName(n))
			return
		}
		if isNull(n) {
			return
		}
		for _, part := range strings.Split(n.Value, ",") {
			if part = strings.TrimSpace(part); part != "" {
				vals = append(vals, part)
				spans = append(spans, d.partSpan(n, part))
			}
		}
	}
	switch v.Kind {
	case yaml.ScalarNode:
		add(v)
	case yaml.SequenceNode:
		for _, it := range v.Content {
			add(resolve(it))
		}
	default:
		d.errorf(v, "%s must be a string or a list of strings, not a %s", key, kindName(v))
	}
	return vals, spans
}

// partSpan returns the span of part inside a single-line scalar node, or the
// node's span.
func (d *decoder) partSpan(n *yaml.Node, part string) token.Span {
	s := d.span(n)
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 || strings.Contains(n.Value, "\n") {
		return s
	}
	src := d.ps.src.Src
	if int(s.End) <= len(src) && s.Start >= 0 {
		if i := strings.Index(src[s.Start:s.End], part); i >= 0 {
			start := s.Start + token.Pos(i)
			return token.Span{Start: start, End: start + token.Pos(len(part))}
		}
	}
	return s
}

// tags decodes the tags list.
func (d *decoder) tags(v *yaml.Node) {
	if isNull(v) {
		return
	}
	if v.Kind != yaml.SequenceNode {
		d.errorf(v, "tags must be a list, not a %s", kindName(v))
		return
	}
	for _, it := range v.Content {
		it = resolve(it)
		switch it.Kind {
		case yaml.ScalarNode:
			if !isNull(it) {
				d.r.Tags = append(d.r.Tags, it.Value)
			}
		case yaml.MappingNode:
			var parts []string
			for i := 0; i+1 < len(it.Content); i += 2 {
				k, val := resolve(it.Content[i]), resolve(it.Content[i+1])
				if k.Kind != yaml.ScalarNode || val.Kind != yaml.ScalarNode {
					d.errorf(it, "a tag written as a mapping must map strings to strings")
					parts = nil
					break
				}
				parts = append(parts, k.Value+": "+val.Value)
			}
			if parts != nil {
				d.r.Tags = append(d.r.Tags, strings.Join(parts, ", "))
			}
		default:
			d.errorf(it, "a tag must be a string, not a %s", kindName(it))
		}
	}
}

// connectors decodes requiredDataConnectors.
func (d *decoder) connectors(v *yaml.Node) {
	if isNull(v) {
		return
	}
	if v.Kind != yaml.SequenceNode {
		d.errorf(v, "requiredDataConnectors must be a list of connectors, not a %s", kindName(v))
		return
	}
	for _, it := range v.Content {
		it = resolve(it)
		if it.Kind != yaml.MappingNode {
			if it.Kind == yaml.ScalarNode {
				d.errorf(it, "requiredDataConnectors entry %q is not a connector (connectorId, dataTypes); is a dataTypes entry mis-indented?", it.Value)
			} else {
				d.errorf(it, "a requiredDataConnectors entry must be a mapping (connectorId, dataTypes), not a %s", kindName(it))
			}
			continue
		}
		var c RequiredDataConnector
		for i := 0; i+1 < len(it.Content); i += 2 {
			k, val := resolve(it.Content[i]), resolve(it.Content[i+1])
			switch k.Value {
			case "connectorId":
				c.ConnectorID = d.str("connectorId", val)
			case "dataTypes":
				switch {
				case isNull(val):
				case val.Kind == yaml.ScalarNode:
					c.DataTypes = append(c.DataTypes, val.Value)
				case val.Kind == yaml.SequenceNode:
					for _, t := range val.Content {
						t = resolve(t)
						if t.Kind != yaml.ScalarNode {
							d.errorf(t, "a dataTypes entry must be a table name, not a %s", kindName(t))
						} else if !isNull(t) {
							c.DataTypes = append(c.DataTypes, t.Value)
						}
					}
				default:
					d.errorf(val, "dataTypes must be a list of table names, not a %s", kindName(val))
				}
			default:
				d.warnf(k, "unknown connector key %s (expected connectorId or dataTypes)", k.Value)
			}
		}
		d.r.itemSpans["requiredDataConnectors"] = append(d.r.itemSpans["requiredDataConnectors"], d.span(it))
		d.r.RequiredDataConnectors = append(d.r.RequiredDataConnectors, c)
	}
}

// query decodes the query and records where its text starts in the file.
func (d *decoder) query(v *yaml.Node) {
	if v.Kind != yaml.ScalarNode {
		d.errorf(v, "query must be a string, not a %s", kindName(v))
		return
	}
	r := d.r
	if isNull(v) {
		return
	}
	r.Query = v.Value
	rep := d.ps.rep
	switch {
	case v.Style&yaml.LiteralStyle != 0:
		// Content starts on the line after the indicator. A content line's
		// indentation is what precedes its text on the repaired line; its
		// width in the original line may differ where tabs were expanded.
		first := v.Line + 1
		lines := strings.Split(strings.TrimSuffix(v.Value, "\n"), "\n")
		base := -1
		r.QueryPosExact = true
		for k, text := range lines {
			n := first + k
			if text == "" {
				continue
			}
			if n > len(rep.lines) || !strings.HasSuffix(rep.lines[n-1], text) {
				r.QueryPosExact = false
				continue
			}
			// e is the original column of the line's first non-blank
			// character minus its column in the query line: the column
			// shift of this line. A tab expanded into the indentation
			// and the start of the content still maps the text exactly.
			ind := utf8.RuneCountInString(rep.lines[n-1]) - utf8.RuneCountInString(text)
			w := leadingRunes(rep.lines[n-1])
			o := leadingRunes(rep.orig[n-1]) - w + ind
			if base < 0 {
				base = o
				continue
			}
			if o != base {
				if r.queryShift == nil {
					r.queryShift = map[int]int{}
				}
				r.queryShift[k] = o - base
				r.QueryPosExact = false
			}
		}
		if base < 0 {
			base = 0
		}
		r.QueryLine, r.QueryCol = first, base+1
	default:
		col := v.Column
		if v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
			col++
		}
		r.QueryLine, r.QueryCol = v.Line, d.ps.rep.origCol(v.Line, col)
		if v.Style&yaml.FoldedStyle != 0 {
			r.QueryLine, r.QueryCol = v.Line+1, 0
			for n := v.Line + 1; n <= len(rep.orig); n++ {
				if !isBlank(rep.orig[n-1]) {
					r.QueryLine, r.QueryCol = n, leadingRunes(rep.orig[n-1])+1
					break
				}
			}
		}
		if !strings.Contains(v.Value, "\n") && v.Line >= 1 && v.Line <= len(rep.orig) {
			// Exact when the value is the source text verbatim.
			orig := rep.orig[v.Line-1]
			rs := []rune(orig)
			if c := r.QueryCol - 1; c >= 0 && c <= len(rs) {
				r.QueryPosExact = strings.HasPrefix(string(rs[c:]), v.Value)
			}
		}
	}
}

// String returns "path: name (id)" for messages.
func (r *Rule) String() string {
	return fmt.Sprintf("%s: %s (%s)", r.Path, r.Name, r.ID)
}
