package ingest

import (
	"bytes"
	"os"
	"testing"
)

// fuzzLoad reads data as the named file and checks the result's
// invariants; errors are fine, panics and inconsistent counts are not.
func fuzzLoad(t *testing.T, name string, data []byte) {
	res, err := LoadReader(name, bytes.NewReader(data), Options{BatchRows: 3})
	if res == nil {
		t.Fatalf("nil result (err %v)", err)
	}
	checkInvariants(t, res)
	if err != nil && (len(res.Files) != 1 || res.Files[0].Error == "") {
		t.Fatalf("error %v without a file error: %+v", err, res.Files)
	}
}

func addFiles(f *testing.F, paths ...string) {
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

func FuzzStreaming(f *testing.F) {
	addFiles(f, "testdata/streaming/eventhub-message.json", blobFile)
	f.Add([]byte(`{"records":[{"category":"AdvancedHunting-DeviceInfo","properties":{"ReportId":"1","Timestamp":"2025-01-01"}}]}`))
	f.Add([]byte(`{"category":"AdvancedHunting-X","properties":{}}` + "\n" + `{"records":[]}`))
	f.Add([]byte(`{"records":[{"category":"AdvancedHunting-DeviceInfo","properties":{"A":{"b":[1,2.5,"\ud83d\ude00"]}}}`))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzLoad(t, "PT1H.json", data) })
}

func FuzzAPI(f *testing.F) {
	addFiles(f, "testdata/api/DeviceInfo-advancedhunting.json", "testdata/api/DeviceProcessEvents-graph.json",
		"testdata/loganalytics/query-result.json", "testdata/bad/DeviceInfo-truncated.json")
	f.Add([]byte(`{"Schema":[{"Name":"X","Type":"Int64"}],"Results":[{"X":"1"},{"X":1e400}]}`))
	f.Add([]byte(`{"tables":[{"rows":[[1]],"columns":[{"name":"ReportId","type":"long"}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzLoad(t, "DeviceInfo.json", data) })
}

func FuzzCSV(f *testing.F) {
	addFiles(f, "testdata/csv/DeviceFileCertificateInfo-2026-11.csv", "testdata/csv/DeviceProcessEvents_export.csv",
		"testdata/csv/la-portal-export.csv")
	f.Add([]byte("DeviceName,ReportId,Timestamp [UTC],,Type\r\n\"a\"\"b\",1,\"3/4/2025, 9:19:58.661 AM\",x,DeviceInfo\r\n\"c\n"))
	f.Add([]byte("\ufeffReportId\n99999999999999999999\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzLoad(t, "DeviceInfo.csv", data) })
}

func FuzzNDJSON(f *testing.F) {
	addFiles(f, "testdata/ndjson/DeviceProcessEvents.jsonl", "testdata/bad/DeviceProcessEvents-rejects.jsonl",
		"testdata/export/am-devicefilecertificateinfo/y=2025/m=03/d=04/h=09/m=05/PT05M.json")
	f.Add([]byte(`{"ProcessId":-0,"ReportId":-9223372036854775808,"X":1E+2,"Y":[],"Z":{}}` + "\r\n" + `{"Type":"DeviceInfo"}`))
	f.Add([]byte("{\"FileName\":\"a\\u0000\\\"\",\"ISP\":1}\n\n{"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzLoad(t, "DeviceProcessEvents.jsonl", data) })
}
