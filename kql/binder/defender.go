package binder

import (
	"fmt"
	"strings"
	"sync"

	"github.com/rmmhunt/rmmhunt/kql/ast"
	"github.com/rmmhunt/rmmhunt/kql/parser"
	"github.com/rmmhunt/rmmhunt/kql/token"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// defenderFunc is a built-in function of Microsoft Defender XDR advanced
// hunting that is computed from exported tables: its definition is KQL,
// bound like a function the query declares with let.
type defenderFunc struct {
	// table and columns are what the definition reads; a catalog that
	// lacks them cannot bind the function.
	table   string
	columns []string
	src     string
}

// defenderFuncs follow the Microsoft Defender XDR reference pages
// "AssignedIPAddresses() function" and "DeviceFromIP() function". Neither
// page gives the definition, so the rule of each is stated here and pinned
// by testdata/defender_functions.test.
//
// AssignedIPAddresses(x, y) "obtain[s] the latest IP addresses that have
// been assigned to a device", identified by "DeviceId or DeviceName"; with
// the datetime y, "the most recent IP addresses at the specified time". Its
// columns are Timestamp ("latest time when the device was observed using
// the IP address"), IPAddress, IPType ("public or private"),
// NetworkAdapterType and ConnectedNetworks. Here: the latest
// DeviceNetworkInfo report of each of the device's adapters at or before y
// (or in all the data), one row per address in the report's IPAddresses,
// IPType from the address's AddressType. The page types NetworkAdapterType
// and ConnectedNetworks as int; they keep DeviceNetworkInfo's types, since
// the page itself describes ConnectedNetworks as JSON arrays.
//
// DeviceFromIP(y) is invoked on a table whose column IP holds the addresses
// and returns "the list of devices that have been assigned to a certain IP
// address at a given point in time": columns IP and DeviceId, from the same
// latest reports of every device's adapters at or before y (or in all the
// data), one row per distinct address and device.
var defenderFuncs = map[string]*defenderFunc{
	"AssignedIPAddresses": {
		table:   "DeviceNetworkInfo",
		columns: []string{"Timestamp", "DeviceId", "DeviceName", "NetworkAdapterName", "MacAddress", "NetworkAdapterType", "ConnectedNetworks", "IPAddresses"},
		src: `(x:string, y:datetime = datetime(null)) {
    DeviceNetworkInfo
    | where DeviceId == x or DeviceName =~ x
    | where isnull(y) or Timestamp <= y
    | summarize arg_max(Timestamp, NetworkAdapterType, ConnectedNetworks, IPAddresses) by DeviceId, NetworkAdapterName, MacAddress
    | mv-expand Address = parse_json(IPAddresses)
    | project Timestamp, IPAddress = tostring(Address.IPAddress), IPType = tostring(Address.AddressType), NetworkAdapterType, ConnectedNetworks
    | where isnotempty(IPAddress)
}`,
	},
	"DeviceFromIP": {
		table:   "DeviceNetworkInfo",
		columns: []string{"Timestamp", "DeviceId", "NetworkAdapterName", "MacAddress", "IPAddresses"},
		src: `(T:(IP:string), y:datetime = datetime(null)) {
    let Assigned = DeviceNetworkInfo
        | where isnull(y) or Timestamp <= y
        | summarize arg_max(Timestamp, IPAddresses) by DeviceId, NetworkAdapterName, MacAddress
        | mv-expand Address = parse_json(IPAddresses)
        | project IP = tostring(Address.IPAddress), DeviceId;
    T
    | distinct IP
    | join kind=inner (Assigned) on IP
    | distinct IP, DeviceId
}`,
	},
}

// cloudFunctions are Defender XDR built-in functions whose results come
// from Microsoft's cloud data, not from the exported tables.
var cloudFunctions = map[string]string{
	"FileProfile": "FileProfile() enriches files with Microsoft's global file intelligence (prevalence, first and last seen worldwide, signer, threat names), which exported tables do not carry",
	"SeenBy":      "SeenBy() lists the devices that discovered a device through Defender's device discovery service, whose observations exported tables do not carry",
}

// cloudOnly is the message for a call of a Defender function of Microsoft's
// cloud data.
func cloudOnly(name, why string) string {
	return fmt.Sprintf("%s is a Microsoft Defender XDR function of Microsoft's cloud data, not available offline: %s", name, why)
}

var (
	defenderOnce sync.Once
	defenderLits map[string]*ast.FuncLit
)

// defenderLit returns the parsed definition of a Defender function.
func defenderLit(name string) *ast.FuncLit {
	defenderOnce.Do(func() {
		defenderLits = map[string]*ast.FuncLit{}
		for n, f := range defenderFuncs {
			src := "let " + n + " = " + f.src + ";\nprint 0"
			q, diags := parser.ParseQuery(token.NewFile(n, src))
			if diags != nil && diags.HasErrors() {
				panic(fmt.Sprintf("binder: the definition of %s does not parse: %v", n, diags.Err()))
			}
			defenderLits[n] = q.Stmts[0].(*ast.LetStmt).Value.(*ast.FuncLit)
		}
	})
	return defenderLits[name]
}

// isDefenderFunction reports whether name is a Defender built-in function
// computed offline or kept unsupported with a reason.
func isDefenderFunction(name string) bool {
	_, ok := defenderFuncs[name]
	_, cloud := cloudFunctions[name]
	return ok || cloud
}

// defenderBinding returns the binding of the Defender function name, called
// at pos, or nil (after reporting why) when it cannot be bound: a function
// of Microsoft's cloud data, or a catalog without the table it reads.
func (b *binder) defenderBinding(name string, pos token.Span) *binding {
	if why, ok := cloudFunctions[name]; ok {
		b.unsupported(pos, "%s", cloudOnly(name, why))
		return nil
	}
	f := defenderFuncs[name]
	info, ok := b.cat.Table(f.table)
	var missing []string
	for _, c := range f.columns {
		if !ok || info.Columns.Index(c) < 0 {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		b.errorf(pos, "%s reads %s(%s), which the data does not have", name, f.table, strings.Join(missing, ", "))
		return nil
	}
	if i := info.Columns.Index("Timestamp"); info.Columns[i].Type != types.Datetime {
		b.errorf(pos, "%s reads %s.Timestamp as a datetime, but it is %s", name, f.table, info.Columns[i].Type)
		return nil
	}
	return &binding{fn: defenderLit(name), fnScope: &scope{names: map[string]*binding{}}}
}

// fileProfileColumns are the columns FileProfile() adds, as the Microsoft
// Defender XDR reference page "FileProfile() function" lists them.
var fileProfileColumns = table.Schema{
	{Name: "SHA1", Type: types.String}, {Name: "SHA256", Type: types.String}, {Name: "MD5", Type: types.String},
	{Name: "FileSize", Type: types.Long}, {Name: "GlobalPrevalence", Type: types.Long},
	{Name: "GlobalFirstSeen", Type: types.Datetime}, {Name: "GlobalLastSeen", Type: types.Datetime},
	{Name: "Signer", Type: types.String}, {Name: "Issuer", Type: types.String}, {Name: "SignerHash", Type: types.String},
	{Name: "IsCertificateValid", Type: types.Bool}, {Name: "IsRootSignerMicrosoft", Type: types.Bool},
	{Name: "SignatureState", Type: types.String}, {Name: "IsExecutable", Type: types.Bool},
	{Name: "ThreatName", Type: types.String}, {Name: "Publisher", Type: types.String},
	{Name: "SoftwareName", Type: types.String}, {Name: "ProfileAvailability", Type: types.String},
}

// bindFileProfile binds `T | invoke FileProfile([x [, y]])`: x names the
// column with the file's SHA1 or SHA256 (SHA1 by default), y is the number
// of records to enrich (at most 1000). The result is T with the documented
// profile columns added (those T lacks), so the rest of the query binds and
// type-checks; computing it needs Microsoft's cloud data, which is reported
// as not computed.
func (b *binder) bindFileProfile(sc *scope, in Node, x *ast.InvokeOp) Node {
	args := x.Call.Args
	if len(args) > 2 {
		b.errorf(x.Call.Pos, "FileProfile takes a file-identifier column and a record count")
		return nil
	}
	inSchema := in.Schema()
	if len(args) >= 1 {
		col := ""
		switch a := args[0].(type) {
		case *ast.Ident:
			col = a.Name
		case *ast.BasicLit:
			if a.Kind == ast.LitString {
				col = a.Value
			}
		}
		if col != "" && inSchema.Index(col) < 0 {
			b.errorf(args[0].Span(), "FileProfile: the input has no column %s", col)
			return nil
		}
	}
	if len(args) == 2 {
		if v, ok := fold(b.bindScalar(sc, nil, args[1])); !ok || !v.Type.UsesInts() || v.Null {
			b.errorf(args[1].Span(), "FileProfile: the record count must be an integer constant")
			return nil
		}
	}
	cols := append(table.Schema(nil), inSchema...)
	exprs := make([]Expr, 0, len(cols)+len(fileProfileColumns))
	for i, c := range inSchema {
		exprs = append(exprs, &ColumnRef{Index: i, Name: c.Name, T: c.Type, Pos: x.Pos})
	}
	for _, c := range fileProfileColumns {
		if cols.Index(c.Name) >= 0 {
			continue
		}
		cols = append(cols, c)
		exprs = append(exprs, &Const{V: types.NullOf(c.Type), Pos: x.Pos})
	}
	b.diags.NotComputedf(x.Call.Fun.Pos, "%s", cloudOnly("FileProfile", cloudFunctions["FileProfile"]))
	return &Project{Input: in, Exprs: exprs, Columns: cols}
}
