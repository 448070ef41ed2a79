package binder

import (
	"strconv"

	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/builtins"
)

// exprName returns the column name Kusto derives for an unnamed expression:
// a column's own name, a_b for a.b, the key for a["k"], the first argument's
// name for pass-through functions (bin, tostring, ...), prefix_arg for
// prefix functions (strlen_x); "" when the expression gets a generated name.
func exprName(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.ParenExpr:
		return exprName(x.X)
	case *ast.SelectorExpr:
		base := exprName(x.X)
		if base == "" {
			return x.Sel.Name
		}
		return base + "_" + x.Sel.Name
	case *ast.IndexExpr:
		if lit, ok := x.Index.(*ast.BasicLit); ok && lit.Kind == ast.LitString {
			return lit.Value
		}
		return ""
	case *ast.CallExpr:
		f, ok := builtins.Lookup(x.Fun.Name)
		if !ok {
			return ""
		}
		if f.Kind == builtins.Aggregate {
			// tostring(make_set(x)) passes through set_x.
			return aggName(x, f)
		}
		if f.CanonicalName() == "column_ifexists" && len(x.Args) > 0 {
			// Named after the column it names.
			if lit, ok := x.Args[0].(*ast.BasicLit); ok && lit.Kind == ast.LitString {
				return lit.Value
			}
			return ""
		}
		switch f.NameKind {
		case builtins.NameFirstArg:
			if len(x.Args) > 0 {
				return exprName(x.Args[0])
			}
		case builtins.NamePrefixFirstArg:
			arg := ""
			if len(x.Args) > 0 {
				arg = exprName(x.Args[0])
			}
			return f.Prefix + "_" + arg
		}
	}
	return ""
}

// aggName returns the default name of an aggregate call's (first) column.
func aggName(x *ast.CallExpr, f *builtins.Func) string {
	arg := ""
	if len(x.Args) > 0 {
		arg = exprName(x.Args[0])
	}
	switch f.CanonicalName() {
	case "covariance", "covariancep", "covarianceif", "covariancepif":
		// Named after both arguments: covariance_x_y.
		second := ""
		if len(x.Args) > 1 {
			second = exprName(x.Args[1])
		}
		return f.Prefix + "_" + arg + "_" + second
	case "take_anyif", "binary_all_and", "binary_all_or", "binary_all_xor":
		if f.NameKind == builtins.NamePrefixFirstArg {
			return f.Prefix + "_" + arg // anyif_x
		}
		if arg == "" {
			return f.Prefix + "_"
		}
		return arg
	case "take_any":
		if x.Fun.Name == "any" {
			return "any_" + arg
		}
		if arg == "" {
			return "any_"
		}
		return arg
	case "arg_max", "arg_min":
		if arg == "" {
			return f.Prefix + "_"
		}
		return arg
	case "countif":
		return "countif_" + arg
	}
	return f.Prefix + "_" + arg
}

// nameSet hands out unique column names for one operator's output.
type nameSet struct {
	used map[string]bool
	gen  int
}

func newNameSet() *nameSet { return &nameSet{used: map[string]bool{}} }

// add reserves name, adding a numeric suffix (1, 2, ...) if it is taken.
func (n *nameSet) add(name string) string {
	if !n.used[name] {
		n.used[name] = true
		return name
	}
	for i := 1; ; i++ {
		c := name + strconv.Itoa(i)
		if !n.used[c] {
			n.used[c] = true
			return c
		}
	}
}

// generated returns the next free ColumnN name.
func (n *nameSet) generated() string {
	for {
		n.gen++
		c := "Column" + strconv.Itoa(n.gen)
		if !n.used[c] {
			n.used[c] = true
			return c
		}
	}
}

// release frees a name (used when extend replaces a column in place).
func (n *nameSet) release(name string) { delete(n.used, name) }

// forItem returns the unique output name of an operator item: its explicit
// name, else the name Kusto derives from its expression, else ColumnN.
func (n *nameSet) forItem(item *ast.NamedExpr) string {
	name := ""
	if len(item.Names) == 1 {
		name = item.Names[0].Name
	} else {
		name = exprName(item.X)
	}
	if name == "" {
		return n.generated()
	}
	return n.add(name)
}
