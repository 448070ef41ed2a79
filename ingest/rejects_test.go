package ingest

import (
	"strings"
	"testing"
)

// wantReject is an expected reject: line, byte column (0 = not checked when
// negative) and a part of the reason.
type wantReject struct {
	line, col int
	reason    string
}

func TestRejects(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		input   string
		opts    Options
		read    int
		stored  int
		rejects []wantReject
	}{{
		name:    "datetime that is not one",
		file:    "DeviceProcessEvents.jsonl",
		input:   `{"Timestamp":"yesterday","DeviceName":"ws-1"}`,
		read:    1,
		rejects: []wantReject{{1, 14, `column Timestamp: "yesterday" is not a datetime`}},
	}, {
		name:  "long that is not one, on line 2",
		file:  "DeviceProcessEvents.jsonl",
		input: "{\"ReportId\":1}\n{\"DeviceName\":\"ws-1\",\"ReportId\":\"abc\"}\n{\"ReportId\":3}\n",
		read:  3, stored: 2,
		rejects: []wantReject{{2, 33, `column ReportId: "abc" is not a long`}},
	}, {
		name:    "bool that is not one",
		file:    "DeviceFileCertificateInfo.jsonl",
		input:   `{"IsSigned":"maybe"}`,
		read:    1,
		rejects: []wantReject{{1, 13, `column IsSigned: "maybe" is not a bool`}},
	}, {
		name:    "fraction in a long column",
		file:    "DeviceProcessEvents.jsonl",
		input:   `{"ProcessId":1.5}`,
		read:    1,
		rejects: []wantReject{{1, 14, `column ProcessId: 1.5 is not a whole number`}},
	}, {
		name:    "int out of range",
		file:    "DeviceNetworkEvents.jsonl",
		input:   `{"RemotePort":99999999999}`,
		read:    1,
		rejects: []wantReject{{1, 15, `column RemotePort: 99999999999 is out of range for int`}},
	}, {
		name:    "long out of range",
		file:    "DeviceInfo.jsonl",
		input:   `{"ReportId":9223372036854775808}`,
		read:    1,
		rejects: []wantReject{{1, 13, `column ReportId: 9223372036854775808 is out of range for long`}},
	}, {
		name:    "object in a datetime column",
		file:    "DeviceInfo.jsonl",
		input:   `{"Timestamp":{"a":1}}`,
		read:    1,
		rejects: []wantReject{{1, 14, `column Timestamp: {"a":1} is not a datetime`}},
	}, {
		name:  "JSON syntax error, the rest of the file continues",
		file:  "DeviceInfo.jsonl",
		input: "{\"DeviceName\":\"a\",}\n{\"DeviceName\":\"b\"}\n",
		read:  2, stored: 1,
		rejects: []wantReject{{1, 19, "JSON syntax error: invalid character '}', expected a string key"}},
	}, {
		name:    "invalid UTF-8",
		file:    "DeviceInfo.jsonl",
		input:   "{\"DeviceName\":\"a\xffb\"}\n",
		read:    1,
		rejects: []wantReject{{1, 17, "invalid UTF-8"}},
	}, {
		name:  "truncated last line",
		file:  "DeviceInfo.jsonl",
		input: "{\"DeviceName\":\"a\"}\n{\"DeviceName\":\"tru",
		read:  2, stored: 1,
		rejects: []wantReject{{2, 19, "truncated JSON: unexpected end of input in a string"}},
	}, {
		name:  "data after the value",
		file:  "DeviceInfo.jsonl",
		input: `{"DeviceName":"a"} x`,
		read:  2, stored: 1,
		rejects: []wantReject{{1, 20, "unexpected data after the value"}},
	}, {
		name:  "array elements that are not objects",
		file:  "DeviceInfo.json",
		input: `[{"DeviceName":"a"}, 5, "x"]`,
		read:  3, stored: 1,
		rejects: []wantReject{{1, 22, "array element is not an object"}, {1, 25, "array element is not an object"}},
	}, {
		name: "unknown streaming category: every row rejected",
		file: "PT1H.json",
		input: "{\"category\":\"AdvancedHunting-DeviceProcesEvents\",\"properties\":{\"DeviceName\":\"a\"}}\n" +
			"{\"category\":\"AdvancedHunting-DeviceProcesEvents\",\"properties\":{\"DeviceName\":\"b\"}}\n",
		read: 2,
		rejects: []wantReject{
			{1, 13, `unknown table "DeviceProcesEvents" (category "AdvancedHunting-DeviceProcesEvents"); did you mean DeviceProcessEvents?`},
			{2, 13, `unknown table "DeviceProcesEvents"`},
		},
	}, {
		name:    "envelope whose properties are not an object",
		file:    "PT1H.json",
		input:   `{"category":"AdvancedHunting-DeviceInfo","properties":"x"}`,
		read:    1,
		rejects: []wantReject{{1, 55, "properties are not an object"}},
	}, {
		name:  "bad value inside a records message keeps the other records",
		file:  "message.json",
		input: `{"records":[{"category":"AdvancedHunting-DeviceInfo","properties":{"ReportId":1}},{"category":"AdvancedHunting-DeviceInfo","properties":{"ReportId":true}}]}`,
		read:  2, stored: 1,
		rejects: []wantReject{{1, 149, "column ReportId: true is not a long"}},
	}, {
		name: "truncated API document keeps the rows before the cut",
		file: "DeviceInfo.json",
		input: "{\"Schema\":[{\"Name\":\"ReportId\",\"Type\":\"Int64\"}],\n\"Results\":[\n" +
			"{\"ReportId\":1},\n{\"ReportId\":2},\n{\"Repo",
		read: 3, stored: 2,
		rejects: []wantReject{{5, 7, "truncated JSON: unexpected end of input in a string"}},
	}, {
		name: "Log Analytics row of the wrong length",
		file: "DeviceInfo.json",
		input: `{"tables":[{"name":"PrimaryResult","columns":[{"name":"DeviceName","type":"string"},{"name":"ReportId","type":"long"}],` +
			"\n" + `"rows":[["a",1],["b"],["c","x"]]}]}`,
		read: 3, stored: 1,
		rejects: []wantReject{{2, 17, "row has 1 values, the table has 2 columns"}, {2, 28, `column ReportId: "x" is not a long`}},
	}, {
		name:  "row without a table after rows with one",
		file:  "rows.jsonl",
		input: "{\"Type\":\"DeviceInfo\",\"DeviceName\":\"a\"}\n{\"Type\":\"Heartbeat\",\"DeviceName\":\"b\"}\n",
		read:  2, stored: 1,
		rejects: []wantReject{{2, 1, "cannot tell the row's table"}},
	}, {
		name:  "CSV row with the wrong field count",
		file:  "DeviceInfo.csv",
		input: "DeviceName,ReportId,OSPlatform\na,1,Windows10\nb,2\nc,3,Windows11\n",
		read:  3, stored: 2,
		rejects: []wantReject{{3, 0, "row has 2 fields, the header has 3"}},
	}, {
		name:  "CSV value of the wrong type, CRLF",
		file:  "DeviceInfo.csv",
		input: "DeviceName,ReportId,IsAzureADJoined\r\na,1,true\r\nb,2,maybe\r\n",
		read:  2, stored: 1,
		rejects: []wantReject{{3, 5, `column IsAzureADJoined: "maybe" is not a bool`}},
	}, {
		name:  "CSV bare quote",
		file:  "DeviceInfo.csv",
		input: "DeviceName,ReportId\na\"b,1\nc,2\n",
		read:  2, stored: 1,
		rejects: []wantReject{{2, 2, `CSV: bare " in non-quoted-field`}},
	}, {
		name:  "CSV truncated inside a quoted field",
		file:  "DeviceInfo.csv",
		input: "DeviceName,ReportId\na,1\n\"b\nc",
		read:  2, stored: 1,
		rejects: []wantReject{{3, 0, "truncated CSV: the quoted field starting on line 3 is not closed"}},
	}, {
		name:    "CSV invalid UTF-8",
		file:    "DeviceInfo.csv",
		input:   "DeviceName,ReportId\nab\xfe,1\n",
		read:    1,
		rejects: []wantReject{{2, 3, "column DeviceName: invalid UTF-8"}},
	}, {
		name:    "CSV BOM and leading blank lines shift positions",
		file:    "DeviceInfo.csv",
		input:   "\ufeff\n\nDeviceName,ReportId\nb,x\n",
		read:    1,
		rejects: []wantReject{{4, 3, `column ReportId: "x" is not a long`}},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := loadString(t, tc.file, tc.input, tc.opts)
			if err != nil {
				t.Fatalf("LoadReader: %v", err)
			}
			if res.Read != tc.read || res.Stored != tc.stored {
				t.Errorf("read %d stored %d rejected %d, want read %d stored %d", res.Read, res.Stored, res.Rejected, tc.read, tc.stored)
			}
			if tc.stored == 0 && len(res.Tables) != 0 {
				t.Errorf("tables %v with no stored rows", sortedKeys(res.Tables))
			}
			if len(res.Rejects) != len(tc.rejects) {
				t.Fatalf("rejects %v, want %d", res.Rejects, len(tc.rejects))
			}
			for i, w := range tc.rejects {
				r := res.Rejects[i]
				if r.File != tc.file || r.Line != w.line || w.col >= 0 && r.Column != w.col || !strings.Contains(r.Reason, w.reason) {
					t.Errorf("reject %d = %s (col %d), want %d:%d: %s", i, r, r.Column, w.line, w.col, w.reason)
				}
			}
		})
	}
}

