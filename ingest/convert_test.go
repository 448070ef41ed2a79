package ingest

import (
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// cellString shows a cell as kind:value for comparisons.
func cellString(c *cell) string {
	switch c.kind {
	case kNull:
		return "null"
	case kBool:
		if c.i != 0 {
			return "bool:true"
		}
		return "bool:false"
	case kInt:
		return "int:" + types.NewLong(c.i).String()
	case kReal:
		return "real:" + types.FormatReal(c.f)
	case kStr:
		return "str:" + c.text()
	}
	return "dyn:" + types.DynamicJSON(c.d)
}

func TestJSONCell(t *testing.T) {
	ticks := func(s string) string { return "int:" + types.NewLong(datetime(s).I).String() }
	tests := []struct {
		typ  types.Type
		in   string
		want string // cell, or "!reason part"
	}{
		{types.String, `"a\\b"`, `str:a\b`},
		{types.String, `""`, `str:`},
		{types.String, `null`, `null`},
		{types.String, `12`, `str:12`},
		{types.String, `true`, `str:true`},
		{types.String, `{ "a" : [1, 2] }`, `str:{"a":[1,2]}`},
		{types.Long, `123456789012345678`, `int:123456789012345678`},
		{types.Long, `"123456789012345678"`, `int:123456789012345678`},
		{types.Long, `-9223372036854775808`, `int:-9223372036854775808`},
		{types.Long, `72192.0`, `int:72192`},
		{types.Long, `""`, `null`},
		{types.Long, `"abc"`, `!is not a long`},
		{types.Long, `1.5`, `!is not a whole number`},
		{types.Long, `1e300`, `!is not a whole number`},
		{types.Long, `true`, `!is not a long`},
		{types.Int, `2147483647`, `int:2147483647`},
		{types.Int, `2147483648`, `!out of range for int`},
		{types.Int, `"-5"`, `int:-5`},
		{types.Real, `0.25`, `real:0.25`},
		{types.Real, `"NaN"`, `real:NaN`},
		{types.Real, `7`, `real:7`},
		{types.Bool, `true`, `bool:true`},
		{types.Bool, `"True"`, `bool:true`},
		{types.Bool, `"0"`, `bool:false`},
		{types.Bool, `1`, `bool:true`},
		{types.Bool, `2`, `!is not a bool`},
		{types.Datetime, `"2022-09-01T18:23:41Z"`, ticks("2022-09-01T18:23:41Z")},
		{types.Datetime, `"2022-05-25T15:28:57.628Z"`, ticks("2022-05-25T15:28:57.628Z")},
		{types.Datetime, `"2022-11-07T17:00:58.1501482Z"`, ticks("2022-11-07T17:00:58.1501482Z")},
		{types.Datetime, `"yesterday"`, `!is not a datetime`},
		{types.Datetime, `1700000000`, `!is not a datetime`},
		{types.Timespan, `"01:02:03"`, `int:37230000000`},
		{types.Guid, `"{0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9}"`, `str:0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9`},
		{types.Guid, `"not-a-guid"`, `!is not a guid`},
		{types.Dynamic, `{"b":1,"a":[true,null]}`, `dyn:{"b":1,"a":[true,null]}`},
		{types.Dynamic, `"{\"k\":\"v\"}"`, `dyn:{"k":"v"}`},
		{types.Dynamic, `"plain"`, `dyn:"plain"`},
		{types.Dynamic, `""`, `null`},
		{types.Dynamic, `5`, `dyn:5`},
	}
	for _, tc := range tests {
		var scratch []byte
		scratch = make([]byte, 0, len(tc.in))
		var c cell
		reason := jsonCell(tc.typ, []byte(tc.in), &scratch, &c)
		got := cellString(&c)
		if reason != "" {
			got = "!" + reason
		}
		if strings.HasPrefix(tc.want, "!") && strings.Contains(got, tc.want[1:]) || got == tc.want {
			continue
		}
		t.Errorf("jsonCell(%s, %s) = %s, want %s", tc.typ, tc.in, got, tc.want)
	}
}

func TestTextCell(t *testing.T) {
	tests := []struct {
		typ  types.Type
		in   string
		want string
	}{
		{types.String, `a,"b"`, `str:a,"b"`},
		{types.String, ``, `null`},
		{types.Long, ` 42 `, `int:42`},
		{types.Long, `4.0`, `!is not a long`},
		{types.Long, `99999999999999999999`, `!out of range for long`},
		{types.Bool, `TRUE`, `bool:true`},
		{types.Bool, `False`, `bool:false`},
		{types.Bool, `1`, `bool:true`},
		{types.Bool, `yes`, `!is not a bool`},
		{types.Datetime, `3/4/2025, 2:05:00.000 PM`, "int:" + types.NewLong(datetime("2025-03-04T14:05:00Z").I).String()},
		{types.Datetime, `2025-03-04 14:05:00`, "int:" + types.NewLong(datetime("2025-03-04T14:05:00Z").I).String()},
		{types.Real, `1e3`, `real:1000`},
		{types.Dynamic, `[1,"a"]`, `dyn:[1,"a"]`},
		{types.Dynamic, `[1,`, `dyn:"[1,"`},
	}
	for _, tc := range tests {
		var c cell
		reason := textCell(tc.typ, tc.in, &c)
		got := cellString(&c)
		if reason != "" {
			got = "!" + reason
		}
		if strings.HasPrefix(tc.want, "!") && strings.Contains(got, tc.want[1:]) || got == tc.want {
			continue
		}
		t.Errorf("textCell(%s, %q) = %s, want %s", tc.typ, tc.in, got, tc.want)
	}
}

func TestHeaderName(t *testing.T) {
	for in, want := range map[string]string{
		"TimeGenerated [UTC]": "TimeGenerated",
		" Timestamp [utc] ":   "Timestamp",
		"DeviceName":          "DeviceName",
		"":                    "Column3",
	} {
		if got := headerName(in, 2); got != want {
			t.Errorf("headerName(%q) = %q, want %q", in, got, want)
		}
	}
}
