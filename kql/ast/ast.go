// Package ast declares the syntax tree of a KQL query.
//
// Every node records the byte span of the source it was parsed from. The tree
// is purely syntactic: names are not resolved and nothing is typed (that is the
// binder's job). Scalar and tabular expressions share the Expr interface,
// because KQL decides which one a name is only once it is bound (a `let` name
// may be a table or a scalar).
package ast

import "github.com/rmmhunt/rmmhunt/kql/token"

// Node is any node of the tree.
type Node interface {
	// Span is the source range of the node.
	Span() token.Span
	node()
}

// Expr is a scalar or tabular expression.
type Expr interface {
	Node
	exprNode()
}

// Stmt is a statement of a query.
type Stmt interface {
	Node
	stmtNode()
}

// Operator is one tabular operator after a pipe (`| where ...`).
type Operator interface {
	Node
	opNode()
}

// Query is a whole query: statements separated by semicolons. Exactly one
// statement is normally an ExprStmt (the tabular expression whose result is
// returned); the parser does not enforce it, the binder does.
type Query struct {
	Stmts []Stmt
	Pos   token.Span
}

// Span implements Node.
func (q *Query) Span() token.Span { return q.Pos }
func (*Query) node()              {}

// ---------------------------------------------------------------------------
// Statements

// LetStmt is `let Name = Value`. Value may be a scalar or tabular expression,
// or a *FuncLit for a user function or view.
type LetStmt struct {
	Name  *Ident
	Value Expr
	Pos   token.Span
}

// SetStmt is `set Name [= Value]` (a request option).
type SetStmt struct {
	Name  *Ident
	Value Expr // nil when no value is given
	Pos   token.Span
}

// DeclareStmt is `declare query_parameters(a:string = "x", ...)`.
type DeclareStmt struct {
	Params []*Param
	Pos    token.Span
}

// ExprStmt is a statement that is an expression (the query body).
type ExprStmt struct {
	X Expr
}

func (s *LetStmt) Span() token.Span     { return s.Pos }
func (s *SetStmt) Span() token.Span     { return s.Pos }
func (s *DeclareStmt) Span() token.Span { return s.Pos }

// Span implements Node.
func (s *ExprStmt) Span() token.Span { return s.X.Span() }

func (*LetStmt) node()         {}
func (*SetStmt) node()         {}
func (*DeclareStmt) node()     {}
func (*ExprStmt) node()        {}
func (*LetStmt) stmtNode()     {}
func (*SetStmt) stmtNode()     {}
func (*DeclareStmt) stmtNode() {}
func (*ExprStmt) stmtNode()    {}

// ---------------------------------------------------------------------------
// Scalar expressions

// Ident is a name: a column, table, let-bound name or function name.
type Ident struct {
	Name   string
	Quoted bool // written as ['name'] or ["name"]
	Pos    token.Span
}

// LitKind is the kind of a literal.
type LitKind int

// Literal kinds.
const (
	LitLong     LitKind = iota // 42
	LitReal                    // 4.2
	LitString                  // "x" (Value is the decoded, concatenated text)
	LitBool                    // true, false
	LitTimespan                // 5d (Value is the source text, e.g. "5d")
	LitNull                    // the bare word null (only inside dynamic literals)
)

// BasicLit is a literal written without a type keyword.
type BasicLit struct {
	Kind  LitKind
	Value string
	Pos   token.Span
}

// TypedLit is a literal written with a type keyword:
// datetime(2020-01-01), timespan(1.02:03:04), long(null), guid(...),
// int(5), real(nan), bool(true), decimal(1.5), dynamic(...) is DynamicLit.
// Text is the raw text between the parentheses, trimmed.
type TypedLit struct {
	Type string // the type keyword as written: datetime, date, timespan, time, long, int, real, double, bool, boolean, guid, decimal
	Text string
	Pos  token.Span
}

// DynamicLit is dynamic(...) whose content is a JSON-like value built from
// ArrayLit, BagLit and scalar literals.
type DynamicLit struct {
	Value Expr
	Pos   token.Span
}

