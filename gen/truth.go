package gen

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// TruthFile is the name of the answer key Generate writes next to the data.
const TruthFile = "truth.json"

// WindowDays is the look-back of the published RMM rules
// (Timestamp between (now(-5d)..now()), both ends inclusive).
const WindowDays = 5

// Datetime is a point in time in Kusto ticks (100 ns since 0001-01-01 UTC).
// In JSON it is a string with 7 fractional digits and Z, like the data.
type Datetime int64

// MarshalJSON writes the time as "2026-11-20T12:00:00.0000000Z".
func (d Datetime) MarshalJSON() ([]byte, error) {
	return appendDatetimeJSON(nil, int64(d)), nil
}

// UnmarshalJSON reads any datetime form the kql/types parser accepts.
func (d *Datetime) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("gen: datetime: %w", err)
	}
	t, ok := types.ParseDatetime(s)
	if !ok {
		return fmt.Errorf("gen: bad datetime %q", s)
	}
	*d = Datetime(t)
	return nil
}

// String formats the time as the data does.
func (d Datetime) String() string { return types.FormatDatetime(int64(d)) }

func appendDatetimeJSON(b []byte, ticks int64) []byte {
	b = append(b, '"')
	b = appendDatetime(b, ticks)
	return append(b, '"')
}

// Truth is the answer key of a generated data set (truth.json): the fleet,
// every RMM installation with the exact result the published rule for it
// must return, and the decoys no rule may return.
type Truth struct {
	// Options echoes what the data was generated with.
	Options TruthOptions `json:"options"`
	// ReferenceTime is the End of the data: use it as now() (the newest
	// Timestamp of each table equals it, so --now latest gives the same).
	ReferenceTime Datetime `json:"reference_time"`
	// WindowDays is the rules' look-back; WindowStart = ReferenceTime - 5d.
	WindowDays  int      `json:"window_days"`
	WindowStart Datetime `json:"window_start"`
	// DataStart is the earliest possible Timestamp (End - Days).
	DataStart Datetime `json:"data_start"`
	// TenantID is the envelope tenantId of every record.
	TenantID string `json:"tenant_id"`
	// Files lists the generated table files with their row counts.
	Files []TruthFileInfo `json:"files"`
	// Devices is the fleet.
	Devices []TruthDevice `json:"devices"`
	// Installs has one entry per (device, tool, rule variant).
	Installs []Install `json:"installs"`
	// Decoys are rows whose value must not match any rule.
	Decoys []Decoy `json:"decoys"`
}

// TruthOptions records the generator options.
type TruthOptions struct {
	Devices          int      `json:"devices"`
	Days             int      `json:"days"`
	Seed             int64    `json:"seed"`
	End              Datetime `json:"end"`
	RowsPerDeviceDay int      `json:"rows_per_device_day"`
	Gzip             bool     `json:"gzip"`
}

// TruthFileInfo describes one generated table file.
type TruthFileInfo struct {
	Table string `json:"table"`
	File  string `json:"file"`
	Rows  int    `json:"rows"`
}

// TruthDevice is one device of the fleet.
type TruthDevice struct {
	DeviceID     string `json:"device_id"`
	DeviceName   string `json:"device_name"`
	MachineGroup string `json:"machine_group"`
	Kind         string `json:"kind"` // workstation, laptop or server
	PrimaryUser  string `json:"primary_user,omitempty"`
	// LargeReportIDs is set when the device's ReportIds are 18-digit
	// values above 2^53 (exact only when decoded as integers).
	LargeReportIDs bool `json:"large_report_ids,omitempty"`
}

// Install is the expected result of one published rule
// ("Remote Management and Monitoring tool - <Tool> - <Variant>") for one
// device. FirstSeen, LastSeen, Count and ReportIDs cover the matching rows
// inside [WindowStart, ReferenceTime]; when InWindow is false the rule
// returns nothing for the device. Every matching row of an install has the
// same AccountUpn and RemoteUrl, so each in-window install is exactly one
// row of the rule's summarize.
type Install struct {
	DeviceID   string `json:"device_id"`
	DeviceName string `json:"device_name"`
	Tool       string `json:"tool"`
	Variant    string `json:"variant"`
	Table      string `json:"table"`
	// Scenario is how the install sits against the window: "straddle"
	// (rows before and inside), "before" (all rows before) or "recent"
	// (all rows inside).
	Scenario string `json:"scenario"`

	// Signer is the certificate subject of the File Signature rows.
	Signer string `json:"signer,omitempty"`
	// Company and Product are the PE version-info strings of the process
	// (Create Process: ProcessVersionInfo*; Network Connection:
	// InitiatingProcessVersionInfo*).
	Company  string `json:"company,omitempty"`
	Product  string `json:"product,omitempty"`
	FileName string `json:"file_name,omitempty"`
	// RemoteURL is the RemoteUrl of the Network Connection rows.
	RemoteURL string `json:"remote_url,omitempty"`
	// AccountUpn is AccountUpn (Create Process) or
	// InitiatingProcessAccountUpn (Network Connection: DeviceNetworkEvents
	// has no AccountUpn column, although the published rules group by
	// it); "" means the column is null (a SYSTEM process). Absent for File
	// Signature.
	AccountUpn *string `json:"account_upn,omitempty"`

	InWindow  bool      `json:"in_window"`
	FirstSeen *Datetime `json:"first_seen,omitempty"`
	LastSeen  *Datetime `json:"last_seen,omitempty"`
	Count     int       `json:"count"`
	ReportIDs []int64   `json:"report_ids"`

	// TotalCount, TotalFirstSeen and TotalLastSeen cover every matching row
	// in the data, inside the window or not.
	TotalCount     int      `json:"total_count"`
	TotalFirstSeen Datetime `json:"total_first_seen"`
	TotalLastSeen  Datetime `json:"total_last_seen"`
}

// Decoy is one planted row whose Column value resembles a rule term but
// must not match it under has semantics (whole-term matching).
type Decoy struct {
	DeviceID   string   `json:"device_id"`
	DeviceName string   `json:"device_name"`
	Table      string   `json:"table"`
	Column     string   `json:"column"`
	Value      string   `json:"value"`
	Tool       string   `json:"tool"` // the tool whose rule it imitates
	Trap       string   `json:"trap"` // TrapSubstring or TrapPhrase
	Why        string   `json:"why"`
	Timestamp  Datetime `json:"timestamp"`
	ReportID   int64    `json:"report_id"`
}

// ReadTruth reads a truth.json file.
func ReadTruth(path string) (*Truth, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var t Truth
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("gen: %s: %w", path, err)
	}
	return &t, nil
}
