package binder

import (
	"sort"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/scanner"
	"github.com/rmmhunt/rmmhunt/kql/token"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// Prober runs a bound subtree to learn a schema that depends on the data
// (the columns of evaluate bag_unpack and evaluate pivot). A Catalog that
// also implements Prober lets the binder bind such plugins exactly; without
// one (checking a query with no data) their data-dependent columns are
// taken from the names the rest of the query uses, typed as unknown.
type Prober interface {
	Probe(n Node) (*table.Table, error)
}

// probe runs n, or returns nil when no data is available.
func (b *binder) probe(n Node) (*table.Table, error) {
	p, ok := b.cat.(Prober)
	if !ok {
		return nil, nil
	}
	return p.Probe(n)
}

// namesAfter returns the identifiers written after source offset pos, in
// order of first appearance, that start with prefix and can name a column
// (used to guess the data-dependent columns of a plugin when there is no
// data): operator names after "|", function names before "(", property
// names after ".", keywords, and the words of strings and comments are
// left out.
func (b *binder) namesAfter(pos int, prefix string) []string {
	if b.file == nil || pos >= len(b.file.Src) {
		return nil
	}
	toks := scanner.Tokens(b.file, nil)
	seen := map[string]bool{}
	var out []string
	for i, t := range toks {
		if int(t.Span.Start) < pos || t.Kind != token.IDENT {
			continue
		}
		w := t.Value
		if w == "" || seen[w] || !strings.HasPrefix(w, prefix) || w == prefix || notColumnWord[strings.ToLower(w)] {
			continue
		}
		if i > 0 {
			switch toks[i-1].Kind {
			case token.PIPE, token.DOT, token.DOLLAR:
				continue
			case token.MINUS:
				// project-reorder, mv-expand: the second half of a
				// hyphenated operator name.
				if i > 1 && toks[i-2].Kind == token.IDENT && toks[i-1].Span.Start == toks[i-2].Span.End && t.Span.Start == toks[i-1].Span.End {
					continue
				}
			}
		}
		if i+1 < len(toks) && toks[i+1].Kind == token.LPAREN {
			continue
		}
		seen[w] = true
		out = append(out, w)
	}
	return out
}

// notColumnWord are KQL words that appear inside operators and expressions
// without naming a column.
var notColumnWord = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`and or not by on with of in to asc desc nulls first last kind
		has has_cs has_any has_all contains contains_cs startswith startswith_cs endswith endswith_cs
		matches regex between hasprefix hassuffix has_ipv4 true false null let step from typeof
		bagexpansion itemindex with_itemindex limit hint strategy shufflekey num_partitions
		left right inner outer leftouter rightouter fullouter leftanti rightanti leftsemi rightsemi
		innerunique anti semi isfuzzy withsource granny others`) {
		m[w] = true
	}
	return m
}()

// pluginArgs splits a plugin call's arguments into positional ones and
// named ones (name = value).
func pluginArgs(c *ast.CallExpr) ([]ast.Expr, map[string]ast.Expr) {
	var pos []ast.Expr
	named := map[string]ast.Expr{}
	for _, a := range c.Args {
		if n, ok := a.(*ast.NamedExpr); ok && len(n.Names) == 1 {
			named[n.Names[0].Name] = n.X
			continue
		}
		pos = append(pos, a)
	}
	return pos, named
}

// dynType is the scalar type of a dynamic payload (dynamic for arrays,
// bags and null).
func dynType(d any) types.Type {
	v := types.DynamicScalar(d)
	if v.Null {
		return types.Null
	}
	return v.Type
}

