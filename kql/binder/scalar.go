package binder

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/builtins"
	"github.com/rmmhunt/rmmhunt/kql/token"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// unknownExpr stands in for an expression that failed to bind, so binding
// can go on and report further errors without cascading.
func unknownExpr(span token.Span) Expr {
	return &Const{V: types.Value{Type: types.Unknown, Null: true}, Pos: span}
}

func isUnknown(e Expr) bool { return e.Type() == types.Unknown }

// bindScalar binds a scalar expression against row (nil: no row, as in a let).
func (b *binder) bindScalar(sc *scope, row *rowScope, e ast.Expr) Expr {
	allowTuple := b.tupleOK
	b.tupleOK = false
	switch x := e.(type) {
	case *ast.Ident:
		return b.bindName(sc, row, x)
	case *ast.BasicLit:
		return b.bindBasicLit(x)
	case *ast.TypedLit:
		return b.bindTypedLit(x)
	case *ast.DynamicLit:
		v, ok := b.dynamicValue(sc, x.Value)
		if !ok {
			return unknownExpr(x.Pos)
		}
		return &Const{V: types.NewDynamic(v), Pos: x.Pos}
	case *ast.ParenExpr:
		if b.isTabular(sc, x.X) {
			n := b.bindTabular(sc, x.X)
			return b.tabularAsScalar(n, x.Pos)
		}
		return b.bindScalar(sc, row, x.X)
	case *ast.UnaryExpr:
		return b.bindUnary(sc, row, x)
	case *ast.BinaryExpr:
		return b.bindBinary(sc, row, x)
	case *ast.InExpr:
		return b.bindIn(sc, row, x)
	case *ast.BetweenExpr:
		return b.bindBetween(sc, row, x)
	case *ast.CallExpr:
		if isWindowFunc(x.Fun.Name) && sc.lookup(x.Fun.Name) == nil {
			return b.bindWindow(sc, row, x)
		}
		b.tupleCall = allowTuple
		return b.bindCall(sc, row, x)
	case *ast.SelectorExpr:
		obj := b.bindScalar(sc, row, x.X)
		if isUnknown(obj) {
			return obj
		}
		return b.dynAccess(obj, &Const{V: types.NewString(x.Sel.Name), Pos: x.Sel.Pos}, x.Pos)
	case *ast.IndexExpr:
		obj := b.bindScalar(sc, row, x.X)
		idx := b.bindScalar(sc, row, x.Index)
		if isUnknown(obj) || isUnknown(idx) {
			return unknownExpr(x.Pos)
		}
		return b.dynAccess(obj, idx, x.Pos)
	case *ast.StarExpr:
		b.errorf(x.Pos, "* is not a scalar expression here")
	case *ast.NamedExpr:
		b.errorf(x.Pos, "a name = value assignment is not allowed here")
	case *ast.PipeExpr, *ast.DatatableExpr, *ast.SourceOpExpr:
		n := b.bindTabular(sc, e)
		return b.tabularAsScalar(n, e.Span())
	case *ast.TypeExpr:
		b.errorf(x.Pos, "a type is not a value here")
	default:
		b.errorf(e.Span(), "unexpected %T in a scalar expression", e)
	}
	return unknownExpr(e.Span())
}

// tabularAsScalar is the value of a single-column tabular expression used
// where a scalar is required (Kusto converts a table to its first value).
func (b *binder) tabularAsScalar(n Node, span token.Span) Expr {
	if n == nil {
		return unknownExpr(span)
	}
	s := n.Schema()
	if len(s) == 0 {
		b.errorf(span, "a tabular expression with no column cannot be used as a scalar")
		return unknownExpr(span)
	}
	return &Scalar{Input: n, T: s[0].Type, Pos: span}
}

func (b *binder) dynAccess(obj, key Expr, span token.Span) Expr {
	if obj.Type() != types.Dynamic {
		b.errorf(span, "property or index access needs a dynamic value, but the expression is %s", obj.Type())
		return unknownExpr(span)
	}
	return &Call{Name: "_access", Args: []Expr{obj, key}, T: types.Dynamic, Pos: span}
}

