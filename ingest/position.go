package ingest

import "bytes"

// posMap turns byte offsets in a chunk of input (one line, or a whole JSON
// document) into 1-based line and byte-column numbers. Offsets are usually
// asked for in increasing order, which it answers incrementally.
type posMap struct {
	data  []byte
	line0 int // line number of data[0]
	col0  int // bytes before data[0] on its line
	off   int // cursor: offset counted up to
	lines int // newlines in data[:off]
	start int // offset of the first byte of the cursor's line
}

func (p *posMap) reset(data []byte, line0, col0 int) {
	*p = posMap{data: data, line0: line0, col0: col0}
}

// at returns the line and column of data[off]; off may equal len(data).
func (p *posMap) at(off int) (line, col int) {
	if off < 0 {
		return p.line0, 0
	}
	off = min(off, len(p.data))
	if off < p.off {
		p.off, p.lines, p.start = 0, 0, 0
	}
	seg := p.data[p.off:off]
	if n := bytes.Count(seg, []byte{'\n'}); n > 0 {
		p.lines += n
		p.start = p.off + bytes.LastIndexByte(seg, '\n') + 1
	}
	p.off = off
	col = off - p.start + 1
	if p.lines == 0 {
		col += p.col0
	}
	return p.line0 + p.lines, col
}

// lineText returns the line of data that holds offset off.
func (p *posMap) lineText(off int) []byte {
	off = max(0, min(off, len(p.data)))
	start := bytes.LastIndexByte(p.data[:off], '\n') + 1
	end := bytes.IndexByte(p.data[off:], '\n')
	if end < 0 {
		end = len(p.data)
	} else {
		end += off
	}
	return p.data[start:end]
}