// ArrayLit is `[a, b, ...]` inside a dynamic literal.
type ArrayLit struct {
	Elems []Expr
	Pos   token.Span
}

// BagLit is `{"k": v, ...}` inside a dynamic literal.
type BagLit struct {
	Keys []string
	Vals []Expr
	Pos  token.Span
}

// UnaryExpr is an arithmetic sign: `-x` or `+x`. (`not(x)` is a CallExpr.)
type UnaryExpr struct {
	Op  string // "-" or "+"
	X   Expr
	Pos token.Span
}

// BinaryExpr is `X Op Y`. Op is the operator as written in canonical form:
// "and", "or", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "%",
// "=~", "!~", "has", "!has", "has_cs", "!has_cs", "hasprefix", ..., "contains",
// "!contains", "contains_cs", "startswith", "endswith", "matches regex", "like"...
// The negated word operators keep their "!" prefix.
type BinaryExpr struct {
	Op    string
	OpPos token.Span
	X, Y  Expr
}

// InExpr is `X Op (List...)` for Op in "in", "!in", "in~", "!in~",
// "has_any", "has_all". A list item may be a scalar, a dynamic array or a
// tabular expression (the parser keeps what it saw; the binder decides).
type InExpr struct {
	Op    string
	OpPos token.Span
	X     Expr
	List  []Expr
	Pos   token.Span
}

// BetweenExpr is `X between (Lo .. Hi)` or `X !between (Lo .. Hi)`.
type BetweenExpr struct {
	Not    bool
	X      Expr
	Lo, Hi Expr
	Pos    token.Span
}

// CallExpr is a function call `Fun(Args...)`. Named arguments (name = value)
// are NamedExpr arguments.
type CallExpr struct {
	Fun  *Ident
	Args []Expr
	Pos  token.Span
}

// SelectorExpr is `X.Sel` (dynamic property access, or a qualified name such
// as $left.Col or database("x").T).
type SelectorExpr struct {
	X   Expr
	Sel *Ident
	Pos token.Span
}

// IndexExpr is `X[Index]`.
type IndexExpr struct {
	X     Expr
	Index Expr
	Pos   token.Span
}

// ParenExpr is `(X)`.
type ParenExpr struct {
	X   Expr
	Pos token.Span
}

// StarExpr is `*` used as an argument (arg_max(x, *)) or column list.
type StarExpr struct {
	Pos token.Span
}

// DollarIdent is `$left` or `$right` in a join condition.
type DollarIdent struct {
	Name string // "left" or "right"
	Pos  token.Span
}

// TypeExpr is a type name in `typeof(T)` or a parameter declaration. For a
// tabular schema `(a:long, b:string)` Columns is set; `(*)` sets Star.
type TypeExpr struct {
	Name    string // scalar type name, "" for a tabular schema
	Columns []*Param
	Star    bool
	Pos     token.Span
}

// NamedExpr is `Name = X` or `(A, B) = X` in a projection, summarize or
// call argument. Names is empty when no name is given.
type NamedExpr struct {
	Names []*Ident
	X     Expr
	Pos   token.Span
}

// FuncLit is a user function body: `(params) { stmts; expr }` or
// `view (params) { ... }`.
type FuncLit struct {
	View   bool
	Params []*Param
	Body   []Stmt // let statements followed by one ExprStmt
	Pos    token.Span
}

// Param is a declared parameter or column: `name: type [= default]`.
type Param struct {
	Name    *Ident
	Type    *TypeExpr
	Default Expr // nil when none
	Pos     token.Span
}

