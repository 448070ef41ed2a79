package ingest

import (
	"bytes"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// TestCheckPageHeaders: page headers that declare more bytes than their
// column chunk holds, or a huge uncompressed page, are refused before the
// Parquet library allocates buffers of those sizes.
func TestCheckPageHeaders(t *testing.T) {
	page := func(compressed, uncompressed int32) []byte {
		b, err := thrift.Marshal(new(thrift.CompactProtocol), &format.PageHeader{
			Type: format.DataPage, CompressedPageSize: compressed, UncompressedPageSize: uncompressed,
		})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name       string
		compressed int32 // declared
		body       int   // bytes actually there
		uncomp     int32
		chunkExtra int64 // added to the chunk's declared size
		want       string
	}{
		{"valid", 10, 10, 20, 0, ""},
		{"page larger than its chunk", 1 << 30, 10, 20, 0, "more than its column chunk holds"},
		{"huge uncompressed page", 10, 10, 1 << 30, 0, "uncompressed bytes"},
		{"chunk beyond the file", 10, 10, 20, 1 << 40, "outside the file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hdr := page(tc.compressed, tc.uncomp)
			var file bytes.Buffer
			file.WriteString("PAR1")
			file.Write(hdr)
			file.Write(make([]byte, tc.body))
			file.Write(make([]byte, 16)) // stands for the footer
			rg := &format.RowGroup{Columns: []format.ColumnChunk{{MetaData: format.ColumnMetaData{
				DataPageOffset:      4,
				TotalCompressedSize: int64(len(hdr)+tc.body) + tc.chunkExtra,
			}}}}
			err := checkPageHeaders(bytes.NewReader(file.Bytes()), int64(file.Len()), rg)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}
