package ingest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strings"
)

// readBufSize is the buffer size of the readers.
const readBufSize = 64 << 10

// read detects the format of one input and reads it. Input is gzip-
// decompressed when it starts with the gzip magic bytes; a UTF-8 byte order
// mark and leading white space are skipped; then a '{' or '[' means JSON
// and anything else CSV. It returns an error only when the file cannot be
// read at all.
func (f *fileState) read(r io.Reader) error {
	br := bufio.NewReaderSize(r, readBufSize)
	magic, _ := br.Peek(4)
	if len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		f.stats.Compressed = true
		gz, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("not a valid gzip stream: %v", describeReadErr(err, true))
		}
		defer gz.Close()
		br = bufio.NewReaderSize(gz, readBufSize)
		magic, _ = br.Peek(4)
	}
	switch {
	case bytes.HasPrefix(magic, []byte("PK\x03\x04")):
		return errors.New("zip archives are not supported: extract the files first")
	case bytes.HasPrefix(magic, []byte("PAR1")):
		return f.readParquetInput(br)
	case bytes.HasPrefix(magic, []byte(avroMagic)):
		return f.readCapture(br)
	case hasExt(f.name, ".parquet"):
		return errors.New("not a Parquet file: it does not start with the magic bytes PAR1")
	case hasExt(f.name, ".avro"):
		return errors.New(`not an Avro object container file: it does not start with the magic bytes "Obj\x01"`)
	case bytes.HasPrefix(magic, []byte{0xff, 0xfe}), bytes.HasPrefix(magic, []byte{0xfe, 0xff}):
		return errors.New("UTF-16 text is not supported: save the file as UTF-8")
	}
	line, col := 1, 0
	if bytes.HasPrefix(magic, []byte{0xef, 0xbb, 0xbf}) {
		br.Discard(3)
		col = 3
	}
	for {
		c, err := br.ReadByte()
		if err == io.EOF {
			return nil // empty
		}
		if err != nil {
			f.reject(line, 0, describeReadErr(err, f.stats.Compressed), nil)
			return nil
		}
		if c == '\n' {
			line, col = line+1, 0
			continue
		}
		if isSpace(c) {
			col++
			continue
		}
		br.UnreadByte()
		if c == '{' || c == '[' {
			return f.readJSON(br, line, col)
		}
		head, _ := br.Peek(512)
		if bytes.IndexByte(head, 0) >= 0 {
			return errors.New("binary data: not JSON or CSV text")
		}
		return f.readCSV(br, line, col)
	}
}

// hasExt reports whether name ends in ext (compared without case), before
// a final .gz.
func hasExt(name, ext string) bool {
	name = strings.ToLower(name)
	name = strings.TrimSuffix(name, ".gz")
	return strings.HasSuffix(name, ext)
}

// describeReadErr explains an error from the underlying reader.
func describeReadErr(err error, compressed bool) string {
	switch {
	case compressed && errors.Is(err, io.ErrUnexpectedEOF):
		return "truncated gzip stream: the compressed data ends early"
	case errors.Is(err, gzip.ErrChecksum):
		return "gzip checksum mismatch: the compressed data is corrupt"
	case errors.Is(err, gzip.ErrHeader):
		return "invalid gzip data"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "input ends early"
	}
	return "read error: " + err.Error()
}