// Span implements Node for every expression.
func (x *Ident) Span() token.Span        { return x.Pos }
func (x *BasicLit) Span() token.Span     { return x.Pos }
func (x *TypedLit) Span() token.Span     { return x.Pos }
func (x *DynamicLit) Span() token.Span   { return x.Pos }
func (x *ArrayLit) Span() token.Span     { return x.Pos }
func (x *BagLit) Span() token.Span       { return x.Pos }
func (x *UnaryExpr) Span() token.Span    { return x.Pos }
func (x *BinaryExpr) Span() token.Span   { return x.X.Span().Join(x.Y.Span()) }
func (x *InExpr) Span() token.Span       { return x.Pos }
func (x *BetweenExpr) Span() token.Span  { return x.Pos }
func (x *CallExpr) Span() token.Span     { return x.Pos }
func (x *SelectorExpr) Span() token.Span { return x.Pos }
func (x *IndexExpr) Span() token.Span    { return x.Pos }
func (x *ParenExpr) Span() token.Span    { return x.Pos }
func (x *StarExpr) Span() token.Span     { return x.Pos }
func (x *DollarIdent) Span() token.Span  { return x.Pos }
func (x *TypeExpr) Span() token.Span     { return x.Pos }
func (x *NamedExpr) Span() token.Span    { return x.Pos }
func (x *FuncLit) Span() token.Span      { return x.Pos }
func (x *Param) Span() token.Span        { return x.Pos }

func (*Ident) node()        {}
func (*BasicLit) node()     {}
func (*TypedLit) node()     {}
func (*DynamicLit) node()   {}
func (*ArrayLit) node()     {}
func (*BagLit) node()       {}
func (*UnaryExpr) node()    {}
func (*BinaryExpr) node()   {}
func (*InExpr) node()       {}
func (*BetweenExpr) node()  {}
func (*CallExpr) node()     {}
func (*SelectorExpr) node() {}
func (*IndexExpr) node()    {}
func (*ParenExpr) node()    {}
func (*StarExpr) node()     {}
func (*DollarIdent) node()  {}
func (*TypeExpr) node()     {}
func (*NamedExpr) node()    {}
func (*FuncLit) node()      {}
func (*Param) node()        {}

func (*Ident) exprNode()        {}
func (*BasicLit) exprNode()     {}
func (*TypedLit) exprNode()     {}
func (*DynamicLit) exprNode()   {}
func (*ArrayLit) exprNode()     {}
func (*BagLit) exprNode()       {}
func (*UnaryExpr) exprNode()    {}
func (*BinaryExpr) exprNode()   {}
func (*InExpr) exprNode()       {}
func (*BetweenExpr) exprNode()  {}
func (*CallExpr) exprNode()     {}
func (*SelectorExpr) exprNode() {}
func (*IndexExpr) exprNode()    {}
func (*ParenExpr) exprNode()    {}
func (*StarExpr) exprNode()     {}
func (*DollarIdent) exprNode()  {}
func (*TypeExpr) exprNode()     {}
func (*NamedExpr) exprNode()    {}
func (*FuncLit) exprNode()      {}
func (*Param) exprNode()        {}

// ---------------------------------------------------------------------------
// Tabular expressions

// PipeExpr is `Source | Op`. A pipeline a | b | c is
// Pipe{Pipe{a, b}, c}.
type PipeExpr struct {
	Source Expr
	Op     Operator
	Pos    token.Span
}

// DatatableExpr is `datatable(a:long, b:string) [1, "x", ...]`.
type DatatableExpr struct {
	Columns []*Param
	Values  []Expr
	Pos     token.Span
}

// SourceOpExpr wraps an operator that starts a pipeline without input:
// union, range, print, find, search, externaldata, evaluate (plugin as source).
type SourceOpExpr struct {
	Op Operator
}

// Span implements Node.
func (x *PipeExpr) Span() token.Span      { return x.Pos }
func (x *DatatableExpr) Span() token.Span { return x.Pos }
func (x *SourceOpExpr) Span() token.Span  { return x.Op.Span() }

func (*PipeExpr) node()          {}
func (*DatatableExpr) node()     {}
func (*SourceOpExpr) node()      {}
func (*PipeExpr) exprNode()      {}
func (*DatatableExpr) exprNode() {}
func (*SourceOpExpr) exprNode()  {}

// ---------------------------------------------------------------------------
// Tabular operators

