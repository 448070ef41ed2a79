package gen

// RMM tools the generator installs and the decoys it plants. Each profile
// names a catalog tool; its strings are realistic full values (certificate
// subjects, PE version-info strings, URLs) chosen so that the published
// jischell rule for the tool matches them under has semantics. The package
// tests check every profile against the catalog terms.

// toolProfile describes how one RMM tool shows up in telemetry.
type toolProfile struct {
	tool    string   // catalog name
	signers []string // certificate subjects, one chosen per install
	issuer  string
	company string // ProcessVersionInfoCompanyName
	product string // ProcessVersionInfoProductName
	desc    string
	version string
	files   []string // image names (catalog processes); files[0] is the main one
	folder  string   // may contain %u
	parent  string   // benign parent image of the main process
	cmd     string   // main process command line; may contain %u
	urls    []string // RemoteUrl values, one chosen per install
	port    int
	user    bool // runs as the logged-on user (else as SYSTEM)
	ipOnly  bool // also makes relay connections without a URL
	weight  float64
}

// Variants name the three published rule kinds, as in the rule titles
// ("Remote Management and Monitoring tool - <Tool> - <Variant>").
const (
	VariantFileSignature = "File Signature"
	VariantCreateProcess = "Create Process"
	VariantNetwork       = "Network Connection"
)

// Table names of the three generated tables.
const (
	TableCertificates = "DeviceFileCertificateInfo"
	TableProcesses    = "DeviceProcessEvents"
	TableNetwork      = "DeviceNetworkEvents"
)

var tableNames = [3]string{TableCertificates, TableProcesses, TableNetwork}
var variantNames = [3]string{VariantFileSignature, VariantCreateProcess, VariantNetwork}

const (
	tCert = iota
	tProc
	tNet
)

var toolProfiles = []toolProfile{
	{
		tool:    "TacticalRMM",
		signers: []string{"AmidaWare Inc.", "AmidaWare Inc.", "Tactical Techs"},
		issuer:  issuerSectigo,
		company: "AmidaWare Inc.", product: "Tactical RMM Agent", desc: "Tactical RMM Agent", version: "2.8.0.0",
		files:  []string{"tacticalrmm.exe"},
		folder: `C:\Program Files\TacticalAgent`, parent: "services.exe",
		cmd:  `"C:\Program Files\TacticalAgent\tacticalrmm.exe" -m svc`,
		urls: []string{"https://api.tacticalrmm.io/agent", "icanhazip.tacticalrmm.io"},
		port: 443, weight: 1,
	},
	{
		tool:    "NinjaRMM",
		signers: []string{"NinjaRMM, LLC"},
		issuer:  issuerDigiG4,
		company: "NinjaRMM, LLC", product: "NinjaRMM", desc: "NinjaRMM Agent", version: "5.9.1158.0",
		files:  []string{"NinjaRMMAgent.exe", "NinjaRMMAgentPatcher.exe"},
		folder: `C:\ProgramData\NinjaRMMAgent`, parent: "services.exe",
		cmd:  `"C:\ProgramData\NinjaRMMAgent\NinjaRMMAgent.exe" /service`,
		urls: []string{"app.ninjarmm.com", "https://eu.ninjarmm.com/ws/agent", "ca.ninjarmm.com"},
		port: 443, weight: 1,
	},
	{
		tool:    "AnyDesk",
		signers: []string{"AnyDesk Software GmbH", "philandro Software GmbH"},
		issuer:  issuerDigiG4,
		company: "AnyDesk Software GmbH", product: "AnyDesk", desc: "AnyDesk", version: "9.0.4",
		files:  []string{"AnyDesk.exe"},
		folder: `C:\Users\%u\Downloads`, parent: "explorer.exe",
		cmd:  `"C:\Users\%u\Downloads\AnyDesk.exe"`,
		urls: []string{"boot.net.anydesk.com", "relay-4a1f0c9e.net.anydesk.com", "https://anydesk.com/en/downloads"},
		port: 443, user: true, ipOnly: true, weight: 3,
	},
	{
		tool:    "ConnectWise",
		signers: []string{"ConnectWise, LLC", "ConnectWise, Inc."},
		issuer:  issuerDigiG4,
		company: "ScreenConnect Software", product: "ScreenConnect", desc: "ScreenConnect Client Service", version: "24.3.7.9067",
		files:  []string{"ScreenConnect.ClientService.exe", "ScreenConnect.WindowsClient.exe"},
		folder: `C:\Program Files (x86)\ScreenConnect Client (4f6b2c1d9e8a7b30)`, parent: "services.exe",
		cmd:  `"C:\Program Files (x86)\ScreenConnect Client (4f6b2c1d9e8a7b30)\ScreenConnect.ClientService.exe" "?e=Access&y=Guest&h=instance-7k2q9x-relay.screenconnect.com&p=443"`,
		urls: []string{"instance-7k2q9x-relay.screenconnect.com", "contoso.screenconnect.com"},
		port: 443, weight: 2,
	},
	{
		tool:    "TeamViewer",
		signers: []string{"TeamViewer Germany GmbH"},
		issuer:  issuerDigiG4,
		company: "TeamViewer Germany GmbH", product: "TeamViewer", desc: "TeamViewer 15", version: "15.60.3.0",
		files:  []string{"TeamViewer.exe", "TeamViewer_Service.exe"},
		folder: `C:\Program Files\TeamViewer`, parent: "explorer.exe",
		cmd:  `"C:\Program Files\TeamViewer\TeamViewer.exe"`,
		urls: []string{"router15.teamviewer.com", "client.teamviewer.com", "https://taf.teamviewer.com/v1/status"},
		port: 5938, user: true, ipOnly: true, weight: 3,
	},
	{
		tool:    "Splashtop",
		signers: []string{"Splashtop Inc."},
		issuer:  issuerDigiG4,
		company: "Splashtop Inc.", product: "Splashtop Streamer", desc: "Splashtop Remote Service", version: "3.7.2.4",
		files:  []string{"SRService.exe", "SRManager.exe"},
		folder: `C:\Program Files (x86)\Splashtop\Splashtop Remote\Server`, parent: "services.exe",
		cmd:  `"C:\Program Files (x86)\Splashtop\Splashtop Remote\Server\SRService.exe"`,
		urls: []string{"st2-v3-dc.splashtop.com", "relay.splashtop.com"},
		port: 443, weight: 1,
	},
	{
		tool:    "Atera",
		signers: []string{"Atera Networks Ltd"},
		issuer:  issuerDigiG4,
		company: "Atera Networks", product: "AteraAgent", desc: "AteraAgent", version: "1.8.7.2",
		files:  []string{"AteraAgent.exe"},
		folder: `C:\Program Files\ATERA Networks\AteraAgent`, parent: "services.exe",
		cmd:  `"C:\Program Files\ATERA Networks\AteraAgent\AteraAgent.exe"`,
		urls: []string{"agent-api.atera.com", "ps.atera.com"},
		port: 443, weight: 1,
	},
}