// bindBagUnpack binds `evaluate bag_unpack(Col [, Prefix] [,
// columnsConflict] [, ignoredProperties])`: the input columns except Col,
// then one column per property of the bags in Col, sorted by name. A
// property whose values all have one type gets that type, others are
// dynamic.
func (b *binder) bindBagUnpack(sc *scope, in Node, x *ast.EvaluateOp) Node {
	pos, named := pluginArgs(x.Call)
	if len(pos) < 1 || len(pos) > 4 {
		b.errorf(x.Call.Pos, "bag_unpack takes a column and up to three options")
		return nil
	}
	inSchema := in.Schema()
	id, ok := pos[0].(*ast.Ident)
	if !ok {
		b.errorf(pos[0].Span(), "bag_unpack takes a column name")
		return nil
	}
	col := inSchema.Index(id.Name)
	if col < 0 {
		b.errorf(id.Pos, "unknown column %s%s", id.Name, suggestColumn(id.Name, inSchema, sc))
		return nil
	}
	if t := inSchema[col].Type; t != types.Dynamic {
		b.errorf(id.Pos, "bag_unpack needs a dynamic column, but %s is %s", id.Name, t)
		return nil
	}
	str := func(e ast.Expr, what string) (string, bool) {
		v := b.bindScalar(sc, nil, e)
		c, ok := fold(v)
		if !ok || c.Type != types.String {
			if !isUnknown(v) {
				b.errorf(e.Span(), "bag_unpack: %s must be a constant string", what)
			}
			return "", false
		}
		return c.S, true
	}
	// Options by position (prefix, columnsConflict, ignoredProperties) or
	// by name.
	opt := func(i int, name string) ast.Expr {
		if e, ok := named[name]; ok {
			return e
		}
		if i < len(pos) {
			return pos[i]
		}
		return nil
	}
	prefix, conflict := "", "error"
	ignored := map[string]bool{}
	if e := opt(1, "OutputColumnPrefix"); e != nil {
		if prefix, ok = str(e, "the column prefix"); !ok {
			return nil
		}
	}
	if e := opt(2, "columnsConflict"); e != nil {
		if conflict, ok = str(e, "columnsConflict"); !ok {
			return nil
		}
		if conflict != "error" && conflict != "replace_source" && conflict != "keep_source" {
			b.errorf(e.Span(), "bag_unpack: columnsConflict must be error, replace_source or keep_source")
			return nil
		}
	}
	if e := opt(3, "ignoredProperties"); e != nil {
		v := b.bindScalar(sc, nil, e)
		c, ok := fold(v)
		arr, isArr := c.D.([]any)
		if !ok || c.Type != types.Dynamic || !isArr {
			if !isUnknown(v) {
				b.errorf(e.Span(), "bag_unpack: ignoredProperties must be a constant dynamic array")
			}
			return nil
		}
		for _, a := range arr {
			if s, ok := a.(string); ok {
				ignored[s] = true
			}
		}
	}
	// The properties and their types.
	keyType := map[string]types.Type{}
	var keys []string
	t, err := b.probe(in)
	if err != nil {
		b.errorf(x.Pos, "bag_unpack: reading the input to learn its columns failed: %v", err)
		return nil
	}
	probed := t != nil
	if t != nil && t.Rows() == 0 {
		// No rows, so the data names no property: as with no data at
		// all, the names the rest of the query uses stand for them
		// (Kusto.Language binds them too; the result has no rows).
		t = nil
	}
	if t == nil {
		for _, w := range b.namesAfter(int(x.Pos.End), prefix) {
			k := strings.TrimPrefix(w, prefix)
			if inSchema.Index(w) >= 0 || ignored[k] {
				continue
			}
			keys = append(keys, k)
			keyType[k] = types.Null
		}
	} else {
		for _, bt := range t.Batches {
			c := bt.Cols[col]
			for i := 0; i < bt.N; i++ {
				bag, ok := c.Dyn[i].(*types.Bag)
				if c.IsNull(i) || !ok {
					continue
				}
				for j, k := range bag.Keys {
					if ignored[k] {
						continue
					}
					vt := dynType(bag.Vals[j])
					old, seen := keyType[k]
					switch {
					case !seen:
						keys = append(keys, k)
						keyType[k] = vt
					case vt == types.Null || old == vt:
					case old == types.Null:
						keyType[k] = vt
					default:
						keyType[k] = types.Dynamic
					}
				}
			}
		}
		for k, vt := range keyType {
			if vt == types.Null {
				keyType[k] = types.Dynamic
			}
		}
	}
	sort.Strings(keys)
	u := &BagUnpack{Input: in, Col: col, Unprobed: !probed}
	drop := map[int]bool{col: true}
	var outKeys []string
	for _, k := range keys {
		name := prefix + k
		if i := inSchema.Index(name); i >= 0 && i != col {
			switch conflict {
			case "error":
				b.errorf(x.Pos, "bag_unpack: property %s clashes with the column %s; give a prefix or columnsConflict='replace_source' or 'keep_source'", k, name)
				return nil
			case "replace_source":
				drop[i] = true
			case "keep_source":
				continue
			}
		}
		outKeys = append(outKeys, k)
	}
	for i, f := range inSchema {
		if drop[i] {
			continue
		}
		u.Pass = append(u.Pass, i)
		u.Keys = append(u.Keys, "")
		u.Columns = append(u.Columns, f)
	}
	for _, k := range outKeys {
		u.Pass = append(u.Pass, -1)
		u.Keys = append(u.Keys, k)
		u.Columns = append(u.Columns, table.Field{Name: prefix + k, Type: keyType[k]})
	}
	return u
}

