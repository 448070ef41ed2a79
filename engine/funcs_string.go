package engine

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

func str(s string) types.Value { return types.NewString(s) }

func registerStringFuncs() {
	fn := func(name string, f func(ev *evaluator, a []types.Value) (types.Value, error)) {
		scalarFuncs[name] = func(ev *evaluator, _ *binder.Call, a []types.Value) (types.Value, error) { return f(ev, a) }
	}
	fn("tolower", func(_ *evaluator, a []types.Value) (types.Value, error) {
		return str(strings.ToLower(a[0].String())), nil
	})
	fn("toupper", func(_ *evaluator, a []types.Value) (types.Value, error) {
		return str(strings.ToUpper(a[0].String())), nil
	})
	fn("strlen", func(_ *evaluator, a []types.Value) (types.Value, error) {
		return types.NewLong(int64(runeLen(a[0].String()))), nil
	})
	fn("strcat", func(_ *evaluator, a []types.Value) (types.Value, error) {
		var b strings.Builder
		for _, v := range a {
			b.WriteString(v.String())
		}
		return str(b.String()), nil
	})
	fn("strcat_delim", func(_ *evaluator, a []types.Value) (types.Value, error) {
		parts := make([]string, 0, len(a)-1)
		for _, v := range a[1:] {
			parts = append(parts, v.String())
		}
		return str(strings.Join(parts, a[0].String())), nil
	})
	fn("substring", func(_ *evaluator, a []types.Value) (types.Value, error) {
		r := []rune(a[0].String())
		if a[1].Null {
			return str(""), nil
		}
		start := int(intArg(a[1]))
		if start < 0 {
			start = 0
		}
		if start > len(r) {
			return str(""), nil
		}
		end := len(r)
		if len(a) == 3 && !a[2].Null {
			n := int(intArg(a[2]))
			if n < 0 {
				n = 0
			}
			if start+n < end {
				end = start + n
			}
		}
		return str(string(r[start:end])), nil
	})
	for _, name := range []string{"trim", "trim_start", "trim_end"} {
		name := name
		fn(name, func(ev *evaluator, a []types.Value) (types.Value, error) {
			pat := a[0].String()
			s := a[1].String()
			if name != "trim_end" {
				re, err := ev.run.regex(`^(?:` + pat + `)+`)
				if err != nil {
					return types.Value{}, err
				}
				if loc := re.FindStringIndex(s); loc != nil {
					s = s[loc[1]:]
				}
			}
			if name != "trim_start" {
				re, err := ev.run.regex(`(?:` + pat + `)+$`)
				if err != nil {
					return types.Value{}, err
				}
				if loc := re.FindStringIndex(s); loc != nil {
					s = s[:loc[0]]
				}
			}
			return str(s), nil
		})
	}
	fn("split", func(_ *evaluator, a []types.Value) (types.Value, error) {
		s, delim := a[0].String(), a[1].String()
		var parts []string
		if delim == "" {
			parts = []string{s}
		} else {
			parts = strings.Split(s, delim)
		}
		arr := make([]any, len(parts))
		for i, p := range parts {
			arr[i] = p
		}
		if len(a) == 3 {
			if a[2].Null {
				return types.NewDynamic(nil), nil
			}
			i := intArg(a[2])
			if i < 0 || i >= int64(len(arr)) {
				return types.NewDynamic([]any{}), nil
			}
			return types.NewDynamic([]any{arr[i]}), nil
		}
		return types.NewDynamic(arr), nil
	})
	fn("replace_string", func(_ *evaluator, a []types.Value) (types.Value, error) {
		if a[1].String() == "" {
			return str(a[0].String()), nil
		}
		return str(strings.ReplaceAll(a[0].String(), a[1].String(), a[2].String())), nil
	})
	fn("replace_regex", func(ev *evaluator, a []types.Value) (types.Value, error) {
		re, err := ev.run.regex(a[1].String())
		if err != nil {
			return types.Value{}, err
		}
		// Kusto uses \1 for groups in the rewrite; Go uses ${1}.
		rewrite := backrefToGo(a[2].String())
		return str(re.ReplaceAllString(a[0].String(), rewrite)), nil
	})
	fn("indexof", func(_ *evaluator, a []types.Value) (types.Value, error) {
		if isNullish(a[0]) || isNullish(a[1]) {
			return types.NullOf(types.Long), nil
		}
		s, lookup := []rune(a[0].String()), a[1].String()
		start := int64(0)
		if len(a) > 2 && !a[2].Null {
			start = intArg(a[2])
		}
		if start < 0 {
			start += int64(len(s))
			if start < 0 {
				start = 0
			}
		}
		if start > int64(len(s)) {
			return types.NewLong(-1), nil
		}
		hay := string(s[start:])
		if len(a) > 3 && !a[3].Null {
			n := intArg(a[3])
			if n >= 0 && n < int64(len(s))-start {
				hay = string(s[start : start+n])
			}
		}
		i := strings.Index(hay, lookup)
		if i < 0 {
			return types.NewLong(-1), nil
		}
		return types.NewLong(start + int64(runeLen(hay[:i]))), nil
	})
	fn("countof", func(ev *evaluator, a []types.Value) (types.Value, error) {
		s, sub := a[0].String(), a[1].String()
		if len(a) == 3 && a[2].String() == "regex" {
			re, err := ev.run.regex(sub)
			if err != nil {
				return types.Value{}, err
			}
			return types.NewLong(int64(len(re.FindAllStringIndex(s, -1)))), nil
		}
		if sub == "" {
			return types.NewLong(0), nil
		}
		n := 0
		for i := 0; ; {
			j := strings.Index(s[i:], sub)
			if j < 0 {
				break
			}
			n++
			i += j + 1
			if i > len(s) {
				break
			}
		}
		return types.NewLong(int64(n)), nil
	})
	fn("reverse", func(_ *evaluator, a []types.Value) (types.Value, error) {
		r := []rune(a[0].String())
		for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
			r[i], r[j] = r[j], r[i]
		}
		return str(string(r)), nil
	})
	scalarFuncs["extract"] = func(ev *evaluator, x *binder.Call, a []types.Value) (types.Value, error) {
		re, err := ev.run.regex(a[0].String())
		if err != nil {
			return types.Value{}, err
		}
		g := int(intArg(a[1]))
		m := re.FindStringSubmatch(a[2].String())
		if m == nil || g < 0 || g >= len(m) {
			return types.NullOf(x.T), nil
		}
		if x.T == types.String {
			return str(m[g]), nil
		}
		return convertTo(str(m[g]), x.T), nil
	}
	fn("extract_all", func(ev *evaluator, a []types.Value) (types.Value, error) {
		re, err := ev.run.regex(a[0].String())
		if err != nil {
			return types.Value{}, err
		}
		src := a[len(a)-1].String()
		matches := re.FindAllStringSubmatch(src, -1)
		if len(matches) == 0 {
			return types.NewDynamic(nil), nil
		}
		var groups []int64
		if len(a) == 3 {
			if arr, ok := a[1].D.([]any); ok {
				for _, e := range arr {
					if n, ok := e.(int64); ok {
						groups = append(groups, n)
					}
				}
			}
		}
		out := make([]any, 0, len(matches))
		for _, m := range matches {
			switch {
			case len(groups) > 0:
				row := make([]any, 0, len(groups))
				for _, g := range groups {
					if int(g) < len(m) {
						row = append(row, m[g])
					}
				}
				out = append(out, row)
			case len(m) == 1:
				out = append(out, m[0])
			case len(m) == 2:
				out = append(out, m[1])
			default:
				row := make([]any, 0, len(m)-1)
				for _, s := range m[1:] {
					row = append(row, s)
				}
				out = append(out, row)
			}
		}
		return types.NewDynamic(out), nil
	})
	fn("hash_sha256", func(_ *evaluator, a []types.Value) (types.Value, error) {
		h := sha256.Sum256([]byte(a[0].String()))
		return str(hex.EncodeToString(h[:])), nil
	})
	fn("hash_sha1", func(_ *evaluator, a []types.Value) (types.Value, error) {
		h := sha1.Sum([]byte(a[0].String()))
		return str(hex.EncodeToString(h[:])), nil
	})
	fn("hash_md5", func(_ *evaluator, a []types.Value) (types.Value, error) {
		h := md5.Sum([]byte(a[0].String()))
		return str(hex.EncodeToString(h[:])), nil
	})
	fn("base64_encode_tostring", func(_ *evaluator, a []types.Value) (types.Value, error) {
		return str(base64.StdEncoding.EncodeToString([]byte(a[0].String()))), nil
	})
	fn("base64_decode_tostring", func(_ *evaluator, a []types.Value) (types.Value, error) {
		s := a[0].String()
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			b, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
			if err != nil {
				return str(""), nil
			}
		}
		return str(string(b)), nil
	})
	fn("url_decode", func(_ *evaluator, a []types.Value) (types.Value, error) {
		s, err := url.QueryUnescape(a[0].String())
		if err != nil {
			return str(""), nil
		}
		return str(s), nil
	})
	fn("url_encode", func(_ *evaluator, a []types.Value) (types.Value, error) {
		return str(urlEncode(a[0].String(), "+")), nil
	})
	fn("strrep", func(_ *evaluator, a []types.Value) (types.Value, error) {
		n := int(intArg(a[1]))
		if n > 1024 {
			n = 1024
		}
		if len(a) == 3 && n > 0 {
			parts := make([]string, n)
			for i := range parts {
				parts[i] = a[0].String()
			}
			return str(strings.Join(parts, a[2].String())), nil
		}
		return str(stringsRepeat(a[0].String(), n)), nil
	})
}

// backrefToGo rewrites a Kusto (RE2) rewrite pattern into Go's form: \1
// group references become ${1} and \\ is one literal backslash.
func backrefToGo(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) && s[i+1] == '\\' {
			b.WriteByte('\\')
			i++
			continue
		}
		if c == '\\' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' {
			b.WriteString("${")
			b.WriteByte(s[i+1])
			b.WriteString("}")
			i++
			continue
		}
		if c == '$' {
			b.WriteString("$$")
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// intArg returns a numeric argument as int64 (reals truncated).
func intArg(v types.Value) int64 {
	if v.Type == types.Dynamic {
		v = types.DynamicScalar(v.D)
	}
	if v.Type.UsesReals() {
		return int64(v.F)
	}
	return v.I
}
