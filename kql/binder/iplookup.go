package binder

import (
	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// IPLookup is evaluate ipv4_lookup or ipv6_lookup: each input row is joined
// with the rows of Lookup whose IP range (IP-prefix notation) holds the
// row's address and whose ExtraKeys equal the row's.
type IPLookup struct {
	Input  Node
	Lookup Node
	// V6 selects ipv6_lookup (IPv6 and IPv4 addresses) over ipv4_lookup
	// (IPv4 addresses only).
	V6 bool
	// SourceKey and LookupKey are the address columns of Input and Lookup.
	SourceKey, LookupKey int
	// SourceExtra and LookupExtra are the extra equality keys, pairwise.
	SourceExtra, LookupExtra []Expr
	// ReturnUnmatched keeps the input rows that match nothing, with nulls
	// for the lookup columns.
	ReturnUnmatched bool
	// LookupCols are the columns of Lookup in the output, after every
	// column of Input.
	LookupCols []int
	Columns    table.Schema
}

// Schema implements Node.
func (n *IPLookup) Schema() table.Schema { return n.Columns }
func (*IPLookup) boundNode()             {}

// bindIPLookup binds `evaluate ipv4_lookup(LookupTable, SourceIPv4Key,
// IPv4LookupKey [, ExtraKey1, ...] [, return_unmatched])` and its
// ipv6_lookup twin, following the Kusto plugin reference:
//   - "The schema of the table is the union of the source table and the
//     lookup table, similar to the result of the lookup operator": every
//     input column, then the lookup table's columns without the extra keys
//     (which, as lookup's `on` keys, appear once), a clashing name renamed
//     as join renames it;
//   - extra keys are "column references ... [that] must exist both in
//     source table T and LookupTable", matched "similar to join operation:
//     records with equal values are considered matching";
//   - return_unmatched is a bool (default false), given last, by position
//     or as return_unmatched=true.
//
// The ipv6_lookup page documents no extra keys; they are accepted for both
// plugins alike.
func (b *binder) bindIPLookup(sc *scope, in Node, x *ast.EvaluateOp) Node {
	name := x.Call.Fun.Name
	pos, named := pluginArgs(x.Call)
	if len(pos) < 3 {
		b.errorf(x.Call.Pos, "%s takes a lookup table, the source address column and the lookup address column", name)
		return nil
	}
	lookup := b.bindTabular(sc, pos[0])
	if lookup == nil {
		return nil
	}
	ls, rs := in.Schema(), lookup.Schema()
	column := func(e ast.Expr, s table.Schema, what string) int {
		id, ok := unparen(e).(*ast.Ident)
		if !ok {
			b.errorf(e.Span(), "%s: the %s must be a column name", name, what)
			return -1
		}
		i := s.Index(id.Name)
		if i < 0 {
			b.errorf(id.Pos, "%s: %s is not a column of the %s%s", name, id.Name, what, suggestColumn(id.Name, s, nil))
			return -1
		}
		if s[i].Type != types.String {
			b.errorf(id.Pos, "%s: the address column %s must be a string, not %s", name, id.Name, s[i].Type)
			return -1
		}
		return i
	}
	n := &IPLookup{Input: in, Lookup: lookup, V6: name == "ipv6_lookup"}
	if n.SourceKey = column(pos[1], ls, "source table"); n.SourceKey < 0 {
		return nil
	}
	if n.LookupKey = column(pos[2], rs, "lookup table"); n.LookupKey < 0 {
		return nil
	}
	var flag ast.Expr
	rest := pos[3:]
	if len(rest) > 0 {
		last := rest[len(rest)-1]
		if id, ok := unparen(last).(*ast.Ident); !ok || ls.Index(id.Name) < 0 {
			flag, rest = last, rest[:len(rest)-1]
		}
	}
	if e, ok := named["return_unmatched"]; ok {
		if flag != nil {
			b.errorf(e.Span(), "%s: return_unmatched is given twice", name)
			return nil
		}
		flag = e
		delete(named, "return_unmatched")
	}
	for k, e := range named {
		b.errorf(e.Span(), "%s: unknown argument %s", name, k)
		return nil
	}
	if flag != nil {
		v := b.bindScalar(sc, nil, flag)
		if isUnknown(v) {
			return nil
		}
		c, ok := fold(v)
		if !ok || c.Type != types.Bool {
			b.errorf(flag.Span(), "%s: return_unmatched must be a constant bool", name)
			return nil
		}
		n.ReturnUnmatched = !c.Null && c.Bool()
	}
	extra := map[int]bool{}
	for _, e := range rest {
		id, ok := unparen(e).(*ast.Ident)
		if !ok {
			b.errorf(e.Span(), "%s: extra keys must be column names", name)
			return nil
		}
		li, ri := ls.Index(id.Name), rs.Index(id.Name)
		if li < 0 || ri < 0 {
			side := "source"
			if li >= 0 {
				side = "lookup"
			}
			b.errorf(id.Pos, "%s: the extra key %s is not a column of the %s table", name, id.Name, side)
			return nil
		}
		lt, rt := ls[li].Type, rs[ri].Type
		if lt != rt && !(lt.IsNumeric() && rt.IsNumeric()) {
			b.errorf(id.Pos, "%s: the extra key %s has different types: %s and %s", name, id.Name, lt, rt)
			return nil
		}
		n.SourceExtra = append(n.SourceExtra, &ColumnRef{Index: li, Name: id.Name, T: lt, Pos: id.Pos})
		n.LookupExtra = append(n.LookupExtra, &ColumnRef{Index: ri, Name: id.Name, T: rt, Pos: id.Pos})
		extra[ri] = true
	}
	names := newNameSet()
	for _, f := range ls {
		n.Columns = append(n.Columns, table.Field{Name: names.add(f.Name), Type: f.Type})
	}
	for i, f := range rs {
		if extra[i] {
			continue
		}
		n.LookupCols = append(n.LookupCols, i)
		n.Columns = append(n.Columns, table.Field{Name: names.add(f.Name), Type: f.Type})
	}
	return n
}
