package binder

import (
	"github.com/rmmhunt/rmmhunt/kql/builtins"
	"github.com/rmmhunt/rmmhunt/kql/token"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// Expr is a bound scalar expression: every name resolved, every node typed.
type Expr interface {
	// Type is the KQL type of the expression's value.
	Type() types.Type
	// Span is the source range it was bound from.
	Span() token.Span
	boundExpr()
}

// ColumnRef reads column Index of the operator's input.
type ColumnRef struct {
	Index int
	Name  string
	T     types.Type
	Pos   token.Span
}

// Const is a constant value.
type Const struct {
	V   types.Value
	Pos token.Span
}

// Now is now() plus an offset: the query's reference time, captured once per
// query (every now()/ago() of a query sees the same instant).
type Now struct {
	Offset Expr // nil, or a timespan expression added to the reference time
	Neg    bool // ago(): subtract Offset instead
	Pos    token.Span
}

// Call is a call of a scalar built-in or an operator. Name is the canonical
// function or operator name ("has", "==", "+", "tolower", ...).
type Call struct {
	Name string
	Func *builtins.Func // nil for operators
	Args []Expr
	T    types.Type
	Pos  token.Span
}

// InList is `X in (...)` and its relatives. Op is one of "in", "!in", "in~",
// "!in~", "has_any", "has_all". Items are scalar expressions (a dynamic array
// item is spliced at run time); Tabular, if set, supplies further items from
// the first column of a tabular expression.
type InList struct {
	Op      string
	X       Expr
	Items   []Expr
	Tabular []Node
	Pos     token.Span
}

// Between is `X between (Lo .. Hi)` (inclusive); Not negates it.
type Between struct {
	Not    bool
	X      Expr
	Lo, Hi Expr
	Pos    token.Span
}

// Scalar evaluates a tabular expression to one scalar: toscalar(T), or a
// tabular let name used where a scalar is expected.
type Scalar struct {
	Input Node
	T     types.Type
	Pos   token.Span
}

func (e *ColumnRef) Type() types.Type { return e.T }
func (e *Const) Type() types.Type     { return e.V.Type }
func (e *Now) Type() types.Type       { return types.Datetime }
func (e *Call) Type() types.Type      { return e.T }
func (e *InList) Type() types.Type    { return types.Bool }
func (e *Between) Type() types.Type   { return types.Bool }
func (e *Scalar) Type() types.Type    { return e.T }

func (e *ColumnRef) Span() token.Span { return e.Pos }
func (e *Const) Span() token.Span     { return e.Pos }
func (e *Now) Span() token.Span       { return e.Pos }
func (e *Call) Span() token.Span      { return e.Pos }
func (e *InList) Span() token.Span    { return e.Pos }
func (e *Between) Span() token.Span   { return e.Pos }
func (e *Scalar) Span() token.Span    { return e.Pos }

func (*ColumnRef) boundExpr() {}
func (*Const) boundExpr()     {}
func (*Now) boundExpr()       {}
func (*Call) boundExpr()      {}
func (*InList) boundExpr()    {}
func (*Between) boundExpr()   {}
func (*Scalar) boundExpr()    {}

// ---------------------------------------------------------------------------
// Tabular nodes

// Node is a bound tabular operator. Its output schema is final: column names
// follow Kusto's naming rules and types are known.
type Node interface {
	Schema() table.Schema
	boundNode()
}

// Scan reads a table. Columns are the output columns; Source[i] is the name
// of the stored column that feeds output column i ("" = always null; an alias
// such as TimeGenerated reads Timestamp when the data has no TimeGenerated).
type Scan struct {
	Table   string
	Columns table.Schema
	Source  []string
	Pos     token.Span
}

// Values is a literal table (datatable, print).
type Values struct {
	Columns table.Schema
	Rows    [][]types.Value
}

// Filter keeps rows whose predicate is true.
type Filter struct {
	Input Node
	Pred  Expr
}

// Project computes a new row from expressions over the input (project,
// extend, project-away, project-rename, project-reorder, project-keep all
// bind to this).
type Project struct {
	Input   Node
	Exprs   []Expr
	Columns table.Schema
}

// AggCall is one aggregate of a summarize.
type AggCall struct {
	Name string // canonical aggregate name (make_set, arg_max, ...)
	Args []Expr
	// Star is true for arg_max(x, *)/arg_min(x, *): the extra result
	// columns are given by Extra.
	Extra []Expr
	T     types.Type
	// Columns is how many output columns the aggregate produces (1, or
	// 1+len(Extra) for arg_max/arg_min/take_any with several args).
	Columns int
	Pos     token.Span
}

// Summarize groups by Keys and computes Aggs per group. Output: the keys,
// then one column per aggregate result; Post, when set, computes the final
// columns from that intermediate row (aggregates wrapped in scalar code).
type Summarize struct {
	Input Node
	Keys  []Expr
	Aggs  []*AggCall
	// Inter is the schema of keys + aggregate results.
	Inter table.Schema
	// Post computes the output columns from Inter (nil: output = Inter).
	Post    []Expr
	Columns table.Schema
}

// Take keeps at most N rows.
type Take struct {
	Input Node
	N     int64
}

// SortKey is one sort key.
type SortKey struct {
	X          Expr
	Desc       bool
	NullsFirst bool
}

// Sort orders rows (stable).
type Sort struct {
	Input Node
	Keys  []SortKey
}

// Top is Sort followed by Take.
type Top struct {
	Input Node
	N     int64
	Keys  []SortKey
}

// Count is the count operator: one row, one long column "Count".
type Count struct {
	Input Node
}

// Distinct keeps distinct combinations of Exprs.
type Distinct struct {
	Input   Node
	Exprs   []Expr
	Columns table.Schema
}

// Union concatenates its inputs, matching columns by name. Map[i][j] is the
// column of input i that feeds output column j, or -1 for null.
type Union struct {
	Inputs     []Node
	Map        [][]int
	Columns    table.Schema
	SourceCol  bool     // withsource: output column 0 names the leg
	SourceName []string // per input, when SourceCol
}

// Join combines Left and Right rows whose keys are equal. Kind is the
// canonical join kind (innerunique, inner, leftouter, rightouter, fullouter,
// leftsemi, leftanti, rightsemi, rightanti). Output columns: LeftCols of the
// left row then RightCols of the right row (indexes), per kind.
type Join struct {
	Kind      string
	Left      Node
	Right     Node
	LeftKeys  []Expr
	RightKeys []Expr
	LeftCols  []int
	RightCols []int
	Columns   table.Schema
}

// Schema implementations.
func (n *Scan) Schema() table.Schema      { return n.Columns }
func (n *Values) Schema() table.Schema    { return n.Columns }
func (n *Filter) Schema() table.Schema    { return n.Input.Schema() }
func (n *Project) Schema() table.Schema   { return n.Columns }
func (n *Summarize) Schema() table.Schema { return n.Columns }
func (n *Take) Schema() table.Schema      { return n.Input.Schema() }
func (n *Sort) Schema() table.Schema      { return n.Input.Schema() }
func (n *Top) Schema() table.Schema       { return n.Input.Schema() }
func (n *Count) Schema() table.Schema {
	return table.Schema{{Name: "Count", Type: types.Long}}
}
func (n *Distinct) Schema() table.Schema { return n.Columns }
func (n *Union) Schema() table.Schema    { return n.Columns }
func (n *Join) Schema() table.Schema     { return n.Columns }

func (*Scan) boundNode()      {}
func (*Values) boundNode()    {}
func (*Filter) boundNode()    {}
func (*Project) boundNode()   {}
func (*Summarize) boundNode() {}
func (*Take) boundNode()      {}
func (*Sort) boundNode()      {}
func (*Top) boundNode()       {}
func (*Count) boundNode()     {}
func (*Distinct) boundNode()  {}
func (*Union) boundNode()     {}
func (*Join) boundNode()      {}
