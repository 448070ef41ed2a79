package engine

import (
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// maxDynamicArray bounds arrays built by range() and repeat(), as Kusto
// does (1,048,576 elements).
const maxDynamicArray = 1 << 20

// dynPayload returns the dynamic payload of v: the payload of a dynamic
// value, or the dynamic form of a scalar (nil for null).
func dynPayload(v types.Value) any {
	if v.Null {
		return nil
	}
	if v.Type == types.Dynamic {
		return v.D
	}
	return v.ToDynamic()
}

// asArray returns the array held by a dynamic value.
func asArray(v types.Value) ([]any, bool) {
	if v.Null || v.Type != types.Dynamic {
		return nil, false
	}
	a, ok := v.D.([]any)
	return a, ok
}

// asBag returns the property bag held by a dynamic value.
func asBag(v types.Value) (*types.Bag, bool) {
	if v.Null || v.Type != types.Dynamic {
		return nil, false
	}
	b, ok := v.D.(*types.Bag)
	return b, ok
}

// dynNull is the null dynamic value.
func dynNull() types.Value { return types.NewDynamic(nil) }

// copyBag returns a shallow copy of b (values are shared, never mutated).
func copyBag(b *types.Bag) *types.Bag {
	out := types.NewBag()
	for i, k := range b.Keys {
		out.Set(k, b.Vals[i])
	}
	return out
}

// bagWithout returns a copy of b without key k.
func bagWithout(b *types.Bag, k string) *types.Bag {
	out := types.NewBag()
	for i, key := range b.Keys {
		if key != k {
			out.Set(key, b.Vals[i])
		}
	}
	return out
}

// dynElemEqual reports whether an array element equals v with the rules of
// ==: numbers compare numerically, strings ordinally, arrays and bags deeply.
func dynElemEqual(elem any, v types.Value) bool {
	if elem == nil || isNullish(v) {
		return false
	}
	switch elem.(type) {
	case []any, *types.Bag:
		return types.DynamicEqual(elem, dynPayload(v))
	}
	c, ok := compareValues(types.DynamicScalar(elem), v)
	return ok && c == 0
}

// dynSetKey identifies an element for the set functions: equal elements
// (numbers numerically) have equal keys.
func dynSetKey(d any) string { return types.DynamicKey(d) }

func init() { registerDynamicFuncs() }

func registerDynamicFuncs() {
	fn := func(name string, f func(a []types.Value) types.Value) {
		scalarFuncs[name] = func(_ *evaluator, _ *binder.Call, a []types.Value) (types.Value, error) { return f(a), nil }
	}

	// Property bags.
	fn("bag_keys", func(a []types.Value) types.Value {
		b, ok := asBag(a[0])
		if !ok {
			return dynNull()
		}
		keys := make([]any, len(b.Keys))
		for i, k := range b.Keys {
			keys[i] = k
		}
		return types.NewDynamic(keys)
	})
	fn("bag_merge", func(a []types.Value) types.Value {
		// The first bag holding a key wins, as in the documented example.
		out := types.NewBag()
		for _, v := range a {
			b, ok := asBag(v)
			if !ok {
				continue
			}
			for i, k := range b.Keys {
				if _, exists := out.Get(k); !exists {
					out.Set(k, b.Vals[i])
				}
			}
		}
		return types.NewDynamic(out)
	})
	fn("bag_has_key", func(a []types.Value) types.Value {
		b, ok := asBag(a[0])
		if !ok {
			return types.NullOf(types.Bool)
		}
		path, ok := parseBagPath(a[1].String())
		if !ok {
			return types.NullOf(types.Bool)
		}
		var cur any = b
		for _, step := range path {
			bag, isBag := cur.(*types.Bag)
			if !isBag {
				return types.NewBool(false)
			}
			v, found := bag.Get(step)
			if !found {
				return types.NewBool(false)
			}
			cur = v
		}
		return types.NewBool(true)
	})
	fn("bag_remove_keys", func(a []types.Value) types.Value {
		b, ok := asBag(a[0])
		if !ok {
			return dynNull()
		}
		keys, ok := asArray(a[1])
		if !ok {
			return dynNull()
		}
		var out any = b
		for _, k := range keys {
			s, isStr := k.(string)
			if !isStr {
				continue
			}
			if path, ok := parseBagPath(s); ok {
				out = removePath(out, path)
			}
		}
		return types.NewDynamic(out)
	})
	fn("bag_set_key", func(a []types.Value) types.Value {
		b, ok := asBag(a[0])
		if !ok {
			return dynNull()
		}
		path, ok := parseBagPath(a[1].String())
		if !ok {
			return dynNull()
		}
		return types.NewDynamic(setPath(b, path, dynPayload(a[2])))
	})
	fn("bag_zip", func(a []types.Value) types.Value {
		keys, ok1 := asArray(a[0])
		vals, ok2 := asArray(a[1])
		if !ok1 || !ok2 {
			return dynNull()
		}
		out := types.NewBag()
		for i, k := range keys {
			s, isStr := k.(string)
			if !isStr {
				continue
			}
			var v any
			if i < len(vals) {
				v = vals[i]
			}
			out.Set(s, v)
		}
		return types.NewDynamic(out)
	})
	// pack_all: the binder passes the ignore_null_empty flag, then the row
	// as name, value pairs.
	fn("pack_all", func(a []types.Value) types.Value {
		skipEmpty := !a[0].Null && a[0].Type == types.Bool && a[0].Bool()
		out := types.NewBag()
		for i := 1; i+1 < len(a); i += 2 {
			v := a[i+1]
			if skipEmpty && (isNullish(v) || v.IsNullOrEmpty()) {
				continue
			}
			out.Set(a[i].S, dynPayload(v))
		}
		return types.NewDynamic(out)
	})

	// Arrays.
	fn("array_concat", func(a []types.Value) types.Value {
		var out []any
		for _, v := range a {
			arr, ok := asArray(v)
			if !ok {
				return dynNull()
			}
			out = append(out, arr...)
		}
		if out == nil {
			out = []any{}
		}
		return types.NewDynamic(out)
	})
	fn("array_slice", func(a []types.Value) types.Value {
		arr, ok := asArray(a[0])
		if !ok || isNullish(a[1]) || isNullish(a[2]) {
			return dynNull()
		}
		n := int64(len(arr))
		start, end := intArg(a[1]), intArg(a[2])
		if start < 0 {
			start += n
		}
		if end < 0 {
			end += n
		}
		if start < 0 {
			start = 0
		}
		if end >= n {
			end = n - 1
		}
		if start > end || start >= n {
			return types.NewDynamic([]any{})
		}
		return types.NewDynamic(append([]any{}, arr[start:end+1]...))
	})
	fn("array_index_of", func(a []types.Value) types.Value {
		arr, ok := asArray(a[0])
		if !ok {
			return types.NullOf(types.Long)
		}
		n := int64(len(arr))
		start, length, occurrence := int64(0), int64(-1), int64(1)
		if len(a) > 2 && !isNullish(a[2]) {
			start = intArg(a[2])
		}
		if len(a) > 3 && !isNullish(a[3]) {
			length = intArg(a[3])
		}
		if len(a) > 4 && !isNullish(a[4]) {
			occurrence = intArg(a[4])
		}
		if length < -1 || occurrence < 0 {
			return types.NullOf(types.Long)
		}
		if start < 0 {
			start += n
			if start < 0 {
				start = 0
			}
		}
		end := n
		if length >= 0 && start+length < end {
			end = start + length
		}
		seen := int64(0)
		for i := start; i < end; i++ {
			if dynElemEqual(arr[i], a[1]) {
				seen++
				if seen >= occurrence {
					return types.NewLong(i)
				}
			}
		}
		return types.NewLong(-1)
	})
	for _, name := range []string{"array_sort_asc", "array_sort_desc"} {
		desc := name == "array_sort_desc"
		fn(name, func(a []types.Value) types.Value {
			arr, ok := asArray(a[0])
			if !ok {
				return dynNull()
			}
			nullsLast := true
			if len(a) > 1 && a[1].Type == types.Bool && !a[1].Null {
				nullsLast = a[1].Bool()
			}
			return types.NewDynamic(sortDynArray(arr, desc, nullsLast))
		})
	}
	fn("array_reverse", func(a []types.Value) types.Value {
		arr, ok := asArray(a[0])
		if !ok {
			return dynNull()
		}
		out := make([]any, len(arr))
		for i, e := range arr {
			out[len(arr)-1-i] = e
		}
		return types.NewDynamic(out)
	})
	fn("array_sum", func(a []types.Value) types.Value {
		arr, ok := asArray(a[0])
		if !ok {
			return types.NullOf(types.Real)
		}
		sum := 0.0
		for _, e := range arr {
			switch x := e.(type) {
			case int64:
				sum += float64(x)
			case float64:
				sum += x
			default:
				return types.NullOf(types.Real)
			}
		}
		return types.NewReal(sum)
	})
	fn("array_iff", func(a []types.Value) types.Value {
		conds, ok := asArray(a[0])
		if !ok {
			return dynNull()
		}
		pick := func(v types.Value, i int) any {
			if arr, isArr := asArray(v); isArr {
				if i < len(arr) {
					return arr[i]
				}
				return nil
			}
			return dynPayload(v)
		}
		out := make([]any, len(conds))
		for i, c := range conds {
			var truth, known bool
			switch x := c.(type) {
			case bool:
				truth, known = x, true
			case int64:
				truth, known = x != 0, true
			case float64:
				truth, known = x != 0, true
			}
			switch {
			case !known:
				out[i] = nil
			case truth:
				out[i] = pick(a[1], i)
			default:
				out[i] = pick(a[2], i)
			}
		}
		return types.NewDynamic(out)
	})
	rotate := func(arr []any, n int64) []any {
		l := int64(len(arr))
		out := make([]any, l)
		if l == 0 {
			return out
		}
		n %= l
		if n < 0 {
			n += l
		}
		for i := int64(0); i < l; i++ {
			out[i] = arr[(i+n)%l]
		}
		return out
	}
	fn("array_rotate_left", func(a []types.Value) types.Value {
		arr, ok := asArray(a[0])
		if !ok || isNullish(a[1]) {
			return dynNull()
		}
		return types.NewDynamic(rotate(arr, intArg(a[1])))
	})
	fn("array_rotate_right", func(a []types.Value) types.Value {
		arr, ok := asArray(a[0])
		if !ok || isNullish(a[1]) {
			return dynNull()
		}
		return types.NewDynamic(rotate(arr, -intArg(a[1])))
	})
	shift := func(a []types.Value, n int64) types.Value {
		arr, _ := asArray(a[0])
		var fill any
		if len(a) > 2 {
			fill = dynPayload(a[2])
		}
		l := int64(len(arr))
		out := make([]any, l)
		for i := int64(0); i < l; i++ {
			j := i + n
			if j >= 0 && j < l {
				out[i] = arr[j]
			} else {
				out[i] = fill
			}
		}
		return types.NewDynamic(out)
	}
	fn("array_shift_left", func(a []types.Value) types.Value {
		if _, ok := asArray(a[0]); !ok || isNullish(a[1]) {
			return dynNull()
		}
		return shift(a, intArg(a[1]))
	})
	fn("array_shift_right", func(a []types.Value) types.Value {
		if _, ok := asArray(a[0]); !ok || isNullish(a[1]) {
			return dynNull()
		}
		return shift(a, -intArg(a[1]))
	})
	fn("array_split", func(a []types.Value) types.Value {
		arr, ok := asArray(a[0])
		if !ok || isNullish(a[1]) {
			return dynNull()
		}
		var idx []int64
		if ix, isArr := asArray(a[1]); isArr {
			for _, e := range ix {
				v := types.DynamicScalar(e)
				if !v.Type.IsNumeric() {
					return dynNull()
				}
				idx = append(idx, intArg(v))
			}
		} else {
			idx = []int64{intArg(a[1])}
		}
		l := int64(len(arr))
		out := []any{}
		prev := int64(0)
		for _, i := range idx {
			if i < 0 {
				i += l
			}
			if i < prev {
				i = prev
			}
			if i > l {
				i = l
			}
			out = append(out, append([]any{}, arr[prev:i]...))
			prev = i
		}
		out = append(out, append([]any{}, arr[prev:]...))
		return types.NewDynamic(out)
	})
	fn("repeat", func(a []types.Value) types.Value {
		if isNullish(a[1]) {
			return dynNull()
		}
		n := intArg(a[1])
		if n < 0 {
			n = 0
		}
		if n > maxDynamicArray {
			n = maxDynamicArray
		}
		v := dynPayload(a[0])
		out := make([]any, n)
		for i := range out {
			out[i] = v
		}
		return types.NewDynamic(out)
	})
	scalarFuncs["range"] = func(_ *evaluator, _ *binder.Call, a []types.Value) (types.Value, error) {
		return dynRange(a), nil
	}
	fn("zip", func(a []types.Value) types.Value {
		arrs := make([][]any, len(a))
		longest := 0
		for i, v := range a {
			arr, ok := asArray(v)
			if !ok {
				return dynNull()
			}
			arrs[i] = arr
			if len(arr) > longest {
				longest = len(arr)
			}
		}
		out := make([]any, longest)
		for i := range out {
			row := make([]any, len(arrs))
			for j, arr := range arrs {
				if i < len(arr) {
					row[j] = arr[i]
				}
			}
			out[i] = row
		}
		return types.NewDynamic(out)
	})
	fn("strcat_array", func(a []types.Value) types.Value {
		arr, ok := asArray(a[0])
		if !ok {
			return str("")
		}
		parts := make([]string, len(arr))
		for i, e := range arr {
			parts[i] = types.DynamicText(e)
		}
		return str(strings.Join(parts, a[1].String()))
	})

	// Sets: distinct elements, in first-seen order.
	fn("set_union", func(a []types.Value) types.Value {
		seen := map[string]bool{}
		out := []any{}
		for _, v := range a {
			arr, ok := asArray(v)
			if !ok {
				return dynNull()
			}
			for _, e := range arr {
				if k := dynSetKey(e); !seen[k] {
					seen[k] = true
					out = append(out, e)
				}
			}
		}
		return types.NewDynamic(out)
	})
	setFilter := func(a []types.Value, keep func(inAll, inAny bool) bool) types.Value {
		first, ok := asArray(a[0])
		if !ok {
			return dynNull()
		}
		others := make([]map[string]bool, 0, len(a)-1)
		for _, v := range a[1:] {
			arr, ok := asArray(v)
			if !ok {
				return dynNull()
			}
			m := map[string]bool{}
			for _, e := range arr {
				m[dynSetKey(e)] = true
			}
			others = append(others, m)
		}
		seen := map[string]bool{}
		out := []any{}
		for _, e := range first {
			k := dynSetKey(e)
			if seen[k] {
				continue
			}
			seen[k] = true
			inAll, inAny := true, false
			for _, m := range others {
				if m[k] {
					inAny = true
				} else {
					inAll = false
				}
			}
			if keep(inAll, inAny) {
				out = append(out, e)
			}
		}
		return types.NewDynamic(out)
	}
	fn("set_intersect", func(a []types.Value) types.Value {
		return setFilter(a, func(inAll, _ bool) bool { return inAll })
	})
	fn("set_difference", func(a []types.Value) types.Value {
		return setFilter(a, func(_, inAny bool) bool { return !inAny })
	})
	fn("set_has_element", func(a []types.Value) types.Value {
		arr, ok := asArray(a[0])
		if !ok {
			return types.NullOf(types.Bool)
		}
		for _, e := range arr {
			if dynElemEqual(e, a[1]) {
				return types.NewBool(true)
			}
		}
		return types.NewBool(false)
	})
	fn("jaccard_index", func(a []types.Value) types.Value {
		x, ok1 := asArray(a[0])
		y, ok2 := asArray(a[1])
		if !ok1 || !ok2 {
			return types.NullOf(types.Real)
		}
		sx, sy := map[string]bool{}, map[string]bool{}
		for _, e := range x {
			sx[dynSetKey(e)] = true
		}
		for _, e := range y {
			sy[dynSetKey(e)] = true
		}
		inter := 0
		for k := range sx {
			if sy[k] {
				inter++
			}
		}
		union := len(sx) + len(sy) - inter
		if union == 0 {
			return types.NullOf(types.Real)
		}
		return types.NewReal(float64(inter) / float64(union))
	})

	// JSON, CSV, trees.
	scalarFuncs["extract_json"] = func(_ *evaluator, x *binder.Call, a []types.Value) (types.Value, error) {
		return extractJSON(a, x.T), nil
	}
	fn("parse_xml", func(a []types.Value) types.Value {
		if isNullish(a[0]) {
			return dynNull()
		}
		v, ok := parseXML(a[0].String())
		if !ok {
			return dynNull()
		}
		return types.NewDynamic(v)
	})
	fn("parse_csv", func(a []types.Value) types.Value {
		fields := parseCSVRecord(a[0].String())
		out := make([]any, len(fields))
		for i, f := range fields {
			out[i] = f
		}
		return types.NewDynamic(out)
	})
	fn("treepath", func(a []types.Value) types.Value {
		if isNullish(a[0]) {
			return dynNull()
		}
		var paths []string
		seen := map[string]bool{}
		treePaths(a[0].D, "", &paths, seen)
		out := make([]any, len(paths))
		for i, p := range paths {
			out[i] = p
		}
		return types.NewDynamic(out)
	})
	fn("dynamic_to_json", func(a []types.Value) types.Value {
		if a[0].Type != types.Dynamic {
			return str(a[0].String())
		}
		var b strings.Builder
		canonicalJSON(&b, a[0].D)
		return str(b.String())
	})
}

// parseBagPath parses the key argument of bag_has_key, bag_set_key and
// bag_remove_keys: a plain key, or a JSONPath of property names ($.a.b,
// $['a']['b']). Array indexing is not allowed.
func parseBagPath(s string) ([]string, bool) {
	if !strings.HasPrefix(s, "$") {
		return []string{s}, true
	}
	steps, ok := parseJSONPath(s)
	if !ok || len(steps) == 0 {
		return nil, false
	}
	out := make([]string, len(steps))
	for i, st := range steps {
		if st.isIndex {
			return nil, false
		}
		out[i] = st.key
	}
	return out, true
}

// removePath returns d without the property at path (d is not modified).
func removePath(d any, path []string) any {
	b, ok := d.(*types.Bag)
	if !ok {
		return d
	}
	v, found := b.Get(path[0])
	if !found {
		return d
	}
	if len(path) == 1 {
		return bagWithout(b, path[0])
	}
	out := copyBag(b)
	out.Set(path[0], removePath(v, path[1:]))
	return out
}

// setPath returns a copy of b with the property at path set to v, creating
// intermediate bags as needed.
func setPath(b *types.Bag, path []string, v any) *types.Bag {
	out := copyBag(b)
	if len(path) == 1 {
		out.Set(path[0], v)
		return out
	}
	child, _ := out.Get(path[0])
	cb, ok := child.(*types.Bag)
	if !ok {
		cb = types.NewBag()
	}
	out.Set(path[0], setPath(cb, path[1:], v))
	return out
}

// jsonStep is one step of a JSONPath: a property name or an array index.
type jsonStep struct {
	key     string
	index   int64
	isIndex bool
}

// parseJSONPath parses the JSONPath subset Kusto documents: $ followed by
// .name, ['name'], ["name"] and [index] steps (a negative index counts from
// the end).
func parseJSONPath(s string) ([]jsonStep, bool) {
	if !strings.HasPrefix(s, "$") {
		return nil, false
	}
	var steps []jsonStep
	i := 1
	for i < len(s) {
		switch s[i] {
		case '.':
			j := i + 1
			for j < len(s) && s[j] != '.' && s[j] != '[' {
				j++
			}
			if j == i+1 {
				return nil, false
			}
			steps = append(steps, jsonStep{key: s[i+1 : j]})
			i = j
		case '[':
			end := strings.IndexByte(s[i:], ']')
			if end < 0 {
				return nil, false
			}
			inner := strings.TrimSpace(s[i+1 : i+end])
			if len(inner) >= 2 && (inner[0] == '\'' || inner[0] == '"') && inner[len(inner)-1] == inner[0] {
				steps = append(steps, jsonStep{key: inner[1 : len(inner)-1]})
			} else {
				n, err := strconv.ParseInt(inner, 10, 64)
				if err != nil {
					return nil, false
				}
				steps = append(steps, jsonStep{index: n, isIndex: true})
			}
			i += end + 1
		default:
			return nil, false
		}
	}
	return steps, true
}

// walkJSONPath follows steps from d; found is false when a step is missing.
func walkJSONPath(d any, steps []jsonStep) (any, bool) {
	for _, st := range steps {
		switch c := d.(type) {
		case *types.Bag:
			if st.isIndex {
				return nil, false
			}
			v, ok := c.Get(st.key)
			if !ok {
				return nil, false
			}
			d = v
		case []any:
			if !st.isIndex {
				return nil, false
			}
			i := st.index
			if i < 0 {
				i += int64(len(c))
			}
			if i < 0 || i >= int64(len(c)) {
				return nil, false
			}
			d = c[i]
		default:
			return nil, false
		}
	}
	return d, true
}

// extractJSON implements extract_json(path, text [, typeof(T)]): the element
// at path as text (strings without quotes, other values as JSON), or
// converted to T. A missing element or invalid JSON gives "" (null for T).
func extractJSON(a []types.Value, t types.Type) types.Value {
	none := types.NullOf(t)
	steps, ok := parseJSONPath(a[0].String())
	if !ok || isNullish(a[1]) {
		return none
	}
	var doc any
	if a[1].Type == types.Dynamic {
		if s, isStr := a[1].D.(string); isStr {
			if doc, ok = types.ParseJSON(s); !ok {
				return none
			}
		} else {
			doc = a[1].D
		}
	} else if doc, ok = types.ParseJSON(a[1].String()); !ok {
		return none
	}
	elem, found := walkJSONPath(doc, steps)
	if !found || elem == nil {
		return none
	}
	switch t {
	case types.String:
		return str(types.DynamicText(elem))
	case types.Dynamic:
		return types.NewDynamic(elem)
	}
	return convertTo(types.NewDynamic(elem), t)
}

// parseCSVRecord splits the first record of CSV text into its fields:
// fields are separated by commas, may be quoted with ", and "" inside a
// quoted field is one quote. A line break outside quotes ends the record.
func parseCSVRecord(s string) []string {
	var fields []string
	var cur strings.Builder
	inQuotes := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inQuotes && c == '"':
			if i+1 < len(s) && s[i+1] == '"' {
				cur.WriteByte('"')
				i++
			} else {
				inQuotes = false
			}
		case inQuotes:
			cur.WriteByte(c)
		case c == '"':
			inQuotes = true
		case c == ',':
			fields = append(fields, cur.String())
			cur.Reset()
		case c == '\n' || c == '\r':
			return append(fields, cur.String())
		default:
			cur.WriteByte(c)
		}
	}
	return append(fields, cur.String())
}

