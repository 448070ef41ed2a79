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
	// Window is set when Pred uses window functions: the input is then
	// evaluated as one ordered batch.
	Window bool
}

// Project computes a new row from expressions over the input (project,
// extend, project-away, project-rename, project-reorder, project-keep all
// bind to this).
type Project struct {
	Input   Node
	Exprs   []Expr
	Columns table.Schema
	// Window is set when Exprs use window functions: the input is then
	// evaluated as one ordered batch.
	Window bool
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

// ---------------------------------------------------------------------------
// Further tabular nodes: expansion, parsing, windows, series, sources.

// MvExpand is mv-expand: each input row becomes one row per element of the
// expanded values (several expanded values are zipped, shorter ones padded
// with nulls). Output column j is input column Pass[j] repeated, or
// expanded value Expand[j], or (IndexCol) the 0-based element index.
type MvExpand struct {
	Input Node
	// Exprs are the values to expand (dynamic arrays or bags).
	Exprs []Expr
	// ToTypes is the element type of each expanded value: dynamic, or the
	// type of `to typeof(T)`, which converts element by element.
	ToTypes []types.Type
	Pass    []int
	Expand  []int
	// IndexCol is the output column of with_itemindex, or -1.
	IndexCol int
	// BagArray expands a property bag into [key, value] arrays
	// (bagexpansion=array) instead of single-property bags.
	BagArray bool
	// Limit is the most rows one input row expands to.
	Limit   int64
	Columns table.Schema
}

// ParseCapture is one column captured by parse.
type ParseCapture struct {
	// Group is the regexp group holding the text.
	Group int
	// Out is the output column it fills.
	Out int
	T   types.Type
}

// Parse is parse and parse-where: X (as text) is matched against the
// regular expression Pattern, and each capture fills an output column.
// Output column j is input column Pass[j], or a capture (Pass[j] < 0).
type Parse struct {
	Input    Node
	X        Expr
	Pattern  string
	Captures []ParseCapture
	// Relaxed converts each capture on its own (kind=relaxed); otherwise a
	// failed conversion blanks every capture of the row.
	Relaxed bool
	// Where drops rows that do not match (parse-where).
	Where   bool
	Pass    []int
	Columns table.Schema
}

// Serialize marks its input as serialized (ordered) for window functions.
type Serialize struct {
	Input Node
}

// Window is a window function over a serialized row set: row_number,
// prev, next, row_cumsum, row_rank_min, row_rank_dense. The operator that
// holds it evaluates its input as one ordered batch.
type Window struct {
	Name string
	Args []Expr
	T    types.Type
	Pos  token.Span
}

// Range is `range Name from From to To step Step` (To inclusive).
type Range struct {
	From, To, Step Expr
	Columns        table.Schema
}

// Sample returns up to N rows chosen at random.
type Sample struct {
	Input Node
	N     int64
}

// SampleDistinct returns up to N distinct values of X.
type SampleDistinct struct {
	Input   Node
	N       int64
	X       Expr
	Columns table.Schema
}

// Materialize caches the result of Input: it is computed once per run
// however many times it is read.
type Materialize struct {
	Input Node
}

// TopNestedLevel is one level of top-nested: the top N values of Of by
// Agg (N < 0: all values), with an optional row for the others.
type TopNestedLevel struct {
	N    int64
	Of   Expr
	Agg  *AggCall
	Desc bool
	// Others, when set, is the value of Of in the row that aggregates the
	// values below the top N (`with others = Value`).
	Others *types.Value
}

// TopNested is top-nested: the output has, per level, the Of value and
// its aggregate (and, when asked, the level's rank).
type TopNested struct {
	Input   Node
	Levels  []TopNestedLevel
	Columns table.Schema
}

// MakeSeries is make-series: per group of Keys, each aggregate is computed
// per bin of On (From <= On < To, bins of Step) into a dynamic array, empty
// bins holding Defaults[i]. Output: the keys, one array per aggregate, then
// the bin start times as an array named after On.
type MakeSeries struct {
	Input    Node
	Keys     []Expr
	Aggs     []*AggCall
	Defaults []types.Value
	On       Expr
	// From and To may be nil: the series then starts at the first bin
	// with data and ends after the last one, per group.
	From, To, Step Expr
	// InRange is the `in range(From, To, Step)` form: To is inclusive and
	// bins are aligned on multiples of Step rather than on From.
	InRange bool
	// NonEmpty (kind=nonempty) outputs one row of defaults for an empty
	// input without keys.
	NonEmpty bool
	Columns  table.Schema
}

// ApplyRows is the implicit input of an mv-apply subquery: the expanded
// rows of one input row.
type ApplyRows struct {
	Columns table.Schema
}

// MvApply is mv-apply: each input row is expanded (Expand, whose input is
// that single row) and Sub runs over the expansion; the output is the
// union of the results, each row prefixed with the input row's columns
// Keep.
type MvApply struct {
	Input  Node
	Expand *MvExpand
	Rows   *ApplyRows
	Sub    Node
	Keep   []int
	// SubCols are the columns of Sub that are output after Keep.
	SubCols []int
	Columns table.Schema
}

// Partition is `partition by Key (Subquery)`: Sub runs over the rows of
// each distinct value of Key (given through Rows), and the output is the
// union of the results.
type Partition struct {
	Input Node
	Key   Expr
	Rows  *ApplyRows
	Sub   Node
}

// QueryNow runs Input with Now (datetime ticks) as the reference time of
// now() and ago(): `set query_now = datetime(...)`.
type QueryNow struct {
	Input Node
	Now   int64
}

// External reads a local file standing for an externaldata URL.
type External struct {
	URLs    []string
	Format  string
	Columns table.Schema
	// IgnoreFirst skips the first record of each file
	// (ignoreFirstRecord=true).
	IgnoreFirst bool
	Pos         token.Span
}

// BagUnpack is evaluate bag_unpack: the bag column Col is replaced by one
// column per property. Output column j is input column Pass[j], or the
// property Keys[j] of the bag (Pass[j] < 0).
type BagUnpack struct {
	Input   Node
	Col     int
	Pass    []int
	Keys    []string
	Columns table.Schema
	// Unprobed is set when the binder had no data to learn the properties
	// from (see Prober): the columns are a guess that suits checking a
	// query, not running it.
	Unprobed bool
}

// Pivot is evaluate pivot(Col [, Agg [, Keys...]]): one column per value
// of Col, holding Agg over the rows with that value, grouped by Keys.
type Pivot struct {
	Input Node
	// Col is the pivoted column; Values its distinct values, in output
	// order.
	Col    Expr
	Values []types.Value
	Agg    *AggCall
	Keys   []Expr
	// Columns are the keys, then one column per value.
	Columns table.Schema
	// Unprobed is set when the binder had no data to learn the values
	// from (see Prober); such a node cannot run.
	Unprobed bool
}

func (e *Window) Type() types.Type { return e.T }
func (e *Window) Span() token.Span { return e.Pos }
func (*Window) boundExpr()         {}

// Schema implementations.
func (n *MvExpand) Schema() table.Schema       { return n.Columns }
func (n *Parse) Schema() table.Schema          { return n.Columns }
func (n *Serialize) Schema() table.Schema      { return n.Input.Schema() }
func (n *Range) Schema() table.Schema          { return n.Columns }
func (n *Sample) Schema() table.Schema         { return n.Input.Schema() }
func (n *SampleDistinct) Schema() table.Schema { return n.Columns }
func (n *Materialize) Schema() table.Schema    { return n.Input.Schema() }
func (n *TopNested) Schema() table.Schema      { return n.Columns }
func (n *MakeSeries) Schema() table.Schema     { return n.Columns }
func (n *ApplyRows) Schema() table.Schema      { return n.Columns }
func (n *MvApply) Schema() table.Schema        { return n.Columns }
func (n *External) Schema() table.Schema       { return n.Columns }
func (n *Partition) Schema() table.Schema      { return n.Sub.Schema() }
func (n *QueryNow) Schema() table.Schema       { return n.Input.Schema() }
func (n *BagUnpack) Schema() table.Schema      { return n.Columns }
func (n *Pivot) Schema() table.Schema          { return n.Columns }

func (*MvExpand) boundNode()       {}
func (*Parse) boundNode()          {}
func (*Serialize) boundNode()      {}
func (*Range) boundNode()          {}
func (*Sample) boundNode()         {}
func (*SampleDistinct) boundNode() {}
func (*Materialize) boundNode()    {}
func (*TopNested) boundNode()      {}
func (*MakeSeries) boundNode()     {}
func (*ApplyRows) boundNode()      {}
func (*MvApply) boundNode()        {}
func (*External) boundNode()       {}
func (*Partition) boundNode()      {}
func (*QueryNow) boundNode()       {}
func (*BagUnpack) boundNode()      {}
func (*Pivot) boundNode()          {}

// Inputs returns the tabular inputs of n (none for a source), so that a
// caller can walk a bound tree without knowing every node type. Tabular
// expressions used as scalars (toscalar, in lists) are not included.
func Inputs(n Node) []Node {
	switch x := n.(type) {
	case *Filter:
		return []Node{x.Input}
	case *Project:
		return []Node{x.Input}
	case *Summarize:
		return []Node{x.Input}
	case *Take:
		return []Node{x.Input}
	case *Sort:
		return []Node{x.Input}
	case *Top:
		return []Node{x.Input}
	case *Count:
		return []Node{x.Input}
	case *Distinct:
		return []Node{x.Input}
	case *Union:
		return x.Inputs
	case *Join:
		return []Node{x.Left, x.Right}
	case *MvExpand:
		return []Node{x.Input}
	case *Parse:
		return []Node{x.Input}
	case *Serialize:
		return []Node{x.Input}
	case *Sample:
		return []Node{x.Input}
	case *SampleDistinct:
		return []Node{x.Input}
	case *Materialize:
		return []Node{x.Input}
	case *TopNested:
		return []Node{x.Input}
	case *MakeSeries:
		return []Node{x.Input}
	case *MvApply:
		return []Node{x.Input, x.Sub}
	case *Partition:
		return []Node{x.Input, x.Sub}
	case *QueryNow:
		return []Node{x.Input}
	case *BagUnpack:
		return []Node{x.Input}
	case *Pivot:
		return []Node{x.Input}
	}
	return nil
}