func (b *binder) bindName(sc *scope, row *rowScope, x *ast.Ident) Expr {
	if i, ok := row.find(x.Name); ok {
		return &ColumnRef{Index: i, Name: x.Name, T: row.schema[i].Type, Pos: x.Pos}
	}
	if bd := sc.lookup(x.Name); bd != nil {
		switch {
		case bd.scalar != nil:
			return withSpan(bd.scalar, x.Pos)
		case bd.tabular != nil:
			return b.tabularAsScalar(bd.tabular, x.Pos)
		case bd.failed:
			return unknownExpr(x.Pos)
		case bd.fn != nil:
			b.errorf(x.Pos, "%s is a function; call it as %s()", x.Name, x.Name)
			return unknownExpr(x.Pos)
		}
	}
	if !x.Quoted {
		switch x.Name {
		case "true":
			return &Const{V: types.NewBool(true), Pos: x.Pos}
		case "false":
			return &Const{V: types.NewBool(false), Pos: x.Pos}
		}
	}
	if _, ok := b.cat.Table(x.Name); ok {
		b.errorf(x.Pos, "table %s cannot be used as a scalar value", x.Name)
		return unknownExpr(x.Pos)
	}
	var s []string
	if row != nil {
		for _, f := range row.schema {
			s = append(s, f.Name)
		}
	}
	if row == nil {
		b.errorf(x.Pos, "unknown name %s%s", x.Name, suggestColumn(x.Name, nil, sc))
	} else {
		b.errorf(x.Pos, "unknown column or name %s%s", x.Name, suggestColumn(x.Name, row.schema, sc))
	}
	return unknownExpr(x.Pos)
}

// withSpan returns a copy of a let-bound constant positioned at its use.
func withSpan(e Expr, span token.Span) Expr {
	if c, ok := e.(*Const); ok {
		return &Const{V: c.V, Pos: span}
	}
	return e
}

func (b *binder) bindBasicLit(x *ast.BasicLit) Expr {
	switch x.Kind {
	case ast.LitLong:
		v, err := parseIntLiteral(x.Value)
		if err != nil {
			b.errorf(x.Pos, "integer literal %s is out of range", x.Value)
			return unknownExpr(x.Pos)
		}
		return &Const{V: types.NewLong(v), Pos: x.Pos}
	case ast.LitReal:
		f, err := strconv.ParseFloat(x.Value, 64)
		if err != nil {
			b.errorf(x.Pos, "invalid real literal %s", x.Value)
			return unknownExpr(x.Pos)
		}
		return &Const{V: types.NewReal(f), Pos: x.Pos}
	case ast.LitString:
		return &Const{V: types.NewString(x.Value), Pos: x.Pos}
	case ast.LitBool:
		return &Const{V: types.NewBool(strings.EqualFold(x.Value, "true")), Pos: x.Pos}
	case ast.LitTimespan:
		t, ok := types.ParseTimespanLiteral(x.Value)
		if !ok {
			b.errorf(x.Pos, "invalid timespan literal %s", x.Value)
			return unknownExpr(x.Pos)
		}
		return &Const{V: types.NewTimespan(t), Pos: x.Pos}
	case ast.LitNull:
		return &Const{V: types.Value{Type: types.Null, Null: true}, Pos: x.Pos}
	}
	return unknownExpr(x.Pos)
}

func parseIntLiteral(s string) (int64, error) {
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		u, err := strconv.ParseUint(s[2:], 16, 64)
		return int64(u), err
	}
	return strconv.ParseInt(s, 10, 64)
}

