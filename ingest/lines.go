package ingest

import (
	"bufio"
	"errors"
	"io"
)

// MaxLineBytes is the longest line the line-oriented readers accept.
const MaxLineBytes = 64 << 20

// maxLineBytes is the limit the readers apply (tests lower it).
var maxLineBytes = MaxLineBytes

// errLineTooLong reports a line longer than the reader's limit; the line
// has been skipped.
var errLineTooLong = errors.New("line too long")

// lineReader reads lines ending in "\n" or "\r\n" from a bufio.Reader,
// without copying when a line fits in the reader's buffer.
type lineReader struct {
	br   *bufio.Reader
	long []byte // accumulates lines longer than the buffer
	line int    // number of the line last returned
	max  int
}

func newLineReader(br *bufio.Reader, line int) *lineReader {
	return &lineReader{br: br, line: line, max: maxLineBytes}
}

// next returns the next line without its line ending. The slice is valid
// until the next call. At the end of input it returns io.EOF with no data;
// on a read error it returns the partial line and the error.
func (r *lineReader) next() ([]byte, error) {
	r.line++
	frag, err := r.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		r.long = append(r.long[:0], frag...)
		for err == bufio.ErrBufferFull {
			frag, err = r.br.ReadSlice('\n')
			if len(r.long)+len(frag) > r.max {
				return r.skipRest(err)
			}
			r.long = append(r.long, frag...)
		}
		frag = r.long
	}
	if err == io.EOF {
		if len(frag) == 0 {
			r.line--
			return nil, io.EOF
		}
		err = nil
	}
	line := trimEOL(frag)
	if err == nil && len(line) > r.max {
		return nil, errLineTooLong
	}
	return line, err
}

// skipRest discards the rest of an over-long line.
func (r *lineReader) skipRest(err error) ([]byte, error) {
	r.long = r.long[:0]
	for err == bufio.ErrBufferFull {
		_, err = r.br.ReadSlice('\n')
	}
	if err != nil && err != io.EOF {
		return nil, err
	}
	return nil, errLineTooLong
}

func trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
	}
	return b
}
