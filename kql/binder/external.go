package binder

import (
	"path"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// externalFormats are the externaldata formats rmmhunt reads, with the
// name each is read as.
var externalFormats = map[string]string{
	"csv": "csv", "tsv": "tsv", "tsve": "tsv", "txt": "txt", "json": "json",
	"multijson": "json", "scsv": "scsv", "psv": "psv", "sohsv": "sohsv",
}

// bindExternalData binds `externaldata (Schema) [URLs] [with (props)]`.
// The engine reads a local file mapped to each URL (nothing is fetched).
func (b *binder) bindExternalData(sc *scope, x *ast.GenericOp) Node {
	if len(x.Args) < 2 {
		b.errorf(x.Pos, "externaldata needs a schema and at least one URL")
		return nil
	}
	schema, ok := x.Args[0].(*ast.TypeExpr)
	if !ok || len(schema.Columns) == 0 {
		b.errorf(x.Pos, "externaldata needs a schema (Name:type, ...)")
		return nil
	}
	ext := &External{Pos: x.Pos}
	for _, p := range schema.Columns {
		t := types.String
		if p.Type != nil {
			tt, ok := types.Parse(p.Type.Name)
			if !ok {
				b.errorf(p.Type.Pos, "unknown type %s", p.Type.Name)
				return nil
			}
			t = tt
		}
		if ext.Columns.Index(p.Name.Name) >= 0 {
			b.errorf(p.Name.Pos, "column %s is declared twice", p.Name.Name)
			return nil
		}
		ext.Columns = append(ext.Columns, table.Field{Name: p.Name.Name, Type: t})
	}
	format := ""
	for _, a := range x.Args[1:] {
		switch v := a.(type) {
		case *ast.BasicLit:
			if v.Kind != ast.LitString {
				b.errorf(v.Pos, "externaldata URLs are strings")
				return nil
			}
			ext.URLs = append(ext.URLs, v.Value)
		case *ast.NamedExpr:
			if len(v.Names) != 1 {
				b.errorf(v.Pos, "externaldata properties are name = value")
				return nil
			}
			c, ok := fold(b.bindScalar(sc, nil, v.X))
			if !ok {
				if id, isID := v.X.(*ast.Ident); isID {
					c, ok = types.NewString(id.Name), true
				}
			}
			if !ok {
				b.errorf(v.X.Span(), "externaldata property %s must be a constant", v.Names[0].Name)
				return nil
			}
			switch strings.ToLower(v.Names[0].Name) {
			case "format":
				format = strings.ToLower(c.String())
			case "ignorefirstrecord":
				ext.IgnoreFirst = c.Type == types.Bool && c.I != 0 || strings.EqualFold(c.String(), "true")
			default:
				b.diags.Warnf(v.Pos, "externaldata property %s ignored", v.Names[0].Name)
			}
		default:
			b.errorf(a.Span(), "unexpected externaldata argument")
			return nil
		}
	}
	if len(ext.URLs) == 0 {
		b.errorf(x.Pos, "externaldata needs at least one URL")
		return nil
	}
	if format == "" {
		u := ext.URLs[0]
		if i := strings.IndexAny(u, "?#"); i >= 0 {
			u = u[:i]
		}
		format = strings.TrimPrefix(strings.ToLower(path.Ext(u)), ".")
		if _, ok := externalFormats[format]; !ok {
			format = "csv"
		}
	}
	f, ok := externalFormats[format]
	if !ok {
		b.unsupported(x.Pos, "externaldata format %s is not supported (csv, tsv, txt, json are)", format)
		return nil
	}
	ext.Format = f
	return ext
}
