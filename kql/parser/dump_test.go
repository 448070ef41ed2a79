package parser

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/token"
)

var (
	spanType    = reflect.TypeOf(token.Span{})
	litKindType = reflect.TypeOf(ast.LitKind(0))
)

var litKindNames = map[ast.LitKind]string{
	ast.LitLong: "long", ast.LitReal: "real", ast.LitString: "string",
	ast.LitBool: "bool", ast.LitTimespan: "timespan", ast.LitNull: "null",
}

// dump renders a syntax tree as indented text for golden files: one line per
// node with its type and span, then its non-empty fields. With spans false
// the spans are left out, so that two trees can be compared modulo
// positions.
func dump(n any, spans bool) string {
	var b strings.Builder
	dumpValue(&b, reflect.ValueOf(n), 0, spans, nil)
	return b.String()
}

// dumpValue writes v. span is the node's span when v is the struct of an
// ast.Node.
func dumpValue(b *strings.Builder, v reflect.Value, indent int, spans bool, span *token.Span) {
	pad := strings.Repeat("  ", indent)
	switch v.Kind() {
	case reflect.Interface:
		if v.IsNil() {
			b.WriteString("nil\n")
			return
		}
		dumpValue(b, v.Elem(), indent, spans, nil)
		return
	case reflect.Pointer:
		if v.IsNil() {
			b.WriteString("nil\n")
			return
		}
		if n, ok := v.Interface().(ast.Node); ok {
			s := n.Span()
			span = &s
		}
		dumpValue(b, v.Elem(), indent, spans, span)
		return
	case reflect.Struct:
		t := v.Type()
		b.WriteString(t.Name())
		if spans && span != nil {
			fmt.Fprintf(b, " [%d:%d]", span.Start, span.End)
		}
		b.WriteString("\n")
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			fv := v.Field(i)
			if f.Type == spanType && f.Name != "Pos" && spans {
				s := fv.Interface().(token.Span)
				fmt.Fprintf(b, "%s  %s: [%d:%d]\n", pad, f.Name, s.Start, s.End)
				continue
			}
			if !f.IsExported() || f.Type == spanType || fv.IsZero() && f.Type != litKindType {
				continue
			}
			fmt.Fprintf(b, "%s  %s: ", pad, f.Name)
			dumpValue(b, fv, indent+1, spans, nil)
		}
	case reflect.Slice:
		b.WriteString("\n")
		for i := 0; i < v.Len(); i++ {
			fmt.Fprintf(b, "%s  - ", pad)
			dumpValue(b, v.Index(i), indent+1, spans, nil)
		}
	case reflect.Int:
		if v.Type() == litKindType {
			b.WriteString(litKindNames[ast.LitKind(v.Int())] + "\n")
			return
		}
		fmt.Fprintf(b, "%v\n", v.Interface())
	case reflect.String:
		fmt.Fprintf(b, "%q\n", v.String())
	default:
		fmt.Fprintf(b, "%v\n", v.Interface())
	}
}