// OpParam is an operator parameter such as kind=inner, withsource=T,
// hint.strategy=shuffle, isfuzzy=true, with_itemindex=i.
type OpParam struct {
	Name  string // e.g. "kind", "hint.strategy", "withsource"
	Value Expr   // an *Ident for bare words such as kind=inner
	Pos   token.Span
}

// WhereOp is `where Pred` (also `filter`).
type WhereOp struct {
	Pred Expr
	Pos  token.Span
}

// ProjectOp is one of the column-list operators; Kind is "project",
// "extend", "project-away", "project-keep", "project-rename",
// "project-reorder". Columns are *NamedExpr (extend/project), or plain
// names/wildcard patterns (project-away/keep/reorder; a pattern is an *Ident
// whose Name contains '*'). project-reorder keeps its `asc`/`desc` suffix in
// Order.
type ProjectOp struct {
	Kind    string
	Columns []*NamedExpr
	Order   []string // project-reorder only: "", "asc", "desc", "granny-asc", "granny-desc" per column
	Pos     token.Span
}

// SummarizeOp is `summarize [params] Aggs [by Keys]`.
type SummarizeOp struct {
	Params []*OpParam
	Aggs   []*NamedExpr
	By     []*NamedExpr
	Pos    token.Span
}

// TakeOp is `take N` or `limit N`.
type TakeOp struct {
	N   Expr
	Pos token.Span
}

// SortKey is one key of sort/top: `Expr [asc|desc] [nulls first|last]`.
type SortKey struct {
	X     Expr
	Desc  bool   // true unless asc was written (KQL's default is desc)
	Nulls string // "", "first" or "last" as written
	Pos   token.Span
}

// SortOp is `sort by ...` / `order by ...`.
type SortOp struct {
	Keys []*SortKey
	Pos  token.Span
}

// TopOp is `top N by Key`.
type TopOp struct {
	N    Expr
	Keys []*SortKey
	Pos  token.Span
}

// CountOp is `count`.
type CountOp struct {
	Pos token.Span
}

// DistinctOp is `distinct a, b` or `distinct *`.
type DistinctOp struct {
	Columns []*NamedExpr // a single StarExpr column for distinct *
	Pos     token.Span
}

// JoinOp is `join [params] (Right) on Conds` (also `lookup`, with Lookup set).
// Conds are *Ident (same name both sides) or *BinaryExpr with $left/$right
// selectors.
type JoinOp struct {
	Lookup bool
	Params []*OpParam
	Right  Expr
	On     []Expr
	Pos    token.Span
}

// UnionOp is `union [params] T1, T2, ...`. As a pipeline operator the
// piped input is the first leg.
type UnionOp struct {
	Params []*OpParam
	Tables []Expr
	Pos    token.Span
}

// MvExpandOp is `mv-expand [params] Col [to typeof(T)], ... [limit N]`.
type MvExpandOp struct {
	Params  []*OpParam
	Columns []*MvExpandColumn
	Limit   Expr
	// Legacy is true for the deprecated spelling `mvexpand`, whose default
	// row limit is 128 instead of 2,147,483,647.
	Legacy bool
	Pos    token.Span
}

// MvExpandColumn is one expanded column.
type MvExpandColumn struct {
	X      *NamedExpr
	ToType *TypeExpr // nil unless `to typeof(T)`
	Pos    token.Span
}

// ParseOp is `parse [kind=...] [flags=...] X with Pattern...` (also
// `parse-where`, with Where set).
type ParseOp struct {
	Where   bool
	Params  []*OpParam
	X       Expr
	Pattern []*ParsePart
	Pos     token.Span
}

// ParsePart is one element of a parse pattern: a string literal, `*`, or a
// column `Name[:type]`.
type ParsePart struct {
	Lit    *BasicLit // for a literal
	Star   bool
	Column *Ident
	Type   *TypeExpr
	Pos    token.Span
}

// AsOp is `as [hint.materialized=true] Name`.
type AsOp struct {
	Params []*OpParam
	Name   *Ident
	Pos    token.Span
}