// bindPivot binds `evaluate pivot(Col [, Agg [, Keys...]])`: one row per
// combination of the key columns (by default every column but Col and the
// aggregate's), and one column per distinct value of Col, in order of
// appearance, holding the aggregate (count() by default) over those rows.
func (b *binder) bindPivot(sc *scope, in Node, x *ast.EvaluateOp) Node {
	pos, named := pluginArgs(x.Call)
	if len(named) > 0 || len(pos) < 1 {
		b.errorf(x.Call.Pos, "pivot takes a column, an optional aggregate and optional key columns")
		return nil
	}
	inSchema := in.Schema()
	row := &rowScope{schema: inSchema}
	id, ok := pos[0].(*ast.Ident)
	if !ok {
		b.errorf(pos[0].Span(), "pivot takes a column name")
		return nil
	}
	col := b.bindScalar(sc, row, id)
	if isUnknown(col) {
		return nil
	}
	aggExpr := &ast.CallExpr{Fun: &ast.Ident{Name: "count", Pos: x.Call.Pos}, Pos: x.Call.Pos}
	if len(pos) > 1 {
		c, ok := pos[1].(*ast.CallExpr)
		if !ok || !isAggregateCall(sc, c) {
			b.errorf(pos[1].Span(), "pivot: the second argument must be an aggregation such as sum(x)")
			return nil
		}
		aggExpr = c
	}
	agg, cols := b.bindAgg(sc, row, aggExpr, nil)
	if agg == nil {
		return nil
	}
	if len(cols) != 1 {
		b.errorf(aggExpr.Pos, "pivot: the aggregation must produce one column")
		return nil
	}
	p := &Pivot{Input: in, Col: col, Agg: agg}
	names := newNameSet()
	if len(pos) > 2 {
		for _, k := range pos[2:] {
			e := b.bindScalar(sc, row, k)
			if isUnknown(e) {
				return nil
			}
			name := exprName(k)
			if name == "" {
				name = names.generated()
			} else {
				name = names.add(name)
			}
			p.Keys = append(p.Keys, e)
			p.Columns = append(p.Columns, table.Field{Name: name, Type: e.Type()})
		}
	} else {
		used := map[string]bool{id.Name: true}
		walkIdents(aggExpr, func(i *ast.Ident) { used[i.Name] = true })
		for i, f := range inSchema {
			if used[f.Name] {
				continue
			}
			p.Keys = append(p.Keys, &ColumnRef{Index: i, Name: f.Name, T: f.Type})
			p.Columns = append(p.Columns, table.Field{Name: names.add(f.Name), Type: f.Type})
		}
	}
	t, err := b.probe(in)
	if err != nil {
		b.errorf(x.Pos, "pivot: reading the input to learn its columns failed: %v", err)
		return nil
	}
	ci := inSchema.Index(id.Name)
	if t == nil {
		p.Unprobed = true
		for _, w := range b.namesAfter(int(x.Pos.End), "") {
			if inSchema.Index(w) >= 0 {
				continue
			}
			p.Values = append(p.Values, types.NewString(w))
			p.Columns = append(p.Columns, table.Field{Name: names.add(w), Type: types.Null})
		}
		return p
	}
	seen := map[string]bool{}
	for _, bt := range t.Batches {
		c := bt.Cols[ci]
		for i := 0; i < bt.N; i++ {
			v := c.Get(i)
			s := v.String()
			if seen[s] {
				continue
			}
			seen[s] = true
			p.Values = append(p.Values, v)
			p.Columns = append(p.Columns, table.Field{Name: names.add(s), Type: agg.T})
		}
	}
	return p
}