// treePaths appends the path of every node below d in first-seen order:
// properties as ['name'], array elements as [0] for all elements together.
func treePaths(d any, prefix string, out *[]string, seen map[string]bool) {
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			*out = append(*out, p)
		}
	}
	switch c := d.(type) {
	case *types.Bag:
		for i, k := range c.Keys {
			p := prefix + "['" + k + "']"
			add(p)
			treePaths(c.Vals[i], p, out, seen)
		}
	case []any:
		if len(c) == 0 {
			return
		}
		p := prefix + "[0]"
		add(p)
		for _, e := range c {
			treePaths(e, p, out, seen)
		}
	}
}

// canonicalJSON writes d as JSON with the properties of every bag sorted by
// name (dynamic_to_json).
func canonicalJSON(b *strings.Builder, d any) {
	switch c := d.(type) {
	case *types.Bag:
		idx := make([]int, len(c.Keys))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(i, j int) bool { return c.Keys[idx[i]] < c.Keys[idx[j]] })
		b.WriteByte('{')
		for n, i := range idx {
			if n > 0 {
				b.WriteByte(',')
			}
			b.WriteString(types.DynamicJSON(c.Keys[i]))
			b.WriteByte(':')
			canonicalJSON(b, c.Vals[i])
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range c {
			if i > 0 {
				b.WriteByte(',')
			}
			canonicalJSON(b, e)
		}
		b.WriteByte(']')
	default:
		b.WriteString(types.DynamicJSON(d))
	}
}

