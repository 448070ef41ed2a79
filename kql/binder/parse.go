package binder

import (
	"regexp"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/builtins"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// parseTypeRegex is the regular expression a capture of type t matches:
// numbers match digits; other types match any text (lazily in simple mode,
// greedily in regex mode, where flags=U swaps the two) and are converted.
func parseTypeRegex(t types.Type, regexMode bool) string {
	switch t {
	case types.Int, types.Long:
		return `-?\d+`
	case types.Real, types.Decimal:
		return `-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?`
	}
	if regexMode {
		return `.*`
	}
	return `.*?`
}

// bindParse binds parse and parse-where. The pattern becomes one regular
// expression, anchored at the start; in simple and relaxed modes literals
// are plain text, `*` and string columns match lazily and the pattern must
// reach the end of the text; in regex mode literals are regular expressions
// and nothing anchors the end.
func (b *binder) bindParse(sc *scope, in Node, x *ast.ParseOp) Node {
	opName := "parse"
	if x.Where {
		opName = "parse-where"
	}
	inSchema := in.Schema()
	row := &rowScope{schema: inSchema}
	kind, flags := "simple", ""
	for _, p := range x.Params {
		switch p.Name {
		case "kind":
			kind = paramWord(p)
			if kind != "simple" && kind != "regex" && kind != "relaxed" {
				b.errorf(p.Pos, "%s kind must be simple, regex or relaxed, got %s", opName, kind)
				return nil
			}
		case "flags":
			flags = paramWord(p)
		}
	}
	if flags != "" {
		if kind != "regex" {
			b.errorf(x.Pos, "%s: flags apply to kind=regex only", opName)
			return nil
		}
		for _, c := range flags {
			if !strings.ContainsRune("imsU", c) {
				b.errorf(x.Pos, "%s: unknown regex flag %q (use i, m, s or U)", opName, string(c))
				return nil
			}
		}
	}
	e := b.bindScalar(sc, row, x.X)
	if isUnknown(e) {
		return nil
	}
	if e.Type() != types.String {
		f, _ := builtins.Lookup("tostring")
		e = &Call{Name: "tostring", Func: f, Args: []Expr{e}, T: types.String, Pos: e.Span()}
	}
	p := &Parse{Input: in, X: e, Relaxed: kind == "relaxed", Where: x.Where}
	for i, f := range inSchema {
		p.Pass = append(p.Pass, i)
		p.Columns = append(p.Columns, f)
	}
	var re strings.Builder
	re.WriteString("^")
	switch {
	case kind == "regex" && flags != "":
		re.WriteString("(?" + flags + ")")
	case kind != "regex":
		re.WriteString("(?s)")
	}
	group := 0
	seen := map[string]bool{}
	for i, part := range x.Pattern {
		switch {
		case part.Lit != nil:
			if kind != "regex" {
				re.WriteString(regexp.QuoteMeta(part.Lit.Value))
				continue
			}
			sub, err := CompileRegex(part.Lit.Value)
			if err != nil {
				b.errorf(part.Pos, "invalid regular expression: %v", err)
				return nil
			}
			group += sub.NumSubexp()
			re.WriteString("(?:" + part.Lit.Value + ")")
		case part.Star:
			re.WriteString(`.*?`)
		case part.Column != nil:
			name := part.Column.Name
			if seen[name] {
				b.errorf(part.Pos, "%s: column %s is captured twice", opName, name)
				return nil
			}
			seen[name] = true
			t := types.String
			if part.Type != nil {
				tt, ok := types.Parse(part.Type.Name)
				if !ok {
					b.errorf(part.Type.Pos, "unknown type %s", part.Type.Name)
					return nil
				}
				t = tt
			}
			if t == types.String && i+1 < len(x.Pattern) && x.Pattern[i+1].Star {
				b.errorf(x.Pattern[i+1].Pos, "%s: * cannot follow the string column %s", opName, name)
				return nil
			}
			if kind == "relaxed" {
				// Text that is not of the type is captured too and
				// converts to null.
				if tr := parseTypeRegex(t, false); tr != `.*?` {
					re.WriteString("(" + tr + "|.*?)")
				} else {
					re.WriteString(`(.*?)`)
				}
			} else {
				re.WriteString("(" + parseTypeRegex(t, kind == "regex") + ")")
			}
			group++
			out := len(p.Columns)
			if j := inSchema.Index(name); j >= 0 {
				out = j
				p.Pass[j] = -1
				p.Columns[j] = table.Field{Name: name, Type: t}
			} else {
				p.Pass = append(p.Pass, -1)
				p.Columns = append(p.Columns, table.Field{Name: name, Type: t})
			}
			p.Captures = append(p.Captures, ParseCapture{Group: group, Out: out, T: t})
		}
	}
	if kind != "regex" {
		re.WriteString("$")
	}
	p.Pattern = re.String()
	if _, err := CompileRegex(p.Pattern); err != nil {
		b.errorf(x.Pos, "%s: the pattern does not make a valid regular expression: %v", opName, err)
		return nil
	}
	return p
}
