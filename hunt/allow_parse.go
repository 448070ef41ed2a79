package hunt

import (
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/rmmhunt/rmmhunt/catalog"
	"github.com/rmmhunt/rmmhunt/kql/diag"
	"github.com/rmmhunt/rmmhunt/kql/token"
	"github.com/rmmhunt/rmmhunt/schema"
)

// AllowDiagnostics holds the diagnostics of an allowlist: one list for the
// YAML file and one for each where predicate that could not be mapped
// exactly onto it. Every position is a line and column of the YAML file.
type AllowDiagnostics struct {
	Lists []*diag.List
}

// HasErrors reports whether any list holds an error.
func (d *AllowDiagnostics) HasErrors() bool {
	for _, l := range d.Lists {
		if l.HasErrors() {
			return true
		}
	}
	return false
}

// Format prints every diagnostic with its position, source line and caret.
func (d *AllowDiagnostics) Format() string {
	var b strings.Builder
	for _, l := range d.Lists {
		b.WriteString(l.Format())
	}
	return b.String()
}

// Err returns the first list with errors as an error, or nil.
func (d *AllowDiagnostics) Err() error {
	for _, l := range d.Lists {
		if err := l.Err(); err != nil {
			return err
		}
	}
	return nil
}

// LoadAllowlist reads and checks an allowlist file (see ParseAllowlist).
func LoadAllowlist(path string) (*Allowlist, *AllowDiagnostics, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	a, d := ParseAllowlist(path, data)
	return a, d, nil
}

// entryKeys are the keys of an allowlist entry, with what each holds.
var entryKeys = map[string]string{
	"tool":        "the tool's catalog name or alias",
	"variants":    "rule variants: File Signature, Create Process, Network Connection",
	"devices":     "DeviceName globs or DeviceIds",
	"remote_url":  "the organisation's relay host or RemoteUrl",
	"signer":      "code-signing signers",
	"sha1":        "file SHA1s",
	"folder_path": "install folders or paths",
	"account":     "accounts",
	"where":       "a KQL predicate over the enriched row",
	"expires":     "a date (YYYY-MM-DD) or an RFC 3339 time",
	"reason":      "why the use is sanctioned",
	"owner":       "who answers for it",
	"ticket":      "a change or ticket reference",
}

// ParseAllowlist reads an allowlist:
//
//	allow:
//	  - tool: AnyDesk                 # catalog name or alias, any case
//	    devices: ["helpdesk-*"]       # DeviceName globs or DeviceIds
//	    remote_url: relay.example-corp.com
//	    reason: helpdesk remote support
//	    owner: it-ops
//	    expires: 2027-06-30
//
// It is strict: unknown keys, unknown tools, malformed values and where
// predicates that do not parse or bind are errors with their YAML position
// (and a "did you mean" where one is close). A missing owner is a warning.
// The allowlist is returned even with errors; the caller decides.
func ParseAllowlist(name string, data []byte) (*Allowlist, *AllowDiagnostics) {
	text := normaliseYAML(data)
	f := token.NewFile(name, text)
	l := &diag.List{File: f}
	d := &AllowDiagnostics{Lists: []*diag.List{l}}
	a := &Allowlist{Path: name, file: f}
	p := &allowParser{a: a, l: l, d: d, f: f, lines: lineOffsets(text)}
	defer l.Sort()
	if !utf8.ValidString(text) {
		l.Errorf(token.Span{Start: 0, End: 0}, "the allowlist is not valid UTF-8")
		return a, d
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		line, msg := yamlErrorLine(text, err)
		at := p.at(line, 1)
		l.Errorf(token.Span{Start: at, End: at}, "%s", msg)
		return a, d
	}
	if len(doc.Content) == 0 {
		l.Errorf(token.Span{Start: 0, End: 0}, "the allowlist is empty: want a top-level `allow:` list")
		return a, d
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		l.Errorf(p.span(root), "the allowlist must be a mapping with an `allow:` list, not %s", kindName(root))
		return a, d
	}
	cat, err := loadCatalog()
	if err != nil {
		l.Errorf(token.Span{Start: 0, End: 0}, "%v", err)
		return a, d
	}
	p.cat = cat
	var list *yaml.Node
	p.eachKey(root, map[string]string{"allow": "the list of entries"}, func(k, v *yaml.Node) {
		list = v
	})
	if list == nil {
		if !l.HasErrors() {
			l.Errorf(p.span(root), "missing `allow:`, the list of entries")
		}
		return a, d
	}
	switch {
	case list.Kind == yaml.ScalarNode && list.Tag == "!!null":
		return a, d
	case list.Kind != yaml.SequenceNode:
		l.Errorf(p.span(list), "`allow` must be a list of entries, not %s", kindName(list))
		return a, d
	}
	for i, item := range list.Content {
		if e := p.entry(i+1, item); e != nil {
			a.Entries = append(a.Entries, e)
		}
	}
	return a, d
}