// sortClass ranks element kinds for array_sort_*: numbers, datetimes and
// timespans, then strings, then guids, then everything else.
func sortClass(d any) int {
	switch d.(type) {
	case int64, float64:
		return 0
	case types.DynDatetime:
		return 1
	case types.DynTimespan:
		return 2
	case string:
		return 3
	case types.DynGuid:
		return 4
	}
	return 5
}

// sortDynArray returns arr sorted (stable), nulls first or last.
func sortDynArray(arr []any, desc, nullsLast bool) []any {
	var vals, nulls []any
	for _, e := range arr {
		if e == nil {
			nulls = append(nulls, e)
		} else {
			vals = append(vals, e)
		}
	}
	less := func(x, y any) bool {
		cx, cy := sortClass(x), sortClass(y)
		if cx != cy {
			return cx < cy
		}
		if cx == 5 {
			return types.DynamicJSON(x) < types.DynamicJSON(y)
		}
		c, ok := compareValues(types.DynamicScalar(x), types.DynamicScalar(y))
		return ok && c < 0
	}
	sort.SliceStable(vals, func(i, j int) bool {
		if desc {
			return less(vals[j], vals[i])
		}
		return less(vals[i], vals[j])
	})
	out := make([]any, 0, len(arr))
	if !nullsLast {
		out = append(out, nulls...)
	}
	out = append(out, vals...)
	if nullsLast {
		out = append(out, nulls...)
	}
	return out
}

