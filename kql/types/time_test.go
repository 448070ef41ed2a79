package types

import (
	"testing"
	"time"
)

func TestParseDatetime(t *testing.T) {
	tests := []struct {
		in   string
		want string // FormatDatetime of the result, "" = invalid
	}{
		{"2022-09-01T18:23:41Z", "2022-09-01T18:23:41.0000000Z"},
		{"2022-05-25T15:28:57.628Z", "2022-05-25T15:28:57.6280000Z"},
		{"2022-11-07T17:00:58.1501482Z", "2022-11-07T17:00:58.1501482Z"},
		{"2022-11-07T17:00:58.15014829Z", "2022-11-07T17:00:58.1501482Z"},
		{"2015-12-31", "2015-12-31T00:00:00.0000000Z"},
		{"2015-12-31 23:59:59.9", "2015-12-31T23:59:59.9000000Z"},
		{"2026-11-20T12:00:00+02:00", "2026-11-20T10:00:00.0000000Z"},
		{"2026-11-20T12:00", "2026-11-20T12:00:00.0000000Z"},
		{"0001-01-01T00:00:00Z", "0001-01-01T00:00:00.0000000Z"},
		{"3/4/2025, 9:19:58.661 AM", "2025-03-04T09:19:58.6610000Z"},
		{"Wed, 02 Oct 2002 15:00:00 GMT", "2002-10-02T15:00:00.0000000Z"},
		{"2021-02-30", ""},
		{"yesterday", ""},
		{"", ""},
		{"2026-13-01", ""},
	}
	for _, tt := range tests {
		ticks, ok := ParseDatetime(tt.in)
		got := ""
		if ok {
			got = FormatDatetime(ticks)
		}
		if got != tt.want {
			t.Errorf("ParseDatetime(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTicksRoundTrip(t *testing.T) {
	for _, s := range []string{"1970-01-01T00:00:00Z", "1969-12-31T23:59:59.9999999Z", "2026-11-20T10:00:00.1234567Z", "9999-12-31T23:59:59.9999999Z"} {
		ticks, ok := ParseDatetime(s)
		if !ok {
			t.Fatalf("parse %s", s)
		}
		back := TicksFromTime(TimeFromTicks(ticks))
		if back != ticks {
			t.Errorf("%s: round trip %d != %d", s, back, ticks)
		}
	}
	if got := TicksFromTime(time.Unix(0, 0)); got != UnixEpochTicks {
		t.Errorf("epoch ticks = %d", got)
	}
}

func TestTimespan(t *testing.T) {
	tests := []struct {
		lit  string
		want string
	}{
		{"5d", "5.00:00:00"}, {"1.5h", "01:30:00"}, {"30m", "00:30:00"}, {"10s", "00:00:10"},
		{"100ms", "00:00:00.1000000"}, {"1tick", "00:00:00.0000001"}, {"2days", "2.00:00:00"},
		{"3hours", "03:00:00"}, {"1microsecond", "00:00:00.0000010"}, {"200nanos", "00:00:00.0000002"},
	}
	for _, tt := range tests {
		v, ok := ParseTimespanLiteral(tt.lit)
		if !ok {
			t.Errorf("ParseTimespanLiteral(%q) failed", tt.lit)
			continue
		}
		if got := FormatTimespan(v); got != tt.want {
			t.Errorf("%s = %s, want %s", tt.lit, got, tt.want)
		}
	}
	for _, bad := range []string{"1w", "d", "5", "5 d", "1.2.3h"} {
		if _, ok := ParseTimespanLiteral(bad); ok {
			t.Errorf("ParseTimespanLiteral(%q) accepted", bad)
		}
	}
	forms := []struct{ in, want string }{
		{"2", "2.00:00:00"}, {"0.12:34:56.7", "12:34:56.7000000"}, {"-01:00:00", "-01:00:00"},
		{"15 seconds", "00:00:15"}, {"1.02:03:04", "1.02:03:04"},
	}
	for _, f := range forms {
		v, ok := ParseTimespan(f.in)
		if !ok {
			t.Errorf("ParseTimespan(%q) failed", f.in)
			continue
		}
		if got := FormatTimespan(v); got != f.want {
			t.Errorf("ParseTimespan(%q) = %s, want %s", f.in, got, f.want)
		}
	}
}

func TestDynamicJSON(t *testing.T) {
	d, ok := ParseJSON(`{"b":[1,2.5,"x",null,true],"a":{"big":123456789012345678}}`)
	if !ok {
		t.Fatal("parse failed")
	}
	if got, want := DynamicJSON(d), `{"b":[1,2.5,"x",null,true],"a":{"big":123456789012345678}}`; got != want {
		t.Errorf("DynamicJSON = %s, want %s", got, want)
	}
	if _, ok := ParseJSON(`{"a":1} x`); ok {
		t.Error("trailing garbage accepted")
	}
	if !DynamicEqual(int64(2), 2.0) {
		t.Error("2 != 2.0")
	}
}