// loadCatalog loads the tool catalog once.
var loadCatalog = sync.OnceValues(catalog.Load)

// allowParser decodes the YAML tree of an allowlist.
type allowParser struct {
	a     *Allowlist
	l     *diag.List
	d     *AllowDiagnostics
	f     *token.File
	lines []int
	cat   *catalog.Catalog
}

// eachKey walks a mapping, reporting unknown and duplicate keys.
func (p *allowParser) eachKey(m *yaml.Node, known map[string]string, fn func(k, v *yaml.Node)) {
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			p.l.Errorf(p.span(k), "a key must be a plain name")
			continue
		}
		if _, ok := known[k.Value]; !ok {
			names := make([]string, 0, len(known))
			for n := range known {
				names = append(names, n)
			}
			sort.Strings(names)
			hint := ""
			if c := schema.Closest(k.Value, names); c != "" {
				hint = fmt.Sprintf(" (did you mean %q?)", c)
			}
			p.l.Errorf(p.span(k), "unknown key %q%s; the keys are %s", k.Value, hint, strings.Join(names, ", "))
			continue
		}
		if seen[k.Value] {
			p.l.Errorf(p.span(k), "duplicate key %q", k.Value)
			continue
		}
		seen[k.Value] = true
		fn(k, v)
	}
}

