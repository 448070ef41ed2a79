package binder

import (
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/token"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// mvExpandDefaultLimit is mv-expand's default row limit per input row;
// the legacy spelling mvexpand defaults to mvexpandLegacyLimit.
const (
	mvExpandDefaultLimit = 2147483647
	mvexpandLegacyLimit  = 128
)

// expandSpec is the syntax shared by mv-expand and mv-apply.
type expandSpec struct {
	params  []*ast.OpParam
	columns []*ast.MvExpandColumn
	limit   ast.Expr
	legacy  bool
	apply   bool // mv-apply: no bag expansion parameter
	pos     token.Span
}

// bindMvExpand binds mv-expand over in.
func (b *binder) bindMvExpand(sc *scope, in Node, x *ast.MvExpandOp) Node {
	m := b.bindExpand(sc, in, expandSpec{params: x.Params, columns: x.Columns, limit: x.Limit, legacy: x.Legacy, pos: x.Pos})
	if m == nil {
		return nil
	}
	return m
}

// bindExpand binds the expansion of spec over in. The output keeps the
// input columns in order; an expanded column reference (or an expression
// whose derived name is an input column) replaces that column in place, a
// named or computed one is appended, and the item index comes last.
func (b *binder) bindExpand(sc *scope, in Node, spec expandSpec) *MvExpand {
	inSchema := in.Schema()
	row := &rowScope{schema: inSchema}
	m := &MvExpand{Input: in, IndexCol: -1, Limit: mvExpandDefaultLimit}
	if spec.legacy {
		m.Limit = mvexpandLegacyLimit
	}
	indexName := ""
	var indexPos token.Span
	for _, p := range spec.params {
		switch strings.ToLower(p.Name) {
		case "kind", "bagexpansion":
			switch paramWord(p) {
			case "bag":
				m.BagArray = false
			case "array":
				m.BagArray = true
			default:
				b.errorf(p.Pos, "%s must be bag or array, got %s", p.Name, paramWord(p))
				return nil
			}
			if spec.apply {
				b.errorf(p.Pos, "mv-apply does not take %s", p.Name)
				return nil
			}
		case "with_itemindex":
			id, ok := p.Value.(*ast.Ident)
			if !ok {
				b.errorf(p.Pos, "with_itemindex takes a column name")
				return nil
			}
			indexName, indexPos = id.Name, p.Pos
		default:
			if !strings.HasPrefix(p.Name, "hint.") {
				b.diags.Warnf(p.Pos, "parameter %s ignored", p.Name)
			}
		}
	}
	if spec.limit != nil {
		n, ok := b.constLong(sc, spec.limit, "limit")
		if !ok {
			return nil
		}
		m.Limit = n
	}
	// Start from the input columns.
	for i, f := range inSchema {
		m.Pass = append(m.Pass, i)
		m.Expand = append(m.Expand, -1)
		m.Columns = append(m.Columns, f)
	}
	names := newNameSet()
	for _, f := range inSchema {
		names.add(f.Name)
	}
	replaced := map[int]bool{}
	for _, c := range spec.columns {
		if len(c.X.Names) > 1 {
			b.errorf(c.X.Pos, "an expanded column takes one name")
			return nil
		}
		e := b.bindScalar(sc, row, c.X.X)
		if isUnknown(e) {
			return nil
		}
		if t := e.Type(); t != types.Dynamic && t != types.Null {
			b.errorf(c.X.X.Span(), "mv-expand needs a dynamic array or property bag, but this is %s", t)
			return nil
		}
		et := types.Dynamic
		if c.ToType != nil {
			t, ok := b.typeofType(c.ToType)
			if !ok {
				return nil
			}
			et = t
		}
		k := len(m.Exprs)
		m.Exprs = append(m.Exprs, e)
		m.ToTypes = append(m.ToTypes, et)
		name := ""
		if len(c.X.Names) == 1 {
			name = c.X.Names[0].Name
		} else {
			name = exprName(c.X.X)
		}
		if name == "" {
			name = names.generated()
		} else if i := inSchema.Index(name); i >= 0 {
			if replaced[i] {
				b.errorf(c.Pos, "column %s is expanded twice", name)
				return nil
			}
			replaced[i] = true
			m.Pass[i] = -1
			m.Expand[i] = k
			m.Columns[i] = table.Field{Name: name, Type: et}
			continue
		} else {
			name = names.add(name)
		}
		m.Pass = append(m.Pass, -1)
		m.Expand = append(m.Expand, k)
		m.Columns = append(m.Columns, table.Field{Name: name, Type: et})
	}
	if indexName != "" {
		if inSchema.Index(indexName) >= 0 || m.Columns.Index(indexName) >= 0 {
			b.errorf(indexPos, "with_itemindex column %s already exists", indexName)
			return nil
		}
		m.IndexCol = len(m.Columns)
		m.Pass = append(m.Pass, -1)
		m.Expand = append(m.Expand, -1)
		m.Columns = append(m.Columns, table.Field{Name: names.add(indexName), Type: types.Long})
	}
	return m
}

// typeofType resolves the scalar type of `typeof(T)`.
func (b *binder) typeofType(t *ast.TypeExpr) (types.Type, bool) {
	if t.Name == "" {
		b.errorf(t.Pos, "expected a scalar type")
		return types.Unknown, false
	}
	tt, ok := types.Parse(t.Name)
	if !ok {
		b.errorf(t.Pos, "unknown type %s", t.Name)
		return types.Unknown, false
	}
	return tt, true
}
