package engine

import (
	"regexp"

	"github.com/rmmhunt/rmmhunt/kql/binder"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// parser runs one parse operator: it matches each row's text and fills
// the capture columns. On a dictionary-encoded column each distinct value
// is matched once.
type parser struct {
	x    *binder.Parse
	re   *regexp.Regexp
	vals []types.Value
	// byCode caches the outcome per dictionary code of the current batch.
	byCode map[uint32]parsed
	dict   []string
}

// parsed is the cached outcome of one distinct text.
type parsed struct {
	ok   bool
	vals []types.Value
}

func (r *runState) parse(x *binder.Parse) (BatchIterator, error) {
	in, err := r.iter(x.Input)
	if err != nil {
		return nil, err
	}
	re, err := r.regex(x.Pattern)
	if err != nil {
		return nil, err
	}
	p := &parser{x: x, re: re, vals: make([]types.Value, len(x.Captures))}
	return iterFunc(func() (*table.Batch, error) {
		for {
			b, err := in.Next()
			if b == nil || err != nil {
				return nil, err
			}
			if err := r.ctx.Err(); err != nil {
				return nil, err
			}
			out, err := p.batch(r, b)
			if err != nil {
				return nil, err
			}
			if out.N > 0 || !x.Where {
				return out, nil
			}
		}
	}), nil
}

// match matches s and leaves the capture values in p.vals. A text that does
// not match, or (except in relaxed mode) whose typed captures do not all
// convert, leaves every capture blank ("" or null) and reports false.
func (p *parser) match(s string) bool {
	loc := p.re.FindStringSubmatchIndex(s)
	ok := loc != nil
	if ok {
		for k, c := range p.x.Captures {
			text := ""
			if a, e := loc[2*c.Group], loc[2*c.Group+1]; a >= 0 {
				text = s[a:e]
			}
			if c.T == types.String {
				p.vals[k] = types.NewString(text)
				continue
			}
			v := convertTo(types.NewString(text), c.T)
			if v.Null && !p.x.Relaxed {
				ok = false
				break
			}
			p.vals[k] = v
		}
	}
	if !ok {
		for k, c := range p.x.Captures {
			p.vals[k] = types.NullOf(c.T)
		}
	}
	return ok
}

// batch parses one batch.
func (p *parser) batch(r *runState, b *table.Batch) (*table.Batch, error) {
	x := p.x
	o, err := r.ev.operand(x.X, b)
	if err != nil {
		return nil, err
	}
	caps := make([]*table.Column, len(x.Captures))
	for k, c := range x.Captures {
		caps[k] = table.NewColumn(c.T, b.N)
	}
	var sel []int
	if x.Where {
		sel = make([]int, 0, b.N)
	}
	var codes []uint32
	if !o.isConst && o.col.Dict != nil {
		codes = o.col.Codes
		if p.byCode == nil || !sameDict(p.dict, o.col.Dict) {
			p.byCode = map[uint32]parsed{}
			p.dict = o.col.Dict
		}
	}
	constDone, constOK := false, false
	for i := 0; i < b.N; i++ {
		var ok bool
		switch {
		case o.isConst:
			if !constDone {
				constOK, constDone = p.match(o.text(0)), true
			}
			ok = constOK
		case codes != nil:
			pr, seen := p.byCode[codes[i]]
			if !seen {
				pr.ok = p.match(o.col.Dict[codes[i]])
				pr.vals = append([]types.Value(nil), p.vals...)
				p.byCode[codes[i]] = pr
			}
			ok = pr.ok
			copy(p.vals, pr.vals)
		default:
			ok = p.match(o.text(i))
		}
		if x.Where {
			if !ok {
				continue
			}
			sel = append(sel, i)
		}
		for k, c := range caps {
			c.Append(p.vals[k])
		}
	}
	n := b.N
	if x.Where {
		n = len(sel)
	}
	out := &table.Batch{Schema: x.Columns, Cols: make([]*table.Column, len(x.Columns)), N: n}
	for j, src := range x.Pass {
		if src < 0 {
			continue
		}
		if x.Where && len(sel) != b.N {
			out.Cols[j] = b.Cols[src].Take(sel)
		} else {
			out.Cols[j] = b.Cols[src]
		}
	}
	for k, c := range x.Captures {
		out.Cols[c.Out] = caps[k]
	}
	return out, nil
}

// sameDict reports whether two dictionaries are the same slice.
func sameDict(a, b []string) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}