// TestRejectsFixture reads a file with one defect of each kind.
func TestRejectsFixture(t *testing.T) {
	res := load(t, Options{}, "testdata/bad/DeviceProcessEvents-rejects.jsonl")
	if res.Read != 8 || res.Stored != 2 || res.Rejected != 6 {
		t.Fatalf("read %d stored %d rejected %d: %v", res.Read, res.Stored, res.Rejected, res.Rejects)
	}
	wantLines := []int{2, 3, 4, 7, 8, 9}
	for i, r := range res.Rejects {
		if r.Line != wantLines[i] {
			t.Errorf("reject %d on line %d, want %d: %s", i, r.Line, wantLines[i], r)
		}
		if r.Raw == "" {
			t.Errorf("reject %d has no raw text", i)
		}
	}
	if got := value(t, res, "DeviceProcessEvents", 1, "ProcessId"); got.String() != "1500" {
		t.Errorf("ProcessId 1.5e3 read as %v", got)
	}
}

// TestTruncatedDocument reads an API response cut off inside its second row.
func TestTruncatedDocument(t *testing.T) {
	res := load(t, Options{}, "testdata/bad/DeviceInfo-truncated.json")
	if res.Stored != 1 || res.Rejected != 1 {
		t.Fatalf("stored %d rejected %d: %v", res.Stored, res.Rejected, res.Rejects)
	}
	r := res.Rejects[0]
	if !strings.HasPrefix(r.Reason, "truncated JSON") || r.Line != 12 {
		t.Errorf("reject %s", r)
	}
}