// dynRange implements range(start, stop [, step]) for numbers, datetimes
// (timespan step) and timespans: the values from start to stop inclusive.
func dynRange(a []types.Value) types.Value {
	start, stop := types.DynamicScalar(dynPayload(a[0])), types.DynamicScalar(dynPayload(a[1]))
	var step types.Value
	if len(a) > 2 {
		step = types.DynamicScalar(dynPayload(a[2]))
	}
	if isNullish(start) || isNullish(stop) || len(a) > 2 && isNullish(step) {
		return dynNull()
	}
	out := []any{}
	switch {
	case start.Type == types.Datetime || start.Type == types.Timespan:
		if len(a) < 3 {
			step = types.NewTimespan(types.TicksPerDay)
		}
		if step.Type != types.Timespan || stop.Type != start.Type || step.I == 0 {
			return dynNull()
		}
		for v := start.I; (step.I > 0 && v <= stop.I || step.I < 0 && v >= stop.I) && len(out) < maxDynamicArray; v += step.I {
			if start.Type == types.Datetime {
				out = append(out, types.DynDatetime(v))
			} else {
				out = append(out, types.DynTimespan(v))
			}
		}
	case start.Type.IsNumeric() && stop.Type.IsNumeric():
		if len(a) < 3 {
			step = types.NewLong(1)
		}
		if !step.Type.IsNumeric() {
			return dynNull()
		}
		if start.Type.UsesInts() && stop.Type.UsesInts() && step.Type.UsesInts() {
			if step.I == 0 {
				return dynNull()
			}
			for v := start.I; (step.I > 0 && v <= stop.I || step.I < 0 && v >= stop.I) && len(out) < maxDynamicArray; v += step.I {
				out = append(out, v)
			}
			break
		}
		s, e, st := start.AsFloat(), stop.AsFloat(), step.AsFloat()
		if st == 0 || math.IsNaN(st) {
			return dynNull()
		}
		for i := 0; len(out) < maxDynamicArray; i++ {
			v := s + float64(i)*st
			if st > 0 && v > e || st < 0 && v < e {
				break
			}
			out = append(out, v)
		}
	default:
		return dynNull()
	}
	return types.NewDynamic(out)
}