// entry decodes one entry; nil when it is not a mapping.
func (p *allowParser) entry(idx int, n *yaml.Node) *AllowEntry {
	if n.Kind != yaml.MappingNode {
		p.l.Errorf(p.span(n), "entry %d must be a mapping with at least `tool` and `reason`, not %s", idx, kindName(n))
		return nil
	}
	e := &AllowEntry{Index: idx, Line: n.Line, Column: n.Column, span: p.span(n)}
	var toolNode, ownerNode *yaml.Node
	hasReason := false
	p.eachKey(n, entryKeys, func(k, v *yaml.Node) {
		switch k.Value {
		case "tool":
			toolNode = v
			if s, ok := p.scalar(k, v); ok {
				e.ToolAsWritten = s
			}
		case "variants":
			for _, it := range p.list(k, v) {
				c := canonicalVariant(it.Value)
				if c == "" {
					p.l.Errorf(p.span(it), "unknown variant %q; the variants are %q, %q and %q", it.Value, VariantFileSignature, VariantCreateProcess, VariantNetwork)
					continue
				}
				e.Variants = append(e.Variants, c)
			}
		case "devices":
			e.Devices = values(p.list(k, v))
		case "remote_url":
			for _, it := range p.list(k, v) {
				if URLHost(it.Value) == "" {
					p.l.Errorf(p.span(it), "remote_url %q has no host name", it.Value)
					continue
				}
				e.RemoteURLs = append(e.RemoteURLs, it.Value)
			}
		case "signer":
			e.Signers = values(p.list(k, v))
		case "sha1":
			for _, it := range p.list(k, v) {
				if !isSHA1(it.Value) {
					p.l.Errorf(p.span(it), "sha1 %q is not 40 hexadecimal digits", it.Value)
					continue
				}
				e.SHA1s = append(e.SHA1s, it.Value)
			}
		case "folder_path":
			e.FolderPaths = values(p.list(k, v))
		case "account":
			e.Accounts = values(p.list(k, v))
		case "where":
			if s, ok := p.scalar(k, v); ok {
				e.Where = s
				e.where = p.where(v)
			}
		case "expires":
			if s, ok := p.scalar(k, v); ok {
				e.ExpiresText = s
				e.expiresSpan = p.span(v)
				t, err := parseExpiry(s)
				if err != nil {
					p.l.Errorf(p.span(v), "expires %q: %v", s, err)
				}
				e.Expires = t
			}
		case "reason":
			if s, ok := p.scalar(k, v); ok {
				e.Reason, hasReason = s, true
			}
		case "owner":
			ownerNode = v
			if s, ok := p.scalar(k, v); ok {
				e.Owner = s
			}
		case "ticket":
			if s, ok := p.scalar(k, v); ok {
				e.Ticket = s
			}
		}
	})
	switch {
	case toolNode == nil:
		p.l.Errorf(e.span, "entry %d has no `tool`: name the tool it allows", idx)
	case e.ToolAsWritten != "":
		if t, ok := p.cat.Lookup(e.ToolAsWritten); ok {
			e.Tool = t.Name
		} else {
			p.l.Errorf(p.span(toolNode), "unknown tool %q%s", e.ToolAsWritten, p.suggestTool(e.ToolAsWritten))
		}
	}
	if !hasReason {
		p.l.Errorf(e.span, "entry %d has no `reason`: say why this use is sanctioned", idx)
	}
	if ownerNode == nil {
		p.l.Warnf(e.span, "entry %d has no `owner`", idx)
	}
	return e
}

// suggestTool returns a "did you mean" suffix for an unknown tool name.
func (p *allowParser) suggestTool(name string) string {
	var names []string
	lower := strings.ToLower(name)
	for _, t := range p.cat.Tools() {
		for _, n := range append([]string{t.Name}, t.Aliases...) {
			names = append(names, n)
		}
	}
	if c := schema.Closest(name, names); c != "" {
		return fmt.Sprintf(" (did you mean %q?)", c)
	}
	for _, n := range names {
		if strings.HasPrefix(strings.ToLower(n), lower) || strings.HasPrefix(lower, strings.ToLower(n)) && len(n) > 3 {
			return fmt.Sprintf(" (did you mean %q?)", n)
		}
	}
	return "; `rmmhunt catalog` lists the tools"
}

// scalar returns a non-empty scalar value.
func (p *allowParser) scalar(k, v *yaml.Node) (string, bool) {
	if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
		p.l.Errorf(p.span(v), "%s must be a single value (%s), not %s", k.Value, entryKeys[k.Value], kindName(v))
		return "", false
	}
	s := strings.TrimSpace(v.Value)
	if s == "" {
		p.l.Errorf(p.span(v), "%s is empty", k.Value)
		return "", false
	}
	return s, true
}

// list returns the items of a scalar-or-list value, each a non-empty
// scalar.
func (p *allowParser) list(k, v *yaml.Node) []*yaml.Node {
	var items []*yaml.Node
	switch {
	case v.Kind == yaml.ScalarNode && v.Tag != "!!null":
		items = []*yaml.Node{v}
	case v.Kind == yaml.SequenceNode:
		items = v.Content
		if len(items) == 0 {
			p.l.Errorf(p.span(v), "%s is an empty list: remove it or give %s", k.Value, entryKeys[k.Value])
		}
	default:
		p.l.Errorf(p.span(v), "%s must be a value or a list of %s, not %s", k.Value, entryKeys[k.Value], kindName(v))
		return nil
	}
	var out []*yaml.Node
	for _, it := range items {
		if it.Kind != yaml.ScalarNode || it.Tag == "!!null" || strings.TrimSpace(it.Value) == "" {
			p.l.Errorf(p.span(it), "%s: each item must be a non-empty value, not %s", k.Value, kindName(it))
			continue
		}
		c := *it
		c.Value = strings.TrimSpace(it.Value)
		out = append(out, &c)
	}
	return out
}

