package engine

import (
	"encoding/xml"
	"io"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// parseXMLMaxLen is the longest input parse_xml converts; Kusto documents
// that longer strings give null.
const parseXMLMaxLen = 1 << 20

// parseXML converts XML text to a dynamic value with Kusto's documented
// mapping (parse_xml): the root element becomes a bag with one property named
// after it; an element with neither attributes nor child elements becomes its
// text (null when empty); otherwise a bag of "@attribute" values, child
// elements by name (repeated names gather into an array, in document order)
// and "#text" for the element's own text. Only elements, attributes and text
// are translated; comments, processing instructions and the declaration are
// skipped. Text that is a JSON number becomes a number, as the documented
// example shows (<value>118.0</value> gives 118.0). It reports false for
// text that is not well-formed XML or is longer than 1 MB.
func parseXML(s string) (any, bool) {
	if len(s) > parseXMLMaxLen {
		return nil, false
	}
	dec := xml.NewDecoder(strings.NewReader(s))
	dec.Strict = true
	type frame struct {
		name     string
		bag      *types.Bag
		children int
		text     strings.Builder
	}
	var stack []*frame
	var root *types.Bag
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) == 0 && root != nil {
				return nil, false // a second root element
			}
			f := &frame{name: xmlName(t.Name), bag: &types.Bag{}}
			for _, a := range t.Attr {
				f.bag.Set("@"+xmlName(a.Name), a.Value)
			}
			stack = append(stack, f)
		case xml.EndElement:
			if len(stack) == 0 || stack[len(stack)-1].name != xmlName(t.Name) {
				return nil, false
			}
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			text := strings.TrimSpace(f.text.String())
			var v any
			if f.bag.Len() == 0 && f.children == 0 {
				if text != "" {
					v = xmlText(text)
				}
			} else {
				if text != "" {
					f.bag.Set("#text", xmlText(text))
				}
				v = f.bag
			}
			if len(stack) == 0 {
				root = &types.Bag{}
				root.Set(f.name, v)
				continue
			}
			parent := stack[len(stack)-1]
			parent.children++
			if prev, ok := parent.bag.Get(f.name); ok {
				if arr, isArr := prev.(xmlArray); isArr {
					parent.bag.Set(f.name, append(arr, v))
				} else {
					parent.bag.Set(f.name, xmlArray{prev, v})
				}
			} else {
				parent.bag.Set(f.name, v)
			}
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			} else if strings.TrimSpace(string(t)) != "" {
				return nil, false // text outside the root element
			}
		}
	}
	if root == nil || len(stack) > 0 {
		return nil, false
	}
	return finishXML(root), true
}

// xmlArray marks the arrays parseXML builds from repeated elements, until
// finishXML turns them into plain dynamic arrays.
type xmlArray []any

// finishXML replaces the xmlArray markers by []any, recursively.
func finishXML(v any) any {
	switch x := v.(type) {
	case xmlArray:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = finishXML(e)
		}
		return out
	case *types.Bag:
		for _, k := range x.Keys {
			e, _ := x.Get(k)
			x.Set(k, finishXML(e))
		}
		return x
	}
	return v
}

// xmlName is an element or attribute name as written, with its prefix.
func xmlName(n xml.Name) string {
	if n.Space != "" {
		return n.Space + ":" + n.Local
	}
	return n.Local
}

// xmlText is a text node's value: a number when the text is a JSON number.
func xmlText(s string) any {
	if v, ok := types.ParseJSON(s); ok {
		switch v.(type) {
		case int64, float64:
			return v
		}
	}
	return s
}