// GenericOp is an operator the parser recognises by name but whose syntax it
// does not model yet (e.g. render, make-series, evaluate). Its text is kept so
// that the binder can name it in an "unsupported" diagnostic; render-like
// operators may be accepted and ignored.
type GenericOp struct {
	Name string
	Args []Expr // best-effort parsed arguments, may be empty
	Text string
	Pos  token.Span
}

// RangeOp is `range x from A to B step S`.
type RangeOp struct {
	Name           *Ident
	From, To, Step Expr
	Pos            token.Span
}

// PrintOp is `print [Name =] X, ...`.
type PrintOp struct {
	Columns []*NamedExpr
	Pos     token.Span
}

// InvokeOp is `invoke F(args)`.
type InvokeOp struct {
	Call *CallExpr
	Pos  token.Span
}

// EvaluateOp is `evaluate [params] plugin(args)`.
type EvaluateOp struct {
	Params []*OpParam
	Call   *CallExpr
	Pos    token.Span
}

// Span implements Node.
func (x *WhereOp) Span() token.Span        { return x.Pos }
func (x *ProjectOp) Span() token.Span      { return x.Pos }
func (x *SummarizeOp) Span() token.Span    { return x.Pos }
func (x *TakeOp) Span() token.Span         { return x.Pos }
func (x *SortOp) Span() token.Span         { return x.Pos }
func (x *TopOp) Span() token.Span          { return x.Pos }
func (x *CountOp) Span() token.Span        { return x.Pos }
func (x *DistinctOp) Span() token.Span     { return x.Pos }
func (x *JoinOp) Span() token.Span         { return x.Pos }
func (x *UnionOp) Span() token.Span        { return x.Pos }
func (x *MvExpandOp) Span() token.Span     { return x.Pos }
func (x *ParseOp) Span() token.Span        { return x.Pos }
func (x *AsOp) Span() token.Span           { return x.Pos }
func (x *GenericOp) Span() token.Span      { return x.Pos }
func (x *RangeOp) Span() token.Span        { return x.Pos }
func (x *PrintOp) Span() token.Span        { return x.Pos }
func (x *InvokeOp) Span() token.Span       { return x.Pos }
func (x *EvaluateOp) Span() token.Span     { return x.Pos }
func (x *OpParam) Span() token.Span        { return x.Pos }
func (x *SortKey) Span() token.Span        { return x.Pos }
func (x *MvExpandColumn) Span() token.Span { return x.Pos }
func (x *ParsePart) Span() token.Span      { return x.Pos }

func (*WhereOp) node()        {}
func (*ProjectOp) node()      {}
func (*SummarizeOp) node()    {}
func (*TakeOp) node()         {}
func (*SortOp) node()         {}
func (*TopOp) node()          {}
func (*CountOp) node()        {}
func (*DistinctOp) node()     {}
func (*JoinOp) node()         {}
func (*UnionOp) node()        {}
func (*MvExpandOp) node()     {}
func (*ParseOp) node()        {}
func (*AsOp) node()           {}
func (*GenericOp) node()      {}
func (*RangeOp) node()        {}
func (*PrintOp) node()        {}
func (*InvokeOp) node()       {}
func (*EvaluateOp) node()     {}
func (*OpParam) node()        {}
func (*SortKey) node()        {}
func (*MvExpandColumn) node() {}
func (*ParsePart) node()      {}

func (*WhereOp) opNode()     {}
func (*ProjectOp) opNode()   {}
func (*SummarizeOp) opNode() {}
func (*TakeOp) opNode()      {}
func (*SortOp) opNode()      {}
func (*TopOp) opNode()       {}
func (*CountOp) opNode()     {}
func (*DistinctOp) opNode()  {}
func (*JoinOp) opNode()      {}
func (*UnionOp) opNode()     {}
func (*MvExpandOp) opNode()  {}
func (*ParseOp) opNode()     {}
func (*AsOp) opNode()        {}
func (*GenericOp) opNode()   {}
func (*RangeOp) opNode()     {}
func (*PrintOp) opNode()     {}
func (*InvokeOp) opNode()    {}
func (*EvaluateOp) opNode()  {}