func values(ns []*yaml.Node) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Value)
	}
	return out
}

// where compiles a where predicate, with positions in the YAML file.
func (p *allowParser) where(v *yaml.Node) *wherePred {
	n := len(p.l.Items)
	var w *wherePred
	if f, ok := p.maskedFile(v); ok {
		// The predicate sits at its own offsets: diagnostics are YAML
		// positions as they come.
		w = compileWhere(f, p.l)
	} else if offs := p.valueOffsets(v); offs != nil {
		// Quoted (with escapes) or folded text: compile the value, then
		// map each diagnostic back to the source text.
		l := &diag.List{File: token.NewFile(p.f.Name, v.Value)}
		w = compileWhere(l.File, l)
		for _, d := range l.Items {
			d.Span.Start, d.Span.End = offs[clampOff(d.Span.Start, offs)], offs[clampOff(d.Span.End, offs)]
			p.l.Items = append(p.l.Items, d)
		}
	} else {
		// Multi-line quoted text with escapes: the value alone, shifted
		// to start at the scalar's line and column.
		f := token.NewFile(p.f.Name, v.Value)
		f.LineBase, f.ColBase = v.Line-1, v.Column-1
		switch {
		case v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
			f.LineBase = v.Line
			f.ColBase = p.indentOf(v.Line + 1)
		case v.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) != 0:
			f.ColBase++
		}
		l := &diag.List{File: f}
		p.d.Lists = append(p.d.Lists, l)
		w = compileWhere(f, l)
		l.Sort()
		return w
	}
	if w == nil && len(p.l.Items) == n {
		p.l.Errorf(p.span(v), "the where predicate is not valid")
	}
	return w
}

func clampOff(p token.Pos, offs []token.Pos) int {
	return min(max(int(p), 0), len(offs)-1)
}

// maskedFile returns a file of the YAML text's length in which a plain or
// literal scalar's value sits at its own byte offsets and every other
// character is blank, so that diagnostics carry exact YAML positions; ok is
// false when the source text does not spell the value (escapes, folding).
func (p *allowParser) maskedFile(v *yaml.Node) (*token.File, bool) {
	src := p.f.Src
	// Blank everything but line breaks, byte for byte, so offsets stay.
	buf := make([]byte, len(src))
	for i := range buf {
		if src[i] == '\n' {
			buf[i] = '\n'
		} else {
			buf[i] = ' '
		}
	}
	ok := false
	switch {
	case v.Style&yaml.LiteralStyle != 0:
		ok = p.placeLiteral(v, buf)
	case v.Style&(yaml.FoldedStyle|yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) == 0 && !strings.Contains(v.Value, "\n"):
		start := int(p.at(v.Line, v.Column))
		if start+len(v.Value) <= len(src) && src[start:start+len(v.Value)] == v.Value {
			copy(buf[start:], v.Value)
			ok = true
		}
	}
	if !ok {
		return nil, false
	}
	return token.NewFile(p.f.Name, string(buf)), true
}

// valueOffsets maps each byte offset of a scalar's value (and its end) to
// the YAML offset of the source text that produced it, or returns nil.
func (p *allowParser) valueOffsets(v *yaml.Node) []token.Pos {
	if !strings.Contains(v.Value, "\n") {
		if offs := p.quotedOffsets(v); offs != nil {
			return offs
		}
	}
	return p.foldedOffsets(v)
}

