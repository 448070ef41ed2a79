package engine

import (
	"sort"
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/binder"
	kqlparser "github.com/rmmhunt/rmmhunt/kql/parser"
	"github.com/rmmhunt/rmmhunt/kql/token"
)

// TestPlanProjection checks which columns of a scan a query needs.
func TestPlanProjection(t *testing.T) {
	tests := []struct {
		query string
		want  string // needed columns of the (only) scan, sorted; "*" = all
	}{
		{`DeviceFileCertificateInfo
		  | where Timestamp between (ago(5d)..now())
		  | where Signer has_any ('AmidaWare', 'Tactical Techs')
		  | summarize FirstSeen=min(Timestamp), LastSeen=max(Timestamp), Report=make_set(ReportId), Count=count() by DeviceId, DeviceName`,
			"DeviceId DeviceName ReportId Signer Timestamp"},
		{`DeviceFileCertificateInfo | take 10`, "*"},
		{`DeviceFileCertificateInfo | where IsSigned | project Signer`, "IsSigned Signer"},
		{`DeviceFileCertificateInfo | count`, ""},
		{`DeviceFileCertificateInfo | extend x = tolower(Signer) | project x, SHA1`, "SHA1 Signer"},
		{`DeviceFileCertificateInfo | summarize arg_max(Timestamp, *) by DeviceId`, "*"},
		{`DeviceFileCertificateInfo | join kind=inner (DeviceProcessEvents | project SHA1, FileName) on SHA1 | project FileName, Signer`, "SHA1 Signer"},
		{`DeviceFileCertificateInfo | where Signer in ((DeviceProcessEvents | project ProcessVersionInfoCompanyName)) | distinct DeviceName`, "DeviceName Signer"},
	}
	for _, tt := range tests {
		f := token.NewFile("q", tt.query)
		tree, d := kqlparser.ParseQuery(f)
		if d.HasErrors() {
			t.Fatalf("%s: %s", tt.query, d.Format())
		}
		root, bd := binder.Bind(tree, f, binder.Options{})
		if bd.HasErrors() {
			t.Fatalf("%s: %s", tt.query, bd.Format())
		}
		needs := planProjection(root)
		got := "*"
		for s, m := range needs {
			if s.Table != "DeviceFileCertificateInfo" {
				continue
			}
			var cols []string
			for i, v := range m {
				if v {
					cols = append(cols, s.Columns[i].Name)
				}
			}
			sort.Strings(cols)
			got = strings.Join(cols, " ")
			if len(cols) == len(s.Columns) {
				got = "*"
			}
		}
		if got != tt.want {
			t.Errorf("%s:\n got  %q\n want %q", tt.query, got, tt.want)
		}
	}
}