func TestRawTruncated(t *testing.T) {
	long := `{"Timestamp":"bad","DeviceName":"` + strings.Repeat("é", 2000) + `"}`
	res, _ := loadString(t, "DeviceInfo.jsonl", long, Options{})
	if len(res.Rejects) != 1 {
		t.Fatalf("rejects %v", res.Rejects)
	}
	raw := res.Rejects[0].Raw
	if len(raw) > MaxRawBytes || len(raw) < MaxRawBytes-4 || !strings.HasPrefix(long, raw) {
		t.Errorf("raw has %d bytes", len(raw))
	}
}

func TestMaxRejects(t *testing.T) {
	in := strings.Repeat("{\"ReportId\":\"x\"}\n", 10)
	res, err := LoadReader("DeviceInfo.jsonl", strings.NewReader(in), Options{MaxRejects: 3})
	if err != nil {
		t.Fatal(err)
	}
	if res.Read != 10 || res.Rejected != 10 || len(res.Rejects) != 3 || !hasWarning(res, "7 more rejected rows not listed") {
		t.Errorf("read %d rejected %d listed %d warnings %v", res.Read, res.Rejected, len(res.Rejects), res.Warnings)
	}
}

// TestFileErrors covers inputs that cannot be read at all.
func TestFileErrors(t *testing.T) {
	tests := []struct {
		name, file, input, err string
	}{
		{"no table", "export.jsonl", `{"DeviceName":"a"}`, "cannot tell which table"},
		{"no table in CSV", "export.csv", "DeviceName\na\n", "cannot tell which table"},
		{"Type names no table", "export.jsonl", `{"Type":"Heartbeat"}`, "cannot tell which table"},
		{"zip", "DeviceInfo.zip", "PK\x03\x04rest", "zip archives are not supported"},
		{"parquet", "DeviceInfo.parquet", "PAR1rest", "not a readable Parquet file"},
		{"UTF-16", "DeviceInfo.csv", "\xff\xfeD\x00", "UTF-16"},
		{"binary", "DeviceInfo.bin", "abc\x00def", "binary data"},
		{"bad gzip header", "DeviceInfo.gz", "\x1f\x8b\x00", "not a valid gzip stream"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := loadString(t, tc.file, tc.input, Options{})
			if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), tc.file) {
				t.Fatalf("err = %v, want %q", err, tc.err)
			}
			if len(res.Files) != 1 || !strings.Contains(res.Files[0].Error, tc.err) {
				t.Errorf("files %+v", res.Files)
			}
		})
	}
	if _, err := Load([]string{"testdata/api"}, Options{Table: "DeviceProcesEvents"}); err == nil ||
		!strings.Contains(err.Error(), "did you mean DeviceProcessEvents") {
		t.Errorf("unknown Options.Table: %v", err)
	}
}

func TestLongLines(t *testing.T) {
	defer func(n int) { maxLineBytes = n }(maxLineBytes)
	maxLineBytes = 100
	long := `{"DeviceName":"` + strings.Repeat("x", 200) + `"}`
	short := `{"DeviceName":"a"}`

	// A long line after the first is skipped and rejected.
	res, err := loadString(t, "DeviceInfo.jsonl", short+"\n"+long+"\n"+short+"\n", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Stored != 2 || len(res.Rejects) != 1 || res.Rejects[0].Line != 2 ||
		!strings.Contains(res.Rejects[0].Reason, "line longer than 100 bytes") {
		t.Errorf("stored %d rejects %v", res.Stored, res.Rejects)
	}

	// A long first line is read whole: the input is read as one document.
	res, err = loadString(t, "DeviceInfo.jsonl", long+"\n"+short+"\n", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Stored != 2 || res.Rejected != 0 {
		t.Errorf("stored %d rejects %v", res.Stored, res.Rejects)
	}
}