// foldedOffsets aligns a scalar's value with its source text when the two
// differ only in white space (folded blocks, multi-line plain or quoted
// text without escapes): every other character must appear in the same
// order, with nothing but white space skipped between them.
func (p *allowParser) foldedOffsets(v *yaml.Node) []token.Pos {
	src := p.f.Src
	i := int(p.at(v.Line, v.Column))
	switch {
	case v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		if v.Line >= len(p.lines) {
			return nil
		}
		i = p.lines[v.Line] // the line after the block header
	case v.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) != 0:
		i++
	}
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' }
	offs := make([]token.Pos, 0, len(v.Value)+1)
	for k := 0; k < len(v.Value); k++ {
		c := v.Value[k]
		if isSpace(c) {
			offs = append(offs, token.Pos(min(i, len(src))))
			if i < len(src) && isSpace(src[i]) {
				i++
			}
			continue
		}
		for i < len(src) && src[i] != c && isSpace(src[i]) {
			i++
		}
		if i >= len(src) || src[i] != c {
			return nil
		}
		offs = append(offs, token.Pos(i))
		i++
	}
	return append(offs, token.Pos(min(i, len(src))))
}

// quotedOffsets maps each byte offset of a one-line quoted scalar's value
// (and its end) to the YAML offset of the source text that produced it;
// nil when the scalar is not one.
func (p *allowParser) quotedOffsets(v *yaml.Node) []token.Pos {
	dq := v.Style&yaml.DoubleQuotedStyle != 0
	if !dq && v.Style&yaml.SingleQuotedStyle == 0 {
		return nil
	}
	src := p.f.Src
	i := int(p.at(v.Line, v.Column)) + 1 // after the opening quote
	var offs []token.Pos
	for len(offs) < len(v.Value) {
		if i >= len(src) || src[i] == '\n' {
			return nil
		}
		c := src[i]
		switch {
		case !dq && c == '\'' && i+1 < len(src) && src[i+1] == '\'':
			offs = append(offs, token.Pos(i))
			i += 2
		case dq && c == '\\' && i+1 < len(src):
			n, w := 2, 1
			switch src[i+1] {
			case 'x':
				n, w = 4, runeLen(src, i+2, 2)
			case 'u':
				n, w = 6, runeLen(src, i+2, 4)
			case 'U':
				n, w = 10, runeLen(src, i+2, 8)
			case 'N', '_':
				w = 2
			case 'L', 'P':
				w = 3
			}
			for k := 0; k < w; k++ {
				offs = append(offs, token.Pos(i))
			}
			i += n
		default:
			offs = append(offs, token.Pos(i))
			i++
		}
	}
	if len(offs) != len(v.Value) || i >= len(src) || src[i] != quoteChar(dq) {
		return nil
	}
	return append(offs, token.Pos(i))
}

func quoteChar(dq bool) byte {
	if dq {
		return '"'
	}
	return '\''
}

// runeLen returns the UTF-8 length of the code point written as n hex
// digits at src[i:].
func runeLen(src string, i, n int) int {
	if i+n > len(src) {
		return 1
	}
	x, err := strconv.ParseUint(src[i:i+n], 16, 32)
	if err != nil {
		return 1
	}
	return max(utf8.RuneLen(rune(x)), 1)
}

// placeLiteral copies a literal block scalar's lines into buf at their
// offsets; false when the source lines do not spell the value.
func (p *allowParser) placeLiteral(v *yaml.Node, buf []byte) bool {
	src := p.f.Src
	lines := strings.Split(strings.TrimRight(v.Value, "\n"), "\n")
	for k, want := range lines {
		ln := v.Line + 1 + k
		if ln > len(p.lines) {
			return false
		}
		start := p.lines[ln-1]
		end := len(src)
		if ln < len(p.lines) {
			end = p.lines[ln] - 1
		}
		got := src[start:end]
		if want == "" {
			if strings.TrimSpace(got) != "" {
				return false
			}
			continue
		}
		if !strings.HasSuffix(got, want) || strings.TrimSpace(got[:len(got)-len(want)]) != "" {
			return false
		}
		copy(buf[end-len(want):], want)
	}
	return true
}