func (b *binder) bindTypedLit(x *ast.TypedLit) Expr {
	t, ok := types.Parse(x.Type)
	if !ok {
		b.errorf(x.Pos, "unknown type %s", x.Type)
		return unknownExpr(x.Pos)
	}
	text := strings.TrimSpace(x.Text)
	if len(text) >= 2 && (text[0] == '"' || text[0] == '\'') && text[len(text)-1] == text[0] {
		// datetime("2022-01-16") quotes its text.
		text = text[1 : len(text)-1]
	}
	if text == "null" {
		if t == types.String {
			b.errorf(x.Pos, "string(null) does not exist: strings are never null; use \"\"")
			return unknownExpr(x.Pos)
		}
		return &Const{V: types.NullOf(t), Pos: x.Pos}
	}
	bad := func() Expr {
		b.errorf(x.Pos, "invalid %s literal %s(%s)", t, x.Type, x.Text)
		return unknownExpr(x.Pos)
	}
	switch t {
	case types.Datetime:
		// Text copied from web pages carries no-break spaces; .NET's
		// datetime parser, and so Kusto's, takes any Unicode space.
		text = strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) {
				return ' '
			}
			return r
		}, text)
		ticks, ok := types.ParseDatetime(text)
		if !ok {
			if tod, ok := types.ParseTimeOfDay(text); ok {
				return b.todayAt(tod, x.Pos)
			}
			return bad()
		}
		return &Const{V: types.NewDatetime(ticks), Pos: x.Pos}
	case types.Timespan:
		ticks, ok := types.ParseTimespan(text)
		if !ok {
			return bad()
		}
		return &Const{V: types.NewTimespan(ticks), Pos: x.Pos}
	case types.Long, types.Int:
		v, err := parseIntLiteral(strings.TrimPrefix(text, "+"))
		if err != nil {
			if n, err2 := strconv.ParseInt(text, 10, 64); err2 == nil {
				v = n
			} else {
				return bad()
			}
		}
		if t == types.Int {
			if v > math.MaxInt32 || v < math.MinInt32 {
				return bad()
			}
			return &Const{V: types.NewInt(int32(v)), Pos: x.Pos}
		}
		return &Const{V: types.NewLong(v), Pos: x.Pos}
	case types.Real, types.Decimal:
		var f float64
		switch strings.ToLower(text) {
		case "nan":
			f = math.NaN()
		case "+inf", "inf":
			f = math.Inf(1)
		case "-inf":
			f = math.Inf(-1)
		default:
			var err error
			f, err = strconv.ParseFloat(text, 64)
			if err != nil {
				return bad()
			}
		}
		return &Const{V: types.Value{Type: t, F: f}, Pos: x.Pos}
	case types.Bool:
		switch strings.ToLower(text) {
		case "true", "1":
			return &Const{V: types.NewBool(true), Pos: x.Pos}
		case "false", "0":
			return &Const{V: types.NewBool(false), Pos: x.Pos}
		}
		return bad()
	case types.Guid:
		if !guidRE.MatchString(text) {
			return bad()
		}
		return &Const{V: types.NewGuid(strings.ToLower(text)), Pos: x.Pos}
	case types.String:
		return &Const{V: types.NewString(text), Pos: x.Pos}
	}
	return bad()
}

var guidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$`)

// dynamicValue builds the payload of a dynamic literal.
func (b *binder) dynamicValue(sc *scope, e ast.Expr) (any, bool) {
	switch x := e.(type) {
	case *ast.ArrayLit:
		arr := make([]any, 0, len(x.Elems))
		for _, el := range x.Elems {
			v, ok := b.dynamicValue(sc, el)
			if !ok {
				return nil, false
			}
			arr = append(arr, v)
		}
		return arr, true
	case *ast.BagLit:
		bag := types.NewBag()
		for i, k := range x.Keys {
			v, ok := b.dynamicValue(sc, x.Vals[i])
			if !ok {
				return nil, false
			}
			bag.Set(k, v)
		}
		return bag, true
	case nil:
		return nil, true
	}
	v := b.bindScalar(sc, nil, e)
	c, ok := fold(v)
	if !ok {
		if !isUnknown(v) {
			b.errorf(e.Span(), "a dynamic literal may hold only constants")
		}
		return nil, false
	}
	if c.Type == types.Null {
		return nil, true
	}
	return c.ToDynamic(), true
}

// fold returns the value of a constant expression.
func fold(e Expr) (types.Value, bool) {
	switch x := e.(type) {
	case *Const:
		if x.V.Type == types.Unknown {
			return types.Value{}, false
		}
		return x.V, true
	}
	return types.Value{}, false
}

func (b *binder) bindUnary(sc *scope, row *rowScope, x *ast.UnaryExpr) Expr {
	arg := b.bindScalar(sc, row, x.X)
	if isUnknown(arg) {
		return arg
	}
	t := arg.Type()
	if !(t.IsNumeric() || t == types.Timespan || t == types.Dynamic || t == types.Null) {
		b.errorf(x.Pos, "unary %s needs a number or timespan, got %s", x.Op, t)
		return unknownExpr(x.Pos)
	}
	if x.Op == "+" {
		return arg
	}
	if c, ok := fold(arg); ok && !c.Null {
		switch {
		case t.UsesInts():
			c.I = -c.I
		case t.UsesReals():
			c.F = -c.F
		}
		return &Const{V: c, Pos: x.Pos}
	}
	if t == types.Dynamic {
		t = types.Real
	}
	return &Call{Name: "neg", Args: []Expr{arg}, T: t, Pos: x.Pos}
}

// legacyOps maps hidden legacy operator spellings to their canonical ones.
var legacyOps = map[string]string{
	"containscs": "contains_cs", "notcontains": "!contains", "notcontainscs": "!contains_cs",
	"<>": "!=", "!hasprefix": "!hasprefix", "=": "==",
}

// stringOps are the binary string predicates (all take text on both sides).
var stringOps = map[string]bool{
	"=~": true, "!~": true,
	"has": true, "!has": true, "has_cs": true, "!has_cs": true,
	"hasprefix": true, "!hasprefix": true, "hasprefix_cs": true, "!hasprefix_cs": true,
	"hassuffix": true, "!hassuffix": true, "hassuffix_cs": true, "!hassuffix_cs": true,
	"contains": true, "!contains": true, "contains_cs": true, "!contains_cs": true,
	"startswith": true, "!startswith": true, "startswith_cs": true, "!startswith_cs": true,
	"endswith": true, "!endswith": true, "endswith_cs": true, "!endswith_cs": true,
	"matches regex": true,
}

func (b *binder) bindBinary(sc *scope, row *rowScope, x *ast.BinaryExpr) Expr {
	op := x.Op
	if c, ok := legacyOps[op]; ok {
		op = c
	}
	span := x.Span()
	switch op {
	case "like", "notlike", "likecs", "notlikecs", "!like":
		b.unsupported(x.OpPos, "the legacy %s operator is not supported; use contains or matches regex", op)
		return unknownExpr(span)
	}
	if _, star := x.X.(*ast.StarExpr); star {
		return b.bindStarPredicate(sc, row, x, op)
	}
	l := b.bindScalar(sc, row, x.X)
	r := b.bindScalar(sc, row, x.Y)
	if isUnknown(l) || isUnknown(r) {
		return unknownExpr(span)
	}
	lt, rt := l.Type(), r.Type()
	switch {
	case op == "and" || op == "or":
		for _, side := range []Expr{l, r} {
			t := side.Type()
			if t != types.Bool && t != types.Dynamic && t != types.Null {
				b.errorf(side.Span(), "%s needs bool operands, but this is %s", op, t)
				return unknownExpr(span)
			}
		}
		return &Call{Name: op, Args: []Expr{l, r}, T: types.Bool, Pos: span}
	case stringOps[op]:
		if op == "matches regex" {
			if c, ok := fold(r); ok {
				if _, err := CompileRegex(c.String()); err != nil {
					b.errorf(r.Span(), "invalid regular expression: %v", err)
					return unknownExpr(span)
				}
			}
		}
		if rt != types.String && rt != types.Dynamic && rt != types.Null && !(op == "=~" || op == "!~") {
			b.errorf(r.Span(), "%s needs a string on its right, got %s", op, rt)
			return unknownExpr(span)
		}
		if (op == "=~" || op == "!~") && !textLike(lt, rt) {
			b.errorf(x.OpPos, "cannot compare %s with %s using %s", lt, rt, op)
			return unknownExpr(span)
		}
		return &Call{Name: op, Args: []Expr{l, r}, T: types.Bool, Pos: span}
	case op == "==" || op == "!=" || op == "<" || op == "<=" || op == ">" || op == ">=":
		l, r, ok := b.comparable(l, r, x.OpPos, op)
		if !ok {
			return unknownExpr(span)
		}
		return &Call{Name: op, Args: []Expr{l, r}, T: types.Bool, Pos: span}
	case op == "+" || op == "-" || op == "*" || op == "/" || op == "%":
		t, ok := arithType(op, lt, rt)
		if !ok {
			b.errorf(x.OpPos, "cannot apply %s to %s and %s", op, lt, rt)
			return unknownExpr(span)
		}
		call := &Call{Name: op, Args: []Expr{l, r}, T: t, Pos: span}
		return call
	}
	b.errorf(x.OpPos, "unknown operator %s", x.Op)
	return unknownExpr(span)
}

func textLike(a, b types.Type) bool {
	ok := func(t types.Type) bool {
		return t == types.String || t == types.Dynamic || t == types.Null || t == types.Guid
	}
	return ok(a) && ok(b)
}

// comparable checks the operands of a comparison and converts a string
// literal compared with a datetime (or timespan/guid) into that type.
func (b *binder) comparable(l, r Expr, opSpan token.Span, op string) (Expr, Expr, bool) {
	lt, rt := l.Type(), r.Type()
	conv := func(lit Expr, to types.Type) (Expr, bool) {
		c, ok := fold(lit)
		if !ok || c.Type != types.String {
			return lit, false
		}
		switch to {
		case types.Datetime:
			if t, ok := types.ParseDatetime(c.S); ok {
				return &Const{V: types.NewDatetime(t), Pos: lit.Span()}, true
			}
		case types.Timespan:
			if t, ok := types.ParseTimespan(c.S); ok {
				return &Const{V: types.NewTimespan(t), Pos: lit.Span()}, true
			}
		case types.Guid:
			if guidRE.MatchString(c.S) {
				return &Const{V: types.NewGuid(strings.ToLower(c.S)), Pos: lit.Span()}, true
			}
		}
		return lit, false
	}
	if lt == rt || lt == types.Null || rt == types.Null {
		return l, r, true
	}
	if lt.IsNumeric() && rt.IsNumeric() {
		return l, r, true
	}
	// A bool compares with a number for equality (IsLocalAdmin == 1).
	if (op == "==" || op == "!=") && (lt == types.Bool && rt.IsNumeric() || rt == types.Bool && lt.IsNumeric()) {
		return l, r, true
	}
	if lt == types.Dynamic || rt == types.Dynamic {
		if lt == types.Dynamic && rt == types.Dynamic && op != "==" && op != "!=" {
			b.errorf(opSpan, "cannot compare two dynamic values with %s; convert one side first", op)
			return l, r, false
		}
		return l, r, true
	}
	if lt == types.String {
		if nl, ok := conv(l, rt); ok {
			return nl, r, true
		}
	}
	if rt == types.String {
		if nr, ok := conv(r, lt); ok {
			return l, nr, true
		}
	}
	if lt == types.Guid && rt == types.String || lt == types.String && rt == types.Guid {
		return l, r, true
	}
	b.errorf(opSpan, "cannot compare %s with %s", lt, rt)
	return l, r, false
}

// arithType returns the result type of l op r.
func arithType(op string, l, r types.Type) (types.Type, bool) {
	if l == types.Null {
		l = r
	}
	if r == types.Null {
		r = l
	}
	if l == types.Dynamic && r == types.Dynamic {
		return types.Dynamic, true
	}
	if l == types.Dynamic {
		l = dynPartner(r)
	}
	if r == types.Dynamic {
		r = dynPartner(l)
	}
	switch {
	case l.IsNumeric() && r.IsNumeric():
		t, err := builtins.NumericPromote(l, r)
		return t, err == nil
	case l == types.Datetime && r == types.Datetime:
		return types.Timespan, op == "-"
	case l == types.Datetime && r == types.Timespan:
		return types.Datetime, op == "+" || op == "-"
	case l == types.Timespan && r == types.Datetime:
		return types.Datetime, op == "+"
	case l == types.Timespan && r == types.Timespan:
		switch op {
		case "+", "-", "%":
			return types.Timespan, true
		case "/":
			return types.Real, true
		}
	case l == types.Timespan && r.IsNumeric():
		return types.Timespan, op == "*" || op == "/"
	case l.IsNumeric() && r == types.Timespan:
		return types.Timespan, op == "*"
	}
	return types.Unknown, false
}

func dynPartner(t types.Type) types.Type {
	switch t {
	case types.Datetime, types.Timespan:
		return t
	case types.Int, types.Long:
		return types.Long
	}
	return types.Real
}

// Between binds X between (Lo .. Hi).
func (b *binder) bindBetween(sc *scope, row *rowScope, x *ast.BetweenExpr) Expr {
	v := b.bindScalar(sc, row, x.X)
	lo := b.bindScalar(sc, row, x.Lo)
	hi := b.bindScalar(sc, row, x.Hi)
	if isUnknown(v) || isUnknown(lo) || isUnknown(hi) {
		return unknownExpr(x.Pos)
	}
	if v.Type() == types.Datetime && hi.Type() == types.Timespan {
		hi = &Call{Name: "+", Args: []Expr{lo, hi}, T: types.Datetime, Pos: hi.Span()}
	}
	var ok bool
	if _, lo, ok = b.comparable(v, lo, lo.Span(), "between"); !ok {
		return unknownExpr(x.Pos)
	}
	if _, hi, ok = b.comparable(v, hi, hi.Span(), "between"); !ok {
		return unknownExpr(x.Pos)
	}
	return &Between{Not: x.Not, X: v, Lo: lo, Hi: hi, Pos: x.Pos}
}

func (b *binder) bindIn(sc *scope, row *rowScope, x *ast.InExpr) Expr {
	v := b.bindScalar(sc, row, x.X)
	out := &InList{Op: x.Op, X: v, Pos: x.Pos}
	failed := isUnknown(v)
	for _, item := range x.List {
		e, n := b.bindAny(sc, row, item)
		switch {
		case n != nil:
			if len(n.Schema()) == 0 {
				b.errorf(item.Span(), "the tabular expression in %s has no column", x.Op)
				failed = true
			}
			out.Tabular = append(out.Tabular, n)
		case e != nil && isUnknown(e):
			failed = true
		case e != nil:
			if s, ok := e.(*Scalar); ok {
				// A parenthesised subquery used as a list: its first column.
				out.Tabular = append(out.Tabular, s.Input)
				continue
			}
			out.Items = append(out.Items, e)
		}
	}
	if failed {
		return unknownExpr(x.Pos)
	}
	switch x.Op {
	case "has_any", "has_all", "in~", "!in~":
		for _, it := range out.Items {
			if t := it.Type(); t != types.String && t != types.Dynamic && t != types.Null && !(x.Op == "in~" || x.Op == "!in~") {
				b.errorf(it.Span(), "%s needs string items, got %s", x.Op, t)
				return unknownExpr(x.Pos)
			}
		}
	}
	return out
}

// todayAt binds a datetime literal that gives only a time of day, such as
// datetime("8:00:00 AM"): Kusto fills in the current date, which offline is
// the date of the query's reference time, startofday(now()) + tod.
func (b *binder) todayAt(tod int64, pos token.Span) Expr {
	nowFn, _ := builtins.Lookup("now")
	sod, _ := builtins.Lookup("startofday")
	today := &Call{Name: "startofday", Func: sod, Args: []Expr{&Call{Name: "now", Func: nowFn, T: types.Datetime, Pos: pos}}, T: types.Datetime, Pos: pos}
	return &Call{Name: "+", Args: []Expr{today, &Const{V: types.NewTimespan(tod), Pos: pos}}, T: types.Datetime, Pos: pos}
}
