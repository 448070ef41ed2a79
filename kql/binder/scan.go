package binder

import (
	"reflect"

	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/token"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// ScanOp is the scan operator: the input rows, in order, are matched
// against a sequence of steps whose conditions and assignments read the
// current row and the values the earlier matches left in the steps'
// state (see the engine for the documented matching logic).
type ScanOp struct {
	Input Node
	// Declared are the declared columns, appended to the input's, with
	// their defaults (null unless given).
	Declared []ScanColumn
	Steps    []*ScanStep
	// MatchID is the name of the match-id column (with_match_id), or "".
	MatchID string
	// StateRefs are the state values StepName.Column the steps read: the
	// row an expression is evaluated on is the input row, the declared
	// columns at their defaults, then one column per StateRefs entry.
	StateRefs []ScanStateRef
	Columns   table.Schema
}

// ScanColumn is a declared column and its default value.
type ScanColumn struct {
	Name    string
	Type    types.Type
	Default types.Value
}

// ScanStep is one `step Name [output=all|last|none]: Condition [=>
// Column = Expr, ...];`.
type ScanStep struct {
	Name string
	// Output is "all", "last" or "none".
	Output string
	Cond   Expr
	// Assign are the assignments: Col is the index of a declared column
	// (0 is the first declared column).
	Assign []ScanAssign
}

// ScanAssign assigns X to declared column Col.
type ScanAssign struct {
	Col int
	X   Expr
}

// ScanStateRef is StepName.Column: Column (an index into the output
// schema without the match id) of step Step's record in a state.
type ScanStateRef struct {
	Step, Col int
}

// Schema implements Node.
func (n *ScanOp) Schema() table.Schema { return n.Columns }
func (*ScanOp) boundNode()             {}

// bindScan binds `scan [with_match_id=Id] [declare (Col:type [= default],
// ...)] with (step Name [output=all|last|none]: Condition [=> Col = Expr,
// ...]; ...)` following the Kusto scan operator reference: the output is
// the input's schema "extended with the column in the declare clause",
// then the match id (a long) when with_match_id is given; "the step name
// must be unique"; StepName.Column reads "a value in the state".
func (b *binder) bindScanOp(sc *scope, in Node, x *ast.GenericOp) Node {
	r := b.newOpReader(x)
	if r == nil {
		return nil
	}
	n := &ScanOp{Input: in}
	if r.isWord("with_match_id") {
		r.next()
		if r.tok().Kind != token.ASSIGN {
			r.fail("scan: expected \"=\" after with_match_id")
			return nil
		}
		r.next()
		if r.tok().Kind != token.IDENT {
			r.fail("scan: expected the name of the match id column")
			return nil
		}
		n.MatchID = r.tok().Value
		r.next()
	}
	inSchema := in.Schema()
	base := append(table.Schema(nil), inSchema...)
	if r.isWord("declare") {
		r.next()
		if r.tok().Kind != token.LPAREN {
			r.fail("scan: expected \"(\" after declare")
			return nil
		}
		r.next()
		for r.tok().Kind != token.RPAREN {
			t := r.tok()
			if t.Kind != token.IDENT || r.peek(1).Kind != token.COLON || r.peek(2).Kind != token.IDENT {
				r.fail("scan: expected Name:type in declare")
				return nil
			}
			typ, ok := types.Parse(r.peek(2).Value)
			if !ok {
				r.b.errorf(r.peek(2).Span, "scan: unknown type %s", r.peek(2).Value)
				return nil
			}
			if base.Index(t.Value) >= 0 {
				r.b.errorf(t.Span, "scan: the declared column %s is already a column", t.Value)
				return nil
			}
			col := ScanColumn{Name: t.Value, Type: typ, Default: types.NullOf(typ)}
			r.next()
			r.next()
			r.next()
			if r.tok().Kind == token.ASSIGN {
				r.next()
				e := r.exprUntil(r.scanToClose(func(t token.Token) bool { return t.Kind == token.COMMA }))
				if e == nil {
					return nil
				}
				v := b.bindScalar(sc, nil, e)
				if isUnknown(v) {
					return nil
				}
				c, ok := fold(v)
				if !ok {
					b.errorf(e.Span(), "scan: the default of %s must be a constant", col.Name)
					return nil
				}
				if !c.Null && c.Type != typ && !(c.Type.IsNumeric() && typ.IsNumeric()) {
					b.errorf(e.Span(), "scan: the default of %s must be %s, got %s", col.Name, typ, c.Type)
					return nil
				}
				col.Default = c
			}
			n.Declared = append(n.Declared, col)
			base = append(base, table.Field{Name: col.Name, Type: typ})
			if r.tok().Kind == token.COMMA {
				r.next()
			} else if r.tok().Kind != token.RPAREN {
				r.fail("scan: expected \",\" or \")\" in declare")
				return nil
			}
		}
		r.next()
	}
	if !r.expectWord("with") {
		return nil
	}
	if r.tok().Kind != token.LPAREN {
		r.fail("scan: expected \"(\" after with")
		return nil
	}
	r.next()
	// First pass: the step names, which state references may use in any
	// step.
	type rawStep struct {
		name         string
		pos          token.Span
		output       string
		cond, assign int // token indexes: the condition, the "=>" or ";"
		end          int // the ";" or ")" ending the step
	}
	var raws []rawStep
	for r.tok().Kind != token.RPAREN {
		if !r.expectWord("step") {
			return nil
		}
		if r.tok().Kind != token.IDENT {
			r.fail("scan: expected a step name")
			return nil
		}
		st := rawStep{name: r.tok().Value, pos: r.tok().Span, output: "all"}
		for _, o := range raws {
			if o.name == st.name {
				r.b.errorf(st.pos, "scan: the step name %s is used twice", st.name)
				return nil
			}
		}
		r.next()
		if r.isWord("output") {
			r.next()
			if r.tok().Kind != token.ASSIGN || r.peek(1).Kind != token.IDENT {
				r.fail("scan: expected output = all, last or none")
				return nil
			}
			r.next()
			switch o := r.tok().Value; o {
			case "all", "last", "none":
				st.output = o
			default:
				r.fail("scan: output must be all, last or none")
				return nil
			}
			r.next()
		}
		if r.tok().Kind != token.COLON {
			r.fail("scan: expected \":\" after the step name")
			return nil
		}
		r.next()
		st.cond = r.i
		st.assign = r.scanToClose(func(t token.Token) bool {
			return t.Kind == token.ARROW || t.Kind == token.SEMI
		})
		r.i = st.assign
		st.end = r.scanToClose(func(t token.Token) bool { return t.Kind == token.SEMI })
		if r.toks[st.end].Kind == token.EOF {
			r.i = st.end
			r.fail("scan: expected \";\" after the step")
			return nil
		}
		r.i = st.end
		if r.tok().Kind == token.SEMI {
			r.next()
		}
		raws = append(raws, st)
	}
	r.next()
	if !r.atEnd() {
		r.fail("scan: unexpected text after the steps")
		return nil
	}
	if len(raws) == 0 {
		b.errorf(x.Pos, "scan needs at least one step")
		return nil
	}
	stepIndex := map[string]int{}
	for i, st := range raws {
		stepIndex[st.name] = i
	}
	// The row the expressions see: base, then the state references, named
	// "step.column" (a name no identifier can spell).
	rowSchema := append(table.Schema(nil), base...)
	refIndex := map[ScanStateRef]int{}
	rewrite := func(e ast.Expr) (ast.Expr, bool) {
		ok := true
		out := rewriteSelectors(e, func(s *ast.SelectorExpr) ast.Expr {
			id, isID := s.X.(*ast.Ident)
			if !isID {
				return nil
			}
			si, isStep := stepIndex[id.Name]
			if !isStep {
				return nil
			}
			ci := base.Index(s.Sel.Name)
			if ci < 0 {
				b.errorf(s.Sel.Pos, "scan: %s is not a column of the step %s's state%s", s.Sel.Name, id.Name, suggestColumn(s.Sel.Name, base, nil))
				ok = false
				return nil
			}
			ref := ScanStateRef{Step: si, Col: ci}
			name := id.Name + "." + s.Sel.Name
			if _, seen := refIndex[ref]; !seen {
				refIndex[ref] = len(n.StateRefs)
				n.StateRefs = append(n.StateRefs, ref)
				rowSchema = append(rowSchema, table.Field{Name: name, Type: base[ci].Type})
			}
			return &ast.Ident{Name: name, Pos: s.Pos}
		})
		return out, ok
	}
	for _, st := range raws {
		step := &ScanStep{Name: st.name, Output: st.output}
		r.i = st.cond
		ce := r.exprUntil(st.assign)
		if ce == nil {
			return nil
		}
		ce, ok := rewrite(ce)
		if !ok {
			return nil
		}
		row := &rowScope{schema: rowSchema}
		cond := b.bindScalar(sc, row, ce)
		if isUnknown(cond) {
			return nil
		}
		if t := cond.Type(); t != types.Bool && t != types.Null {
			b.errorf(cond.Span(), "scan: the condition of step %s must be a bool, got %s", st.name, t)
			return nil
		}
		step.Cond = cond
		if r.toks[st.assign].Kind == token.ARROW {
			r.i = st.assign + 1
			for r.i < st.end {
				t := r.tok()
				if t.Kind != token.IDENT || r.peek(1).Kind != token.ASSIGN {
					r.fail("scan: expected Column = Expression after =>")
					return nil
				}
				col := -1
				for k, d := range n.Declared {
					if d.Name == t.Value {
						col = k
					}
				}
				if col < 0 {
					r.b.errorf(t.Span, "scan: %s is not a declared column; only declared columns are assigned", t.Value)
					return nil
				}
				r.next()
				r.next()
				end := r.scanToClose(func(t token.Token) bool {
					return t.Kind == token.COMMA || t.Kind == token.SEMI
				})
				if end > st.end {
					end = st.end
				}
				ae := r.exprUntil(end)
				if ae == nil {
					return nil
				}
				ae, ok := rewrite(ae)
				if !ok {
					return nil
				}
				row := &rowScope{schema: rowSchema}
				v := b.bindScalar(sc, row, ae)
				if isUnknown(v) {
					return nil
				}
				want := n.Declared[col].Type
				if vt := v.Type(); vt != want && vt != types.Null && !(vt.IsNumeric() && want.IsNumeric()) && want != types.Dynamic {
					b.errorf(v.Span(), "scan: %s is %s, but the assigned value is %s", t.Value, want, vt)
					return nil
				}
				step.Assign = append(step.Assign, ScanAssign{Col: col, X: v})
				if r.tok().Kind == token.COMMA {
					r.next()
				}
			}
		}
		n.Steps = append(n.Steps, step)
	}
	n.Columns = append(table.Schema(nil), base...)
	if n.MatchID != "" {
		if base.Index(n.MatchID) >= 0 {
			b.errorf(x.Pos, "scan: the match id column %s is already a column", n.MatchID)
			return nil
		}
		n.Columns = append(n.Columns, table.Field{Name: n.MatchID, Type: types.Long})
	}
	return n
}

// rewriteSelectors returns e with every selector f replaces (f returns
// non-nil) swapped for f's result; e itself is modified in place.
func rewriteSelectors(e ast.Expr, f func(*ast.SelectorExpr) ast.Expr) ast.Expr {
	if s, ok := e.(*ast.SelectorExpr); ok {
		if r := f(s); r != nil {
			return r
		}
	}
	rewriteValue(reflect.ValueOf(e), f)
	return e
}

var exprType = reflect.TypeOf((*ast.Expr)(nil)).Elem()

func rewriteValue(v reflect.Value, f func(*ast.SelectorExpr) ast.Expr) {
	switch v.Kind() {
	case reflect.Interface:
		if !v.IsNil() {
			rewriteValue(v.Elem(), f)
		}
	case reflect.Pointer:
		if !v.IsNil() {
			rewriteValue(v.Elem(), f)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			rewriteField(v.Index(i), f)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				rewriteField(v.Field(i), f)
			}
		}
	}
}

// rewriteField replaces a settable ast.Expr holding a matching selector,
// then walks into the value.
func rewriteField(fv reflect.Value, f func(*ast.SelectorExpr) ast.Expr) {
	if fv.Type() == exprType && !fv.IsNil() && fv.CanSet() {
		if s, ok := fv.Interface().(*ast.SelectorExpr); ok {
			if r := f(s); r != nil {
				fv.Set(reflect.ValueOf(r))
				return
			}
		}
	}
	rewriteValue(fv, f)
}
