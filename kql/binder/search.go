package binder

import (
	"regexp"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/builtins"
	"github.com/rmmhunt/rmmhunt/kql/parser"
	"github.com/rmmhunt/rmmhunt/kql/token"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// bindStarPredicate binds `* op "x"`: true when op holds for at least one
// column of the row, each column taken as text.
func (b *binder) bindStarPredicate(sc *scope, row *rowScope, x *ast.BinaryExpr, op string) Expr {
	span := x.Span()
	if !stringOps[op] {
		b.errorf(x.OpPos, "* can only be used with string operators such as has or contains, not %s", op)
		return unknownExpr(span)
	}
	if row == nil {
		b.errorf(x.X.Span(), "* needs a row of columns")
		return unknownExpr(span)
	}
	r := b.bindScalar(sc, row, x.Y)
	if isUnknown(r) {
		return r
	}
	if t := r.Type(); t != types.String && t != types.Dynamic && t != types.Null {
		b.errorf(r.Span(), "%s needs a string on its right, got %s", op, t)
		return unknownExpr(span)
	}
	var out Expr
	for i, f := range row.schema {
		var col Expr = &ColumnRef{Index: i, Name: f.Name, T: f.Type, Pos: x.X.Span()}
		if f.Type != types.String && f.Type != types.Dynamic {
			col = toStringCall(col)
		}
		c := &Call{Name: op, Args: []Expr{col, r}, T: types.Bool, Pos: span}
		if out == nil {
			out = c
		} else {
			out = &Call{Name: "or", Args: []Expr{out, c}, T: types.Bool, Pos: span}
		}
	}
	if out == nil {
		return &Const{V: types.NewBool(false), Pos: span}
	}
	return out
}

// toStringCall wraps e in tostring().
func toStringCall(e Expr) Expr {
	f, _ := builtins.Lookup("tostring")
	return &Call{Name: "tostring", Func: f, Args: []Expr{e}, T: types.String, Pos: e.Span()}
}

// searchOptions are the parts of a search or find operator.
type searchOptions struct {
	caseSensitive bool
	tables        []ast.Expr // `in (...)`; nil when absent
	pred          ast.Expr   // nil for `search *`
}

// readTableList reads `in (T1, T2, ...)` at the reader's position.
func (r *opReader) readTableList() ([]ast.Expr, bool) {
	if !r.isWord("in") {
		return nil, true
	}
	r.next()
	if r.tok().Kind != token.LPAREN {
		r.fail("%s: expected \"(\" after in", r.op.Name)
		return nil, false
	}
	r.next()
	var out []ast.Expr
	for {
		t := r.tok()
		// A pattern: name parts and stars written without spaces.
		if t.Kind == token.IDENT || t.Kind == token.STAR {
			name, start, end := "", t.Span.Start, t.Span.End
			for {
				u := r.tok()
				if u.Kind != token.IDENT && u.Kind != token.STAR {
					break
				}
				if name != "" && u.SpaceBefore {
					break
				}
				name += u.Text
				if u.Kind == token.IDENT {
					name = name[:len(name)-len(u.Text)] + u.Value
				}
				end = u.Span.End
				r.next()
			}
			if r.tok().Kind == token.LPAREN || r.tok().Kind == token.DOT {
				r.fail("%s: only table names and wildcards are supported in the table list", r.op.Name)
				return nil, false
			}
			out = append(out, &ast.Ident{Name: name, Pos: token.Span{Start: start, End: end}})
		} else if t.Kind == token.LPAREN {
			r.fail("%s: tabular expressions in the table list are not supported yet", r.op.Name)
			return nil, false
		} else {
			r.fail("%s: expected a table name", r.op.Name)
			return nil, false
		}
		if r.tok().Kind == token.COMMA {
			r.next()
			continue
		}
		if r.tok().Kind != token.RPAREN {
			r.fail("%s: expected \",\" or \")\"", r.op.Name)
			return nil, false
		}
		r.next()
		return out, true
	}
}

// searchPredicate parses a search predicate from the reader's position to
// end: `Col:"x"` is read as Col % "x" and rewritten to `Col has "x"`, bare
// string terms become `* has "x"` (or hasprefix, hassuffix, contains or
// matches regex, by the place of their wildcards).
func (r *opReader) searchPredicate(end int, cs bool) ast.Expr {
	if r.tok().Kind == token.STAR && r.i+1 == end {
		r.next()
		return nil
	}
	edits := map[int]byte{}
	for j := r.i; j+1 < end; j++ {
		if r.toks[j].Kind == token.COLON && j > r.i && r.toks[j-1].Kind == token.IDENT && r.toks[j+1].Kind == token.STRING {
			edits[int(r.toks[j].Span.Start)] = '%'
		}
	}
	from, to := int(r.toks[r.i].Span.Start), int(r.toks[end-1].Span.End)
	f := r.masked(from, to, edits)
	x, d := parser.ParseExpr(f)
	r.i = end
	if r.report(d) || x == nil {
		return nil
	}
	return rewriteSearchTerms(x, cs, true)
}

// rewriteSearchTerms turns search terms into predicates; top is true in a
// boolean position (operand of and/or/not, or the whole predicate).
func rewriteSearchTerms(e ast.Expr, cs, top bool) ast.Expr {
	suffix := ""
	if cs {
		suffix = "_cs"
	}
	switch x := e.(type) {
	case *ast.BasicLit:
		if !top || x.Kind != ast.LitString {
			return e
		}
		star := &ast.StarExpr{Pos: x.Pos}
		v := x.Value
		lead, trail := strings.HasPrefix(v, "*"), strings.HasSuffix(v, "*") && len(v) > 1
		core := strings.TrimSuffix(strings.TrimPrefix(v, "*"), "*")
		op := "has"
		switch {
		case strings.Contains(core, "*"):
			parts := strings.Split(v, "*")
			for i := range parts {
				parts[i] = regexp.QuoteMeta(parts[i])
			}
			pat := `\b` + strings.Join(parts, ".*") + `\b`
			if !cs {
				pat = "(?i)" + pat
			}
			return &ast.BinaryExpr{Op: "matches regex", OpPos: x.Pos, X: star, Y: &ast.BasicLit{Kind: ast.LitString, Value: pat, Pos: x.Pos}}
		case lead && trail:
			op = "contains"
		case lead:
			op = "hassuffix"
		case trail:
			op = "hasprefix"
		}
		return &ast.BinaryExpr{Op: op + suffix, OpPos: x.Pos, X: star, Y: &ast.BasicLit{Kind: ast.LitString, Value: core, Pos: x.Pos}}
	case *ast.BinaryExpr:
		c := *x
		switch x.Op {
		case "and", "or":
			c.X = rewriteSearchTerms(x.X, cs, true)
			c.Y = rewriteSearchTerms(x.Y, cs, true)
		case "%":
			if lit, ok := x.Y.(*ast.BasicLit); ok && lit.Kind == ast.LitString {
				c.Op = "has" + suffix
			}
		}
		return &c
	case *ast.ParenExpr:
		c := *x
		c.X = rewriteSearchTerms(x.X, cs, top)
		return &c
	case *ast.CallExpr:
		if x.Fun.Name == "not" && len(x.Args) == 1 {
			c := *x
			c.Args = []ast.Expr{rewriteSearchTerms(x.Args[0], cs, true)}
			return &c
		}
	}
	return e
}

// readSearch reads `[kind=...] [in (...)] Predicate`.
func (r *opReader) readSearch(allowIn bool) (*searchOptions, bool) {
	o := &searchOptions{}
	if r.isWord("kind") && r.peek(1).Kind == token.ASSIGN {
		r.next()
		r.next()
		switch w := r.tok(); {
		case w.Kind == token.IDENT && w.Value == "case_sensitive":
			o.caseSensitive = true
		case w.Kind == token.IDENT && (w.Value == "case_insensitive" || w.Value == "default"):
		default:
			r.fail("search kind must be default, case_insensitive or case_sensitive")
			return nil, false
		}
		r.next()
	}
	if r.isWord("in") {
		if !allowIn {
			r.fail("search in (...) cannot follow a piped input")
			return nil, false
		}
		tables, ok := r.readTableList()
		if !ok {
			return nil, false
		}
		o.tables = tables
	}
	if r.atEnd() {
		r.fail("search needs a predicate")
		return nil, false
	}
	end := len(r.toks) - 1
	o.pred = r.searchPredicate(end, o.caseSensitive)
	if o.pred == nil && !(r.i == end && r.toks[end-1].Kind == token.STAR) {
		return nil, false
	}
	return o, true
}

// searchLegs binds the tables of a search or find: the listed ones (with
// wildcards), or every table of the catalog.
func (b *binder) searchLegs(sc *scope, list []ast.Expr, span token.Span) ([]Node, []string, bool) {
	var nodes []Node
	var names []string
	add := func(id *ast.Ident, name string) bool {
		n := b.bindTabular(sc, &ast.Ident{Name: name, Pos: id.Pos})
		if n == nil {
			return false
		}
		nodes = append(nodes, n)
		names = append(names, name)
		return true
	}
	if list == nil {
		for _, name := range b.cat.TableNames() {
			if !add(&ast.Ident{Pos: span}, name) {
				return nil, nil, false
			}
		}
		return nodes, names, true
	}
	for _, t := range list {
		id := t.(*ast.Ident)
		if strings.Contains(id.Name, "*") {
			matched := false
			for _, name := range b.cat.TableNames() {
				if globMatch(id.Name, name) {
					matched = true
					if !add(id, name) {
						return nil, nil, false
					}
				}
			}
			if !matched {
				b.errorf(id.Pos, "no table matches %s", id.Name)
				return nil, nil, false
			}
			continue
		}
		if !add(id, id.Name) {
			return nil, nil, false
		}
	}
	return nodes, names, true
}

// bindSearch binds search, as a source (in is nil) or over a piped input.
// The output is `$table` (the source table's name) followed by the union
// of the inputs' columns, keeping rows where the predicate holds.
func (b *binder) bindSearch(sc *scope, in Node, x *ast.GenericOp) Node {
	r := b.newOpReader(x)
	if r == nil {
		return nil
	}
	o, ok := r.readSearch(in == nil)
	if !ok {
		return nil
	}
	var legs []Node
	var names []string
	if in != nil {
		name := "union_arg0"
		if scan, ok := in.(*Scan); ok {
			name = scan.Table
		}
		legs, names = []Node{in}, []string{name}
	} else {
		legs, names, ok = b.searchLegs(sc, o.tables, x.Pos)
		if !ok {
			return nil
		}
	}
	u := unionOf(legs, names, "$table")
	if o.pred == nil {
		return u
	}
	row := &rowScope{schema: u.Columns}
	pred := b.bindScalar(sc, row, o.pred)
	if isUnknown(pred) {
		return nil
	}
	if t := pred.Type(); t != types.Bool && t != types.Dynamic && t != types.Null {
		b.errorf(o.pred.Span(), "search needs a bool predicate, but this is %s", t)
		return nil
	}
	return &Filter{Input: u, Pred: pred}
}

// unionOf is an outer union of legs by column name, with a leading column
// source naming each leg. A name seen with several types is one column per
// type, named name_type.
func unionOf(legs []Node, legNames []string, source string) *Union {
	u := &Union{Inputs: legs, SourceCol: true, SourceName: legNames}
	typesOf := map[string][]types.Type{}
	var order []string
	for _, n := range legs {
		for _, f := range n.Schema() {
			ts, seen := typesOf[f.Name]
			if !seen {
				order = append(order, f.Name)
			}
			has := false
			for _, t := range ts {
				has = has || t == f.Type
			}
			if !has {
				typesOf[f.Name] = append(ts, f.Type)
			}
		}
	}
	type col struct {
		name, src string
		t         types.Type
	}
	var cols []col
	for _, name := range order {
		ts := typesOf[name]
		if len(ts) == 1 {
			cols = append(cols, col{name, name, ts[0]})
			continue
		}
		for _, t := range ts {
			cols = append(cols, col{name + "_" + t.String(), name, t})
		}
	}
	u.Columns = append(u.Columns, table.Field{Name: source, Type: types.String})
	for _, c := range cols {
		u.Columns = append(u.Columns, table.Field{Name: c.name, Type: c.t})
	}
	for _, n := range legs {
		s := n.Schema()
		m := make([]int, len(cols))
		for j, c := range cols {
			m[j] = -1
			if i := s.Index(c.src); i >= 0 && s[i].Type == c.t {
				m[j] = i
			}
		}
		u.Map = append(u.Map, m)
	}
	return u
}

// findProject is one column of find's project clause.
type findProject struct {
	name string
	t    types.Type // Unknown: the column's own type
	pos  token.Span
}

// bindFind binds `find [withsource=C] [in (Tables)] where Predicate
// [project-smart | project Cols [, pack_all()]]`. Each table is filtered
// on its own (a predicate column it lacks reads as null; a table with none
// of them is skipped); the output is the source column, then the projected
// columns (project-smart: the predicate's columns and those common to all
// tables), then pack_, a bag of the remaining columns.
func (b *binder) bindFind(sc *scope, x *ast.GenericOp) Node {
	r := b.newOpReader(x)
	if r == nil {
		return nil
	}
	source := "source_"
	if r.isWord("withsource") && r.peek(1).Kind == token.ASSIGN {
		r.next()
		r.next()
		if r.tok().Kind != token.IDENT {
			r.fail("find: withsource takes a column name")
			return nil
		}
		source = r.tok().Value
		r.next()
	}
	tables, ok := r.readTableList()
	if !ok {
		return nil
	}
	if r.isWord("where") {
		r.next()
	}
	end := r.scanTo(words(false, "project", "project-smart"))
	// project-smart is scanned as project - smart.
	predStart := r.i
	if end <= predStart {
		r.fail("find needs a predicate")
		return nil
	}
	pred := r.searchPredicate(end, false)
	if pred == nil {
		return nil
	}
	var proj []findProject
	packAll, smart := false, true
	if r.isWord("project") {
		r.next()
		if r.tok().Kind == token.MINUS && r.peek(1).Kind == token.IDENT && r.peek(1).Value == "smart" {
			r.next()
			r.next()
		} else {
			smart = false
			for !r.atEnd() {
				t := r.tok()
				switch {
				case t.Kind == token.IDENT && t.Value == "pack_all" && r.peek(1).Kind == token.LPAREN && r.peek(2).Kind == token.RPAREN:
					packAll = true
					r.next()
					r.next()
					r.next()
				case t.Kind == token.IDENT:
					p := findProject{name: t.Value, t: types.Unknown, pos: t.Span}
					r.next()
					if r.tok().Kind == token.COLON {
						r.next()
						tt, ok := types.Parse(r.tok().Value)
						if !ok {
							r.fail("find: unknown type %s", r.tok().Value)
							return nil
						}
						p.t = tt
						r.next()
					}
					proj = append(proj, p)
				default:
					r.fail("find: expected a column name")
					return nil
				}
				if r.tok().Kind == token.COMMA {
					r.next()
				} else if !r.atEnd() {
					r.fail("find: expected \",\"")
					return nil
				}
			}
		}
	}
	if !r.atEnd() {
		r.fail("find: unexpected text")
		return nil
	}
	legs, names, ok := b.searchLegs(sc, tables, x.Pos)
	if !ok {
		return nil
	}
	// Columns named in the predicate, with their type in the tables.
	colType := map[string]types.Type{}
	for _, n := range legs {
		for _, f := range n.Schema() {
			if t, seen := colType[f.Name]; seen && t != f.Type {
				colType[f.Name] = types.Unknown
			} else if !seen {
				colType[f.Name] = f.Type
			}
		}
	}
	var predCols []string
	seenPred := map[string]bool{}
	walkIdents(pred, func(id *ast.Ident) {
		if _, ok := colType[id.Name]; ok && !seenPred[id.Name] && sc.lookup(id.Name) == nil {
			seenPred[id.Name] = true
			predCols = append(predCols, id.Name)
		}
	})
	for _, c := range predCols {
		if colType[c] == types.Unknown {
			b.unsupported(x.Pos, "find: column %s has different types in the tables searched; use union and where", c)
			return nil
		}
	}
	hasStar := starIn(pred)
	// Keep the tables that have at least one predicate column.
	var kept []Node
	var keptNames []string
	for i, n := range legs {
		s := n.Schema()
		has := hasStar
		for _, c := range predCols {
			has = has || s.Index(c) >= 0
		}
		if has {
			kept = append(kept, n)
			keptNames = append(keptNames, names[i])
		}
	}
	// Output columns.
	var out table.Schema
	outNames := newNameSet()
	outNames.add(source)
	out = append(out, table.Field{Name: source, Type: types.String})
	addOut := func(name string, t types.Type) {
		if out.Index(name) < 0 {
			out = append(out, table.Field{Name: outNames.add(name), Type: t})
		}
	}
	if smart {
		for _, c := range predCols {
			addOut(c, colType[c])
		}
		if len(kept) > 0 {
			for _, f := range kept[0].Schema() {
				common := true
				for _, n := range kept[1:] {
					j := n.Schema().Index(f.Name)
					common = common && j >= 0 && n.Schema()[j].Type == f.Type
				}
				if common {
					addOut(f.Name, f.Type)
				}
			}
		}
		packAll = true
	} else {
		for _, p := range proj {
			t := p.t
			if t == types.Unknown {
				ct, ok := colType[p.name]
				if !ok {
					b.errorf(p.pos, "find: unknown column %s", p.name)
					return nil
				}
				if ct == types.Unknown {
					b.errorf(p.pos, "find: column %s has several types; give one as %s:type", p.name, p.name)
					return nil
				}
				t = ct
			}
			addOut(p.name, t)
		}
	}
	packName := ""
	if packAll {
		packName = outNames.add("pack_")
		out = append(out, table.Field{Name: packName, Type: types.Dynamic})
	}
	packFn, _ := builtins.Lookup("bag_pack")
	var legNodes []Node
	for i, n := range kept {
		s := n.Schema()
		// Add the predicate columns this table lacks, as nulls.
		ext := &Project{Input: n}
		for j, f := range s {
			ext.Exprs = append(ext.Exprs, &ColumnRef{Index: j, Name: f.Name, T: f.Type})
			ext.Columns = append(ext.Columns, f)
		}
		for _, c := range predCols {
			if s.Index(c) < 0 {
				ext.Exprs = append(ext.Exprs, &Const{V: types.NullOf(colType[c]), Pos: x.Pos})
				ext.Columns = append(ext.Columns, table.Field{Name: c, Type: colType[c]})
			}
		}
		row := &rowScope{schema: ext.Columns}
		pe := b.bindScalar(sc, row, pred)
		if isUnknown(pe) {
			return nil
		}
		filt := &Filter{Input: ext, Pred: pe}
		p := &Project{Input: filt, Columns: out}
		used := map[string]bool{}
		for _, f := range out {
			switch f.Name {
			case source:
				p.Exprs = append(p.Exprs, &Const{V: types.NewString(keptNames[i]), Pos: x.Pos})
			case packName:
				var args []Expr
				for j, sf := range s {
					if used[sf.Name] {
						continue
					}
					args = append(args, &Const{V: types.NewString(sf.Name), Pos: x.Pos}, &ColumnRef{Index: j, Name: sf.Name, T: sf.Type})
				}
				p.Exprs = append(p.Exprs, &Call{Name: "bag_pack", Func: packFn, Args: args, T: types.Dynamic, Pos: x.Pos})
			default:
				used[f.Name] = true
				// A column the table lacks is null; one of another type is
				// converted when the row is projected.
				j := ext.Columns.Index(f.Name)
				if j < 0 {
					p.Exprs = append(p.Exprs, &Const{V: types.NullOf(f.Type), Pos: x.Pos})
					continue
				}
				p.Exprs = append(p.Exprs, &ColumnRef{Index: j, Name: f.Name, T: ext.Columns[j].Type})
			}
		}
		legNodes = append(legNodes, p)
	}
	if len(legNodes) == 0 {
		return &Values{Columns: out}
	}
	u := &Union{Inputs: legNodes, Columns: out}
	for range legNodes {
		m := make([]int, len(out))
		for j := range m {
			m[j] = j
		}
		u.Map = append(u.Map, m)
	}
	return u
}

// walkIdents calls f for every identifier in e.
func walkIdents(e ast.Expr, f func(*ast.Ident)) {
	switch x := e.(type) {
	case *ast.Ident:
		f(x)
	case *ast.BinaryExpr:
		walkIdents(x.X, f)
		walkIdents(x.Y, f)
	case *ast.UnaryExpr:
		walkIdents(x.X, f)
	case *ast.ParenExpr:
		walkIdents(x.X, f)
	case *ast.CallExpr:
		for _, a := range x.Args {
			walkIdents(a, f)
		}
	case *ast.InExpr:
		walkIdents(x.X, f)
		for _, a := range x.List {
			walkIdents(a, f)
		}
	case *ast.BetweenExpr:
		walkIdents(x.X, f)
		walkIdents(x.Lo, f)
		walkIdents(x.Hi, f)
	case *ast.SelectorExpr:
		walkIdents(x.X, f)
	case *ast.IndexExpr:
		walkIdents(x.X, f)
		walkIdents(x.Index, f)
	}
}

// starIn reports whether e uses `*` (a search over every column).
func starIn(e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.StarExpr:
		return true
	case *ast.BinaryExpr:
		return starIn(x.X) || starIn(x.Y)
	case *ast.ParenExpr:
		return starIn(x.X)
	case *ast.CallExpr:
		for _, a := range x.Args {
			if starIn(a) {
				return true
			}
		}
	}
	return false
}