// Decoy traps: why a decoy would fool a wrong implementation of has.
const (
	// TrapSubstring: the value contains a rule term as a substring, but not
	// as a whole term (contains would match, has must not).
	TrapSubstring = "substring"
	// TrapPhrase: the value contains some terms of a multi-term needle, but
	// not the phrase (matching a phrase needle term by term would be wrong).
	TrapPhrase = "phrase"
)

// decoySpec is one near-miss value planted in the telemetry. The other
// columns of the decoy row carry the tool's genuine values, so only the
// decoy column keeps the row out of the rule's result.
type decoySpec struct {
	tool   string // the tool whose rule the value imitates
	table  int
	column string
	value  string
	trap   string
	why    string
}

var decoySpecs = []decoySpec{
	{"NinjaRMM", tCert, "Signer", "NinjaRMMAgent Ltd", TrapSubstring,
		"contains 'NinjaRMM' only inside the term 'NinjaRMMAgent'"},
	{"NinjaRMM", tCert, "Signer", "XNinjaRMM Corp", TrapSubstring,
		"contains 'NinjaRMM' only inside the term 'XNinjaRMM'"},
	{"TacticalRMM", tCert, "Signer", "AmidaWareHouse Logistics", TrapSubstring,
		"contains 'AmidaWare' only inside the term 'AmidaWareHouse'"},
	{"TacticalRMM", tCert, "Signer", "Tactical Technologies Inc", TrapPhrase,
		"has the term 'Tactical' but not the phrase 'Tactical Techs' ('Technologies' is not 'Techs')"},
	{"TacticalRMM", tCert, "Signer", "Tactical Techsolutions GmbH", TrapSubstring,
		"contains 'Tactical Techs' but it ends inside the term 'Techsolutions'"},
	{"AnyDesk", tCert, "Signer", "Philandro Softwareentwicklung GmbH", TrapSubstring,
		"contains 'philandro software' but it ends inside the term 'Softwareentwicklung'"},
	{"TacticalRMM", tProc, "ProcessVersionInfoCompanyName", "AmidaWareHouse Logistics", TrapSubstring,
		"contains 'AmidaWare' only inside the term 'AmidaWareHouse' (ProductName is the genuine 'Tactical RMM Agent')"},
	{"AnyDesk", tProc, "ProcessVersionInfoCompanyName", "Philandro Softwareentwicklung GmbH", TrapSubstring,
		"contains 'philandro software' but it ends inside the term 'Softwareentwicklung' (ProductName is the genuine 'AnyDesk')"},
	{"NinjaRMM", tProc, "ProcessVersionInfoCompanyName", "Ninja MSPs Consulting", TrapSubstring,
		"contains 'Ninja MSP' but it ends inside the term 'MSPs' (ProductName is the genuine 'NinjaRMM')"},
	{"AnyDesk", tNet, "RemoteUrl", "https://notanydesk.com.evil.example/login", TrapSubstring,
		"contains 'anydesk.com' but it starts inside the term 'notanydesk'"},
	{"AnyDesk", tNet, "RemoteUrl", "myanydesk.company.example", TrapSubstring,
		"contains 'anydesk.com' but it starts inside 'myanydesk' and ends inside 'company'"},
	{"NinjaRMM", tNet, "RemoteUrl", "https://ninjarmm.community.example/forum", TrapSubstring,
		"contains 'ninjarmm.com' but it ends inside the term 'community'"},
	{"TacticalRMM", tNet, "RemoteUrl", "nottacticalrmm.io", TrapSubstring,
		"contains 'tacticalrmm.io' but it starts inside the term 'nottacticalrmm'"},
	{"TacticalRMM", tNet, "RemoteUrl", "https://tacticalrmm.iox.example/agent", TrapSubstring,
		"contains 'tacticalrmm.io' but it ends inside the term 'iox'"},
}

func profileByName(name string) *toolProfile {
	for i := range toolProfiles {
		if toolProfiles[i].tool == name {
			return &toolProfiles[i]
		}
	}
	return nil
}
