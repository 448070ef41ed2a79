package ingest

import (
	"bytes"
	"fmt"
	"testing"
)

const benchRows = 100000

// benchStreaming returns storage-blob JSON Lines: one envelope per line.
func benchStreaming(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, `{"time":"2025-03-04T09:23:10.0412877Z","tenantId":"5b1f0c2e-7d44-4b0a-9a3e-2f6c1d8e9a10","operationName":"Publish","category":"AdvancedHunting-DeviceProcessEvents","properties":{"Timestamp":"2025-03-04T09:21:%02d.5120094Z","DeviceId":"8c1e0f5a2b7d4c9e3f60a1b2c3d4e5f6a7b8c9d0","DeviceName":"ws-%d.contoso.local","ActionType":"ProcessCreated","FileName":"AnyDesk.exe","FolderPath":"C:\\Program Files (x86)\\AnyDesk\\AnyDesk.exe","SHA1":"0f3b2a9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a","ProcessCommandLine":"\"AnyDesk.exe\" --service --id %d","ProcessId":%d,"AccountName":"system","AccountDomain":"nt authority","InitiatingProcessFileName":"services.exe","InitiatingProcessId":712,"ReportId":%d,"AdditionalFields":null,"MachineGroup":"Finance Workstations"}}`+"\n",
			i%60, i%50, i, 4000+i%3000, 48190+i)
	}
	return b.Bytes()
}

func benchCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("Timestamp,DeviceId,DeviceName,ActionType,FileName,FolderPath,SHA1,ProcessCommandLine,ProcessId,AccountName,InitiatingProcessFileName,ReportId\n")
	for i := range n {
		fmt.Fprintf(&b, `2025-03-04T09:21:%02d.5120094Z,8c1e0f5a2b7d4c9e3f60a1b2c3d4e5f6a7b8c9d0,ws-%d.contoso.local,ProcessCreated,AnyDesk.exe,C:\Program Files (x86)\AnyDesk\AnyDesk.exe,0f3b2a9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a,"""AnyDesk.exe"" --service --id %d",%d,system,services.exe,%d`+"\n",
			i%60, i%50, i, 4000+i%3000, 48190+i)
	}
	return b.Bytes()
}

func benchLoad(b *testing.B, name string, data []byte) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		res, err := LoadReader(name, bytes.NewReader(data), Options{})
		if err != nil || res.Stored != benchRows {
			b.Fatalf("stored %d, err %v", res.Stored, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchRows), "ns/row")
}

func BenchmarkStreamingBlob(b *testing.B) { benchLoad(b, "PT1H.json", benchStreaming(benchRows)) }

func BenchmarkNDJSON(b *testing.B) { benchLoad(b, "DeviceProcessEvents.jsonl", ndjsonRows(benchRows)) }

func BenchmarkCSV(b *testing.B) { benchLoad(b, "DeviceProcessEvents.csv", benchCSV(benchRows)) }