// indentOf returns the indentation of a 1-based line.
func (p *allowParser) indentOf(line int) int {
	if line < 1 || line > len(p.lines) {
		return 0
	}
	s := p.f.Src[p.lines[line-1]:]
	return len(s) - len(strings.TrimLeft(s, " \t"))
}

// at converts a YAML line and column (in characters) to a byte offset.
func (p *allowParser) at(line, col int) token.Pos {
	if line < 1 || line > len(p.lines) {
		return token.Pos(len(p.f.Src))
	}
	off := p.lines[line-1]
	s := p.f.Src[off:]
	for c := 1; c < col && len(s) > 0 && s[0] != '\n'; c++ {
		_, w := utf8.DecodeRuneInString(s)
		s = s[w:]
		off += w
	}
	return token.Pos(off)
}

// span returns the span of a node: a one-line scalar's text, else its
// first character.
func (p *allowParser) span(n *yaml.Node) token.Span {
	start := p.at(n.Line, n.Column)
	end := start + 1
	if n.Kind == yaml.ScalarNode && !strings.Contains(n.Value, "\n") && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 {
		w := utf8.RuneCountInString(n.Value)
		if n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) != 0 {
			w += 2
		}
		end = p.at(n.Line, n.Column+max(w, 1))
	}
	return token.Span{Start: start, End: end}
}

// lineOffsets returns the byte offset of each line.
func lineOffsets(s string) []int {
	out := []int{0}
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			out = append(out, i+1)
		}
	}
	return out
}

// normaliseYAML strips a byte order mark and turns CRLF and CR into LF.
func normaliseYAML(data []byte) string {
	s := strings.TrimPrefix(string(data), "\ufeff")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): `)

// yamlErr splits a yaml.v3 error into its message and line (0 if none).
func yamlErr(err error) (string, int) {
	msg := err.Error()
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return msg[len(m[0]):], n
	}
	return strings.TrimPrefix(msg, "yaml: "), 0
}

// yamlErrorLine returns the line of a YAML syntax error and its message.
// yaml.v3 often reports an earlier line than the offending one; the
// offending line is the first whose prefix of the file fails with the
// same message.
func yamlErrorLine(text string, err error) (int, string) {
	msg, line := yamlErr(err)
	line = max(line, 1)
	lines := strings.Split(text, "\n")
	if len(lines) > 5000 {
		return line, msg
	}
	for n := line; n <= len(lines); n++ {
		var probe yaml.Node
		if e := yaml.Unmarshal([]byte(strings.Join(lines[:n], "\n")+"\n"), &probe); e != nil {
			if m, _ := yamlErr(e); m == msg {
				return n, msg
			}
		}
	}
	return line, msg
}

// kindName describes a YAML node for a message.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	if n.Tag == "!!null" {
		return "nothing"
	}
	return fmt.Sprintf("%q", n.Value)
}

// canonicalVariant returns the variant's canonical spelling, or "".
func canonicalVariant(s string) string {
	for _, v := range []string{VariantFileSignature, VariantCreateProcess, VariantNetwork} {
		if strings.EqualFold(strings.Join(strings.Fields(s), " "), v) {
			return v
		}
	}
	return ""
}

func isSHA1(s string) bool {
	if len(s) != 40 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// parseExpiry reads an expires value: a date, which expires at the end of
// that day (UTC), or an RFC 3339 time, which expires at that instant.
func parseExpiry(s string) (time.Time, error) {
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t.AddDate(0, 0, 1), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, fmt.Errorf("not a date (want YYYY-MM-DD, e.g. 2027-06-30, or an RFC 3339 time)")
}
