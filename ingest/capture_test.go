package ingest

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/linkedin/goavro/v2"
)

// captureSchema is the Avro schema Event Hubs Capture writes.
const captureSchema = `{"type":"record","name":"EventData","namespace":"Microsoft.ServiceBus.Messaging","fields":[
 {"name":"SequenceNumber","type":"long"},
 {"name":"Offset","type":"string"},
 {"name":"EnqueuedTimeUtc","type":"string"},
 {"name":"SystemProperties","type":{"type":"map","values":["long","double","string","bytes"]}},
 {"name":"Properties","type":{"type":"map","values":["long","double","string","bytes","null"]}},
 {"name":"Body","type":["null","bytes"]}]}`

// writeCapture writes a capture file with the given codec ("null" or
// "deflate"), one Avro block per element of blocks, each message body
// given as text ("" for a null body). Sequence numbers count from 100.
func writeCapture(t testing.TB, codec string, blocks ...[]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := goavro.NewOCFWriter(goavro.OCFConfig{W: &buf, Schema: captureSchema, CompressionName: codec})
	if err != nil {
		t.Fatal(err)
	}
	seq := int64(100)
	for _, bodies := range blocks {
		var recs []any
		for _, b := range bodies {
			var body any
			if b != "" {
				body = goavro.Union("bytes", []byte(b))
			}
			recs = append(recs, map[string]any{
				"SequenceNumber":   seq,
				"Offset":           fmt.Sprint(seq * 1000),
				"EnqueuedTimeUtc":  "3/4/2025 9:21:47 AM",
				"SystemProperties": map[string]any{"x-opt-enqueued-time": goavro.Union("long", int64(1741080107000))},
				"Properties":       map[string]any{},
				"Body":             body,
			})
			seq++
		}
		if err := w.Append(recs); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

// captureRecord is one streaming record of table tbl with the given
// properties.
func captureRecord(tbl, props string) string {
	return `{"time":"2025-03-04T09:21:47.3390172Z","tenantId":"5b1f0c2e-7d44-4b0a-9a3e-2f6c1d8e9a10","operationName":"Publish","category":"AdvancedHunting-` +
		tbl + `","properties":{` + props + `}}`
}

func captureMessage(records ...string) string {
	return `{"records":[` + strings.Join(records, ",") + `]}`
}

var (
	capGood = captureMessage(
		captureRecord("DeviceProcessEvents", `"Timestamp":"2025-03-04T09:21:33.5120094Z","DeviceName":"fin-ws-017","ReportId":48190,"MachineGroup":"Finance"`),
		captureRecord("DeviceFileCertificateInfo", `"Timestamp":"2025-03-04T09:19:58.6614021Z","Signer":"AnyDesk Software GmbH","IsTrusted":true,"ReportId":48213`))
	capBad = captureMessage(
		captureRecord("DeviceProcessEvents", `"Timestamp":"2025-03-04T09:21:35Z","DeviceName":"fin-ws-018","ReportId":48191`),
		captureRecord("DeviceProcessEvents", `"Timestamp":"yesterday","ReportId":1`),
		captureRecord("NoSuchTable", `"Timestamp":"2025-03-04T09:21:35Z"`))
)

func TestCapture(t *testing.T) {
	for _, codec := range []string{"null", "deflate"} {
		t.Run(codec, func(t *testing.T) {
			data := writeCapture(t, codec, []string{capGood, capBad}, []string{`{"records":[`, ""}, []string{capGood})
			res, err := loadString(t, "capture/0/2025/03/04/09/21/47.avro", string(data), Options{BatchRows: 2})
			if err != nil {
				t.Fatal(err)
			}
			// 2 + 3 + 1 (truncated body) + 1 (no body) + 2 units.
			if res.Read != 9 || res.Stored != 5 || res.Rejected != 4 || res.Files[0].Format != FormatCapture {
				t.Fatalf("read %d stored %d rejected %d format %s: %v", res.Read, res.Stored, res.Rejected, res.Files[0].Format, res.Rejects)
			}
			want := []struct {
				msg    int
				seq    int64
				record int
				reason string
			}{
				{2, 101, 2, `column Timestamp: "yesterday" is not a datetime`},
				{2, 101, 3, `unknown table "NoSuchTable"`},
				{3, 102, 0, "truncated JSON"},
				{4, 103, 0, "the message has no body"},
			}
			for i, w := range want {
				r := res.Rejects[i]
				if r.Message != w.msg || r.Sequence != w.seq || r.Record != w.record || !strings.Contains(r.Reason, w.reason) {
					t.Errorf("reject %d = %+v, want message %d seq %d record %d %q", i, r, w.msg, w.seq, w.record, w.reason)
				}
			}
			if s := res.Rejects[0].String(); !strings.HasPrefix(s, "capture/0/2025/03/04/09/21/47.avro: message 2 (sequence number 101), record 2: column Timestamp") {
				t.Errorf("String() = %s", s)
			}
			if got := value(t, res, "DeviceProcessEvents", 1, "DeviceName").S; got != "fin-ws-018" {
				t.Errorf("DeviceName %q", got)
			}
			if got := value(t, res, "DeviceProcessEvents", 0, "Timestamp").String(); got != "2025-03-04T09:21:33.5120094Z" {
				t.Errorf("Timestamp %s", got)
			}
			if res.Tables["DeviceFileCertificateInfo"].Rows() != 2 {
				t.Errorf("DeviceFileCertificateInfo rows %d", res.Tables["DeviceFileCertificateInfo"].Rows())
			}
		})
	}
}

func TestCaptureBad(t *testing.T) {
	good := writeCapture(t, "deflate", []string{capGood}, []string{capGood, capGood}, []string{capGood})
	// The second block starts after the header and the first block: find
	// the blocks by their sync markers (the last 16 bytes of the file).
	sync := good[len(good)-16:]
	first := bytes.Index(good, sync)             // end of the header
	second := bytes.Index(good[first+16:], sync) // end of block 1
	third := first + 16 + second + 16            // start of block 2
	corrupt := append([]byte{}, good...)
	for i := third + 4; i < third+24; i++ { // the deflate data of block 2
		corrupt[i] ^= 0x5a
	}
	tests := []struct {
		name   string
		data   []byte
		read   int
		stored int
		reason string
		msg    int
	}{
		{"corrupt block", corrupt, 3, 2, "cannot read the Avro block after message 1", 2},
		{"truncated", good[:len(good)-30], 7, 6, "cannot read the Avro block after message 3", 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := loadString(t, "capture.avro", string(tc.data), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Read != tc.read || res.Stored != tc.stored || res.Rejected != 1 {
				t.Fatalf("read %d stored %d rejected %d: %v", res.Read, res.Stored, res.Rejected, res.Rejects)
			}
			if r := res.Rejects[0]; r.Message != tc.msg || !strings.Contains(r.Reason, tc.reason) {
				t.Fatalf("reject %+v, want message %d %q", r, tc.msg, tc.reason)
			}
		})
	}
	fileErrs := []struct {
		name string
		data []byte
		err  string
	}{
		{"wrong magic", append([]byte("Obj\x02"), good[4:]...), `not an Avro object container file: it does not start with the magic bytes "Obj\x01"`},
		{"bad header", []byte("Obj\x01\xff\xff\xff"), "not a readable Avro object container file"},
		{"not capture", writeOtherAvro(t), "not an Event Hubs Capture file"},
	}
	for _, tc := range fileErrs {
		t.Run(tc.name, func(t *testing.T) {
			res, err := loadString(t, "capture.avro", string(tc.data), Options{})
			if err == nil || !strings.Contains(err.Error(), tc.err) || res.Read != 0 {
				t.Fatalf("err %v, read %d; want %q", err, res.Read, tc.err)
			}
		})
	}
}

func writeOtherAvro(t testing.TB) []byte {
	var buf bytes.Buffer
	w, err := goavro.NewOCFWriter(goavro.OCFConfig{W: &buf, Schema: `{"type":"record","name":"R","fields":[{"name":"x","type":"long"}]}`})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Append([]any{map[string]any{"x": int64(1)}}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func FuzzCapture(f *testing.F) {
	f.Add(writeCapture(f, "null", []string{capGood, capBad}))
	f.Add(writeCapture(f, "deflate", []string{capGood}, []string{"", "{"}))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzLoad(t, "capture.avro", data) })
}
