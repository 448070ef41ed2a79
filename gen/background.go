package gen

// The benign background: code-signing signers, process images and network
// destinations of an ordinary Windows fleet. None of these strings may match
// a published RMM rule; the package tests check every value against the
// catalog's jischell terms under has semantics.

// signerInfo is one benign code-signing identity. Signers are listed from
// most to least frequent; the generator draws them with Zipf-like weights.
type signerInfo struct {
	name     string
	issuer   string
	msRoot   bool // IsRootSignerMicrosoft
	catalog  bool // usually catalog-signed (SignatureType "Catalog")
	files    int  // distinct signed files per fleet
	crl      string
	validYrs int
}

const (
	issuerMSPCA      = "Microsoft Windows Production PCA 2011"
	issuerMSCode     = "Microsoft Code Signing PCA 2011"
	issuerMS3P       = "Microsoft Windows Third Party Component CA 2014"
	issuerDigiG4     = "DigiCert Trusted G4 Code Signing RSA4096 SHA384 2021 CA1"
	issuerDigiAssure = "DigiCert SHA2 Assured ID Code Signing CA"
	issuerDigiEV     = "DigiCert EV Code Signing CA (SHA2)"
	issuerSectigo    = "Sectigo Public Code Signing CA R36"
	issuerSectigoEV  = "Sectigo Public Code Signing CA EV R36"
	issuerGlobalSign = "GlobalSign GCC R45 EV CodeSigning CA 2020"
	issuerEntrust    = "Entrust Extended Validation Code Signing CA - EVCS2"
	issuerSSL        = "SSL.com EV Code Signing Intermediate CA RSA R3"

	crlMS      = "http://www.microsoft.com/pkiops/crl/MicCodSigPCA2011_2011-07-08.crl"
	crlMSWin   = "http://www.microsoft.com/pkiops/crl/MicWinProPCA2011_2011-10-19.crl"
	crlDigi    = "http://crl3.digicert.com/DigiCertTrustedG4CodeSigningRSA4096SHA3842021CA1.crl"
	crlDigiA   = "http://crl3.digicert.com/sha2-assured-cs-g1.crl"
	crlSectigo = "http://crl.sectigo.com/SectigoPublicCodeSigningCAR36.crl"
	crlGS      = "http://crl.globalsign.com/gsgccr45evcodesignca2020.crl"
	crlEntrust = "http://crl.entrust.net/evcs2.crl"
	crlSSL     = "http://crls.ssl.com/SSLcom-SubCA-EV-CodeSigning-RSA-4096-R3.crl"
)

var benignSigners = []signerInfo{
	{"Microsoft Windows", issuerMSPCA, true, true, 60, crlMSWin, 1},
	{"Microsoft Corporation", issuerMSCode, true, false, 40, crlMS, 1},
	{"Microsoft Windows Publisher", issuerMSPCA, true, true, 20, crlMSWin, 1},
	{"Google LLC", issuerDigiG4, false, false, 6, crlDigi, 3},
	{"Intel Corporation", issuerDigiAssure, false, false, 8, crlDigiA, 3},
	{"Microsoft 3rd Party Application Component", issuerMS3P, true, true, 10, crlMSWin, 1},
	{"Adobe Inc.", issuerDigiG4, false, false, 8, crlDigi, 2},
	{"Mozilla Corporation", issuerDigiAssure, false, false, 4, crlDigiA, 3},
	{"Zoom Video Communications, Inc.", issuerDigiG4, false, false, 5, crlDigi, 2},
	{"NVIDIA Corporation", issuerDigiAssure, false, false, 6, crlDigiA, 3},
	{"Dell Inc", issuerDigiAssure, false, false, 5, crlDigiA, 3},
	{"Realtek Semiconductor Corp.", issuerDigiEV, false, false, 3, crlDigiA, 3},
	{"Oracle America, Inc.", issuerDigiAssure, false, false, 4, crlDigiA, 3},
	{"Cisco Systems, Inc.", issuerDigiG4, false, false, 4, crlDigi, 2},
	{"VMware, Inc.", issuerDigiAssure, false, false, 5, crlDigiA, 3},
	{"Citrix Systems, Inc.", issuerDigiAssure, false, false, 4, crlDigiA, 2},
	{"HP Inc.", issuerDigiG4, false, false, 4, crlDigi, 3},
	{"Lenovo", issuerDigiAssure, false, false, 3, crlDigiA, 3},
	{"Advanced Micro Devices, Inc.", issuerDigiEV, false, false, 3, crlDigiA, 3},
	{"Synaptics Incorporated", issuerDigiEV, false, false, 2, crlDigiA, 3},
	{"Logitech Inc", issuerDigiAssure, false, false, 2, crlDigiA, 3},
	{"Apple Inc.", issuerDigiAssure, false, false, 3, crlDigiA, 3},
	{"Slack Technologies, LLC", issuerDigiG4, false, false, 2, crlDigi, 2},
	{"Dropbox, Inc", issuerDigiG4, false, false, 3, crlDigi, 2},
	{"Python Software Foundation", issuerDigiG4, false, false, 3, crlDigi, 3},
	{"Notepad++", issuerSectigo, false, false, 1, crlSectigo, 3},
	{"Johannes Schindelin", issuerSectigo, false, false, 3, crlSectigo, 3},
	{"Docker Inc", issuerDigiG4, false, false, 2, crlDigi, 2},
	{"GitHub, Inc.", issuerDigiG4, false, false, 2, crlDigi, 2},
	{"JetBrains s.r.o.", issuerGlobalSign, false, false, 3, crlGS, 3},
	{"Foxit Software Incorporated", issuerDigiEV, false, false, 2, crlDigiA, 3},
	{"Valve Corp.", issuerDigiAssure, false, false, 2, crlDigiA, 3},
	{"Spotify AB", issuerDigiG4, false, false, 1, crlDigi, 2},
	{"Qualcomm Technologies, Inc.", issuerDigiAssure, false, false, 2, crlDigiA, 3},
	{"Broadcom Inc.", issuerDigiAssure, false, false, 2, crlDigiA, 3},
	{"Autodesk, Inc", issuerDigiG4, false, false, 3, crlDigi, 2},
	{"SAP SE", issuerEntrust, false, false, 2, crlEntrust, 3},
	{"Atlassian Pty Ltd", issuerDigiG4, false, false, 1, crlDigi, 2},
	{"AgileBits Inc.", issuerDigiG4, false, false, 1, crlDigi, 2},
	{"Amazon.com Services LLC", issuerDigiG4, false, false, 2, crlDigi, 2},
	{"Wireshark Foundation", issuerDigiG4, false, false, 1, crlDigi, 3},
	{"OpenJS Foundation", issuerDigiG4, false, false, 1, crlDigi, 3},
	{"Malwarebytes Inc", issuerDigiEV, false, false, 2, crlDigiA, 2},
	{"Tableau Software, LLC", issuerDigiG4, false, false, 1, crlDigi, 2},
	{"Cisco WebEx LLC", issuerDigiG4, false, false, 2, crlDigi, 2},
	{"Box, Inc.", issuerDigiG4, false, false, 1, crlDigi, 2},
	{"Corel Corporation", issuerSSL, false, false, 1, crlSSL, 2},
	{"Brother Industries, Ltd.", issuerGlobalSign, false, false, 1, crlGS, 3},
	{"Canon Inc.", issuerSectigoEV, false, false, 1, crlSectigo, 3},
}

// procInfo is one process image of the background. parent names another
// entry; entries with weight 0 only appear as parents.
type procInfo struct {
	file    string
	folder  string // may contain %u for the user's profile name
	company string
	product string
	desc    string
	version string
	signer  string // benign signer of the image ("" = unsigned)
	parent  string
	cmd     string // may contain %u
	user    bool   // runs in the user's context (else SYSTEM)
	weight  float64
	where   uint8 // placeWorkstation|placeServer
}

const (
	placeWorkstation uint8 = 1 << iota
	placeServer
	placeAny = placeWorkstation | placeServer
)

const (
	msCorp  = "Microsoft Corporation"
	msWinOS = "Microsoft® Windows® Operating System"
	sys32   = `C:\Windows\System32`
)

var benignProcs = []procInfo{
	// Parents and system plumbing.
	{"wininit.exe", sys32, msCorp, msWinOS, "Windows Start-Up Application", "10.0.22621.1", "Microsoft Windows", "smss.exe", "wininit.exe", false, 0, placeAny},
	{"smss.exe", sys32, msCorp, msWinOS, "Windows Session Manager", "10.0.22621.1", "Microsoft Windows", "System", `\SystemRoot\System32\smss.exe`, false, 0, placeAny},
	{"services.exe", sys32, msCorp, msWinOS, "Services and Controller app", "10.0.22621.3155", "Microsoft Windows", "wininit.exe", `C:\Windows\system32\services.exe`, false, 0, placeAny},
	{"winlogon.exe", sys32, msCorp, msWinOS, "Windows Logon Application", "10.0.22621.3155", "Microsoft Windows", "smss.exe", "winlogon.exe", false, 0, placeAny},
	{"userinit.exe", sys32, msCorp, msWinOS, "Userinit Logon Application", "10.0.22621.1", "Microsoft Windows", "winlogon.exe", `C:\Windows\system32\userinit.exe`, true, 0.3, placeAny},
	{"explorer.exe", `C:\Windows`, msCorp, msWinOS, "Windows Explorer", "10.0.22621.3155", "Microsoft Windows", "userinit.exe", `C:\Windows\Explorer.EXE`, true, 0.5, placeAny},
	{"svchost.exe", sys32, msCorp, msWinOS, "Host Process for Windows Services", "10.0.22621.3155", "Microsoft Windows", "services.exe", `C:\Windows\system32\svchost.exe -k netsvcs -p -s Schedule`, false, 30, placeAny},
	{"MsMpEng.exe", `C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.25010.11-0`, msCorp, msWinOS, "Antimalware Service Executable", "4.18.25010.11", "Microsoft Windows Publisher", "services.exe", `"C:\ProgramData\Microsoft\Windows Defender\platform\4.18.25010.11-0\MsMpEng.exe"`, false, 0.5, placeAny},
	{"MsSense.exe", `C:\Program Files\Windows Defender Advanced Threat Protection`, msCorp, msWinOS, "Windows Defender Advanced Threat Protection Service Executable", "10.8760.22621.3155", "Microsoft Windows", "services.exe", `"MsSense.exe"`, false, 0.5, placeAny},
	{"SearchIndexer.exe", sys32, msCorp, msWinOS, "Microsoft Windows Search Indexer", "7.0.22621.3155", "Microsoft Windows", "services.exe", `C:\Windows\system32\SearchIndexer.exe /Embedding`, false, 0.2, placeAny},
	{"cmd.exe", sys32, msCorp, msWinOS, "Windows Command Processor", "10.0.22621.2506", "Microsoft Windows", "explorer.exe", `"C:\Windows\system32\cmd.exe" /c "C:\Users\%u\AppData\Local\Temp\logon.cmd"`, true, 3, placeAny},
	{"conhost.exe", sys32, msCorp, msWinOS, "Console Window Host", "10.0.22621.2506", "Microsoft Windows", "cmd.exe", `\??\C:\Windows\system32\conhost.exe 0xffffffff -ForceV1`, true, 10, placeAny},
	{"powershell.exe", `C:\Windows\System32\WindowsPowerShell\v1.0`, msCorp, msWinOS, "Windows PowerShell", "10.0.22621.3085", "Microsoft Windows", "explorer.exe", `"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe" -NoProfile`, true, 3, placeAny},
	{"backgroundTaskHost.exe", sys32, msCorp, msWinOS, "Background Task Host", "10.0.22621.1", "Microsoft Windows", "svchost.exe", `"C:\Windows\system32\backgroundTaskHost.exe" -ServerName:BackgroundTaskHost.WebAccountProvider`, true, 6, placeWorkstation},
	{"RuntimeBroker.exe", sys32, msCorp, msWinOS, "Runtime Broker", "10.0.22621.3155", "Microsoft Windows", "svchost.exe", `C:\Windows\System32\RuntimeBroker.exe -Embedding`, true, 6, placeWorkstation},
	{"taskhostw.exe", sys32, msCorp, msWinOS, "Host Process for Windows Tasks", "10.0.22621.3155", "Microsoft Windows", "svchost.exe", "taskhostw.exe", true, 5, placeAny},
	{"dllhost.exe", sys32, msCorp, msWinOS, "COM Surrogate", "10.0.22621.1", "Microsoft Windows", "svchost.exe", `C:\Windows\system32\DllHost.exe /Processid:{3EB3C877-1F16-487C-9050-104DBCD66683}`, true, 5, placeAny},
	{"SearchProtocolHost.exe", sys32, msCorp, msWinOS, "Microsoft Windows Search Protocol Host", "7.0.22621.3155", "Microsoft Windows", "SearchIndexer.exe", `"C:\Windows\system32\SearchProtocolHost.exe" Global\UsGthrFltPipeMssGthrPipe1_ Global\UsGthrCtrlFltPipeMssGthrPipe1 1 -2147483646 "Software\Microsoft\Windows Search"`, false, 6, placeAny},
	{"WmiPrvSE.exe", `C:\Windows\System32\wbem`, msCorp, msWinOS, "WMI Provider Host", "10.0.22621.1", "Microsoft Windows", "svchost.exe", `C:\Windows\system32\wbem\wmiprvse.exe -secured -Embedding`, false, 6, placeAny},
	{"MpCmdRun.exe", `C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.25010.11-0`, msCorp, "Microsoft Malware Protection", "Microsoft Malware Protection Command Line Utility", "4.18.25010.11", "Microsoft Windows Publisher", "MsMpEng.exe", `"C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.25010.11-0\MpCmdRun.exe" SignaturesUpdateService -ScheduleJob -UnmanagedUpdate`, false, 3, placeAny},
	{"msiexec.exe", sys32, msCorp, msWinOS, "Windows® installer", "5.0.22621.3155", "Microsoft Windows", "services.exe", `C:\Windows\system32\msiexec.exe /V`, false, 1, placeAny},
	{"CcmExec.exe", `C:\Windows\CCM`, msCorp, "System Center Configuration Manager", "Host Process for Microsoft Configuration Manager", "5.0.9128.1007", "Microsoft Corporation", "services.exe", `C:\Windows\CCM\CcmExec.exe`, false, 1.5, placeAny},
	{"msedge.exe", `C:\Program Files (x86)\Microsoft\Edge\Application`, msCorp, "Microsoft Edge", "Microsoft Edge", "131.0.2903.70", "Microsoft Corporation", "explorer.exe", `"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe" --type=renderer`, true, 10, placeWorkstation},
	{"chrome.exe", `C:\Program Files\Google\Chrome\Application`, "Google LLC", "Google Chrome", "Google Chrome", "131.0.6778.140", "Google LLC", "explorer.exe", `"C:\Program Files\Google\Chrome\Application\chrome.exe" --type=utility --utility-sub-type=network.mojom.NetworkService`, true, 12, placeWorkstation},
	{"GoogleUpdate.exe", `C:\Program Files (x86)\Google\Update`, "Google LLC", "Google Update", "Google Installer", "1.3.36.452", "Google LLC", "svchost.exe", `"C:\Program Files (x86)\Google\Update\GoogleUpdate.exe" /ua /installsource scheduler`, false, 2, placeWorkstation},
	{"firefox.exe", `C:\Program Files\Mozilla Firefox`, "Mozilla Corporation", "Firefox", "Firefox", "133.0.3", "Mozilla Corporation", "explorer.exe", `"C:\Program Files\Mozilla Firefox\firefox.exe" -contentproc -childID 7 -isForBrowser`, true, 3, placeWorkstation},
	{"ms-teams.exe", `C:\Program Files\WindowsApps\MSTeams_24335.206.3315.1707_x64__8wekyb3d8bbwe`, msCorp, "Microsoft Teams", "Microsoft Teams", "24335.206.3315.1707", "Microsoft Corporation", "explorer.exe", `"C:\Program Files\WindowsApps\MSTeams_24335.206.3315.1707_x64__8wekyb3d8bbwe\ms-teams.exe" msteams:system-initiated`, true, 5, placeWorkstation},
	{"OUTLOOK.EXE", `C:\Program Files\Microsoft Office\root\Office16`, msCorp, "Microsoft Outlook", "Microsoft Outlook", "16.0.18129.20158", "Microsoft Corporation", "explorer.exe", `"C:\Program Files\Microsoft Office\Root\Office16\OUTLOOK.EXE"`, true, 4, placeWorkstation},
	{"EXCEL.EXE", `C:\Program Files\Microsoft Office\root\Office16`, msCorp, "Microsoft Office", "Microsoft Excel", "16.0.18129.20158", "Microsoft Corporation", "explorer.exe", `"C:\Program Files\Microsoft Office\Root\Office16\EXCEL.EXE" "C:\Users\%u\Documents\Q4 forecast.xlsx"`, true, 3, placeWorkstation},
	{"WINWORD.EXE", `C:\Program Files\Microsoft Office\root\Office16`, msCorp, "Microsoft Office", "Microsoft Word", "16.0.18129.20158", "Microsoft Corporation", "explorer.exe", `"C:\Program Files\Microsoft Office\Root\Office16\WINWORD.EXE" /n`, true, 3, placeWorkstation},
	{"OneDrive.exe", `C:\Program Files\Microsoft OneDrive`, msCorp, "Microsoft OneDrive", "Microsoft OneDrive", "24.226.1110.0004", "Microsoft Corporation", "explorer.exe", `"C:\Program Files\Microsoft OneDrive\OneDrive.exe" /background`, true, 3, placeWorkstation},
	{"Zoom.exe", `C:\Users\%u\AppData\Roaming\Zoom\bin`, "Zoom Video Communications, Inc.", "Zoom", "Zoom Workplace", "6.3.1.53967", "Zoom Video Communications, Inc.", "explorer.exe", `"C:\Users\%u\AppData\Roaming\Zoom\bin\Zoom.exe" "--url=zoommtg://zoom.us/join?action=join"`, true, 3, placeWorkstation},
	{"Acrobat.exe", `C:\Program Files\Adobe\Acrobat DC\Acrobat`, "Adobe Inc.", "Adobe Acrobat", "Adobe Acrobat", "24.5.20320.0", "Adobe Inc.", "explorer.exe", `"C:\Program Files\Adobe\Acrobat DC\Acrobat\Acrobat.exe" "C:\Users\%u\Downloads\invoice-2026-11.pdf"`, true, 2, placeWorkstation},
	{"AdobeARM.exe", `C:\Program Files (x86)\Common Files\Adobe\ARM\1.0`, "Adobe Inc.", "Adobe Reader and Acrobat Manager", "Adobe Reader and Acrobat Manager", "1.824.460.1042", "Adobe Inc.", "svchost.exe", `"C:\Program Files (x86)\Common Files\Adobe\ARM\1.0\AdobeARM.exe"`, true, 1, placeWorkstation},
	{"java.exe", `C:\Program Files\Java\jre-1.8\bin`, "Oracle Corporation", "Java(TM) Platform SE 8", "Java(TM) Platform SE binary", "8.0.4310.10", "Oracle America, Inc.", "cmd.exe", `"C:\Program Files\Java\jre-1.8\bin\java.exe" -jar reporting.jar`, true, 1, placeAny},
	{"SupportAssistAgent.exe", `C:\Program Files\Dell\SupportAssistAgent\bin`, "Dell Inc.", "SupportAssist", "Dell SupportAssist", "4.6.1.7546", "Dell Inc", "services.exe", `"C:\Program Files\Dell\SupportAssistAgent\bin\SupportAssistAgent.exe"`, false, 1, placeWorkstation},
	{"igfxEM.exe", `C:\Windows\System32\DriverStore\FileRepository\iigd_dch.inf_amd64_1a5a0e8fe3ab1e6f`, "Intel Corporation", "Intel(R) Graphics", "igfxEM Module", "31.0.101.5333", "Intel Corporation", "explorer.exe", `"C:\Windows\System32\DriverStore\FileRepository\iigd_dch.inf_amd64_1a5a0e8fe3ab1e6f\igfxEM.exe"`, true, 1, placeWorkstation},
	{"NVDisplay.Container.exe", `C:\Windows\System32\DriverStore\FileRepository\nv_dispi.inf_amd64_4b3c1f5e7a9d2c80\Display.NvContainer`, "NVIDIA Corporation", "NVIDIA Container", "NVIDIA Container", "1.40.3403.3460", "NVIDIA Corporation", "services.exe", `"C:\Windows\System32\DriverStore\FileRepository\nv_dispi.inf_amd64_4b3c1f5e7a9d2c80\Display.NvContainer\NVDisplay.Container.exe" -s NVDisplay.ContainerLocalSystem`, false, 1, placeWorkstation},
	{"RtkAudUService64.exe", sys32, "Realtek Semiconductor", "Realtek Audio Universal Service", "Realtek HD Audio Universal Service", "1.0.0.545", "Realtek Semiconductor Corp.", "services.exe", `"C:\Windows\System32\RtkAudUService64.exe" -background`, false, 1, placeWorkstation},
	{"slack.exe", `C:\Users\%u\AppData\Local\slack\app-4.41.105`, "Slack Technologies, Inc.", "Slack", "Slack", "4.41.105", "Slack Technologies, LLC", "explorer.exe", `"C:\Users\%u\AppData\Local\slack\app-4.41.105\slack.exe" --process-start-args --startup`, true, 2, placeWorkstation},
	{"Dropbox.exe", `C:\Program Files (x86)\Dropbox\Client`, "Dropbox, Inc.", "Dropbox", "Dropbox", "214.4.5158", "Dropbox, Inc", "explorer.exe", `"C:\Program Files (x86)\Dropbox\Client\Dropbox.exe" /systemstartup`, true, 1, placeWorkstation},
	{"git.exe", `C:\Program Files\Git\cmd`, "The Git Development Community", "Git", "Git for Windows", "2.47.1.1", "Johannes Schindelin", "Code.exe", `git.exe fetch --all --prune`, true, 1, placeWorkstation},
	{"python.exe", `C:\Users\%u\AppData\Local\Programs\Python\Python312`, "Python Software Foundation", "Python", "Python", "3.12.8", "Python Software Foundation", "cmd.exe", `python.exe -m pip list --outdated`, true, 1, placeAny},
	{"Code.exe", `C:\Users\%u\AppData\Local\Programs\Microsoft VS Code`, msCorp, "Visual Studio Code", "Visual Studio Code", "1.96.2", "Microsoft Corporation", "explorer.exe", `"C:\Users\%u\AppData\Local\Programs\Microsoft VS Code\Code.exe" --type=utility`, true, 1.5, placeWorkstation},
	{"notepad++.exe", `C:\Program Files\Notepad++`, "Don HO don.h@free.fr", "Notepad++", "Notepad++", "8.7.4", "Notepad++", "explorer.exe", `"C:\Program Files\Notepad++\notepad++.exe" "C:\Users\%u\Desktop\notes.txt"`, true, 1, placeWorkstation},
	{"sqlservr.exe", `C:\Program Files\Microsoft SQL Server\MSSQL16.MSSQLSERVER\MSSQL\Binn`, msCorp, "Microsoft SQL Server", "SQL Server Windows NT - 64 Bit", "2022.160.4165.4", "Microsoft Corporation", "services.exe", `"C:\Program Files\Microsoft SQL Server\MSSQL16.MSSQLSERVER\MSSQL\Binn\sqlservr.exe" -sMSSQLSERVER`, false, 2, placeServer},
	{"w3wp.exe", `C:\Windows\System32\inetsrv`, msCorp, "Internet Information Services", "IIS Worker Process", "10.0.20348.1", "Microsoft Windows", "svchost.exe", `c:\windows\system32\inetsrv\w3wp.exe -ap "DefaultAppPool" -v "v4.0" -l "webengine4.dll"`, false, 4, placeServer},
	{"vmtoolsd.exe", `C:\Program Files\VMware\VMware Tools`, "VMware, Inc.", "VMware Tools", "VMware Tools Core Service", "12.4.5.23787635", "VMware, Inc.", "services.exe", `"C:\Program Files\VMware\VMware Tools\vmtoolsd.exe"`, false, 3, placeServer},
	{"lsass.exe", sys32, msCorp, msWinOS, "Local Security Authority Process", "10.0.20348.2227", "Microsoft Windows", "wininit.exe", `C:\Windows\system32\lsass.exe`, false, 0.5, placeServer},
	{"ServerManager.exe", sys32, msCorp, msWinOS, "Server Manager", "10.0.20348.1", "Microsoft Windows", "explorer.exe", `"C:\Windows\system32\ServerManager.exe"`, true, 1, placeServer},
	{"Veeam.Backup.Service.exe", `C:\Program Files\Veeam\Backup and Replication\Backup`, "Veeam Software Group GmbH", "Veeam Backup & Replication", "Veeam Backup Service", "12.2.0.334", "", "services.exe", `"C:\Program Files\Veeam\Backup and Replication\Backup\Veeam.Backup.Service.exe"`, false, 1, placeServer},
	{"inventory-sync.exe", `C:\ProgramData\Contoso\Tools`, "", "", "", "", "", "svchost.exe", `"C:\ProgramData\Contoso\Tools\inventory-sync.exe" --quiet`, false, 0.5, placeAny},
}

// netInfo is a family of outbound connections made by one background
// process image. An empty hosts list means connections to internal hosts
// without a URL.
type netInfo struct {
	proc   string
	hosts  []string
	port   int
	weight float64
	where  uint8
}

var benignNets = []netInfo{
	{"chrome.exe", []string{"www.google.com", "accounts.google.com", "clients2.google.com", "fonts.gstatic.com", "www.youtube.com", "mail.google.com", "www.linkedin.com", "contoso.sharepoint.com", "stackoverflow.com", "www.wikipedia.org", "cdn.jsdelivr.net", "ajax.googleapis.com", "contoso.my.salesforce.com", "www.amazon.com", "docs.python.org", "www.bbc.co.uk", "weather.com", "www.nytimes.com", "app.slack.com", "www.dropbox.com"}, 443, 14, placeWorkstation},
	{"msedge.exe", []string{"www.bing.com", "login.microsoftonline.com", "www.office.com", "contoso.sharepoint.com", "outlook.office.com", "edge.microsoft.com", "ntp.msn.com", "www.msn.com", "assets.msn.com", "copilot.microsoft.com", "www.linkedin.com", "contoso.my.salesforce.com"}, 443, 10, placeWorkstation},
	{"firefox.exe", []string{"www.mozilla.org", "incoming.telemetry.mozilla.org", "push.services.mozilla.com", "www.google.com", "duckduckgo.com", "news.ycombinator.com"}, 443, 3, placeWorkstation},
	{"ms-teams.exe", []string{"teams.microsoft.com", "teams.events.data.microsoft.com", "statics.teams.cdn.office.net", "presence.teams.microsoft.com", "api.flightproxy.teams.microsoft.com"}, 443, 6, placeWorkstation},
	{"OUTLOOK.EXE", []string{"outlook.office365.com", "outlook.office.com", "ecs.office.com", "login.microsoftonline.com", "nexus.officeapps.live.com"}, 443, 5, placeWorkstation},
	{"OneDrive.exe", []string{"contoso-my.sharepoint.com", "g.live.com", "oneclient.sfx.ms", "skyapi.live.net"}, 443, 3, placeWorkstation},
	{"svchost.exe", []string{"settings-win.data.microsoft.com", "v10.events.data.microsoft.com", "ctldl.windowsupdate.com", "fe3cr.delivery.mp.microsoft.com", "slscr.update.microsoft.com", "login.live.com", "www.msftconnecttest.com", "client.wns.windows.com", "displaycatalog.mp.microsoft.com", "au.download.windowsupdate.com"}, 443, 12, placeAny},
	{"svchost.exe", []string{"time.windows.com"}, 123, 1, placeAny},
	{"MsSense.exe", []string{"winatp-gw-weu.microsoft.com", "winatp-gw-neu.microsoft.com", "eu-v20.events.data.microsoft.com", "unitedstates.x.cp.wd.microsoft.com", "automatedirstrprdweu.blob.core.windows.net"}, 443, 5, placeAny},
	{"MsMpEng.exe", []string{"wdcp.microsoft.com", "definitionupdates.microsoft.com", "go.microsoft.com", "wdcpalt.microsoft.com"}, 443, 4, placeAny},
	{"Zoom.exe", []string{"zoom.us", "us05web.zoom.us", "us04logfiles.zoom.us", "zoomcdn.zoom.us"}, 443, 3, placeWorkstation},
	{"GoogleUpdate.exe", []string{"update.googleapis.com", "dl.google.com", "edgedl.me.gvt1.com"}, 443, 1, placeWorkstation},
	{"AdobeARM.exe", []string{"armmf.adobe.com", "acroipm2.adobe.com"}, 443, 1, placeWorkstation},
	{"Acrobat.exe", []string{"acrobat.adobe.com", "ims-na1.adobelogin.com", "cc-api-data.adobe.io"}, 443, 1.5, placeWorkstation},
	{"SupportAssistAgent.exe", []string{"downloads.dell.com", "www.dell.com"}, 443, 0.7, placeWorkstation},
	{"NVDisplay.Container.exe", []string{"gfe.nvidia.com", "services.gfe.nvidia.com"}, 443, 0.5, placeWorkstation},
	{"slack.exe", []string{"slack.com", "edgeapi.slack.com", "wss-primary.slack.com", "slack-edge.com"}, 443, 2, placeWorkstation},
	{"Dropbox.exe", []string{"client.dropbox.com", "bolt.dropbox.com", "d.dropbox.com"}, 443, 1, placeWorkstation},
	{"Code.exe", []string{"marketplace.visualstudio.com", "update.code.visualstudio.com", "vscode-sync.trafficmanager.net", "default.exp-tas.com"}, 443, 1, placeWorkstation},
	{"git.exe", []string{"dev.azure.com", "ssh.dev.azure.com"}, 443, 0.5, placeWorkstation},
	{"python.exe", []string{"pypi.org", "files.pythonhosted.org"}, 443, 0.5, placeAny},
	{"CcmExec.exe", []string{"contoso-cmg.cloudapp.net", "sccm01.contoso.local"}, 443, 1, placeAny},
	{"java.exe", []string{"javadl-esd-secure.oracle.com", "reports.contoso.local"}, 443, 0.5, placeAny},
	{"w3wp.exe", []string{"api.contoso.com", "login.microsoftonline.com", "graph.microsoft.com"}, 443, 3, placeServer},
	{"Veeam.Backup.Service.exe", []string{"repository.veeam.com", "autolk.veeam.com"}, 443, 1, placeServer},
	// Internal traffic without a URL: domain controllers, file shares, SQL.
	{"lsass.exe", nil, 389, 3, placeServer},
	{"svchost.exe", nil, 445, 2, placeAny},
	{"sqlservr.exe", nil, 1433, 2, placeServer},
	{"explorer.exe", nil, 445, 1, placeWorkstation},
}

// Departments, machine groups and name pools for the fleet.
var departments = []struct {
	code, group string
	laptop      bool
	weight      float64
}{
	{"fin", "Finance Workstations", false, 3},
	{"hr", "HR Workstations", false, 1.5},
	{"eng", "Engineering Laptops", true, 4},
	{"mkt", "Marketing Laptops", true, 2},
	{"ops", "Operations Workstations", false, 2},
	{"sales", "Sales Laptops", true, 3},
	{"legal", "Legal Workstations", false, 1},
	{"it", "IT Admin Workstations", false, 1},
}

var serverRoles = []struct {
	role   string
	weight float64
}{
	{"app", 4}, {"sql", 2}, {"dc", 1.5}, {"file", 1.5}, {"web", 2}, {"print", 0.5}, {"rds", 1}, {"bkp", 0.7},
}

var firstNames = []string{"james", "mary", "robert", "patricia", "john", "jennifer", "michael", "linda", "david", "elizabeth",
	"william", "barbara", "richard", "susan", "joseph", "jessica", "thomas", "sarah", "chris", "karen", "daniel", "lisa",
	"matthew", "nancy", "anthony", "sandra", "mark", "ashley", "paul", "emily", "steven", "donna", "andrew", "michelle",
	"joshua", "carol", "kevin", "amanda", "brian", "melissa", "aisha", "wei", "priya", "mateo", "sofia", "yuki", "olga", "jose"}

var lastNames = []string{"smith", "johnson", "williams", "brown", "jones", "garcia", "miller", "davis", "rodriguez", "martinez",
	"hernandez", "lopez", "gonzalez", "wilson", "anderson", "thomas", "taylor", "moore", "jackson", "martin", "lee", "perez",
	"thompson", "white", "harris", "sanchez", "clark", "ramirez", "lewis", "robinson", "walker", "young", "allen", "king",
	"wright", "scott", "torres", "nguyen", "hill", "flores", "green", "adams", "nelson", "baker", "hall", "rivera", "campbell",
	"mitchell", "carter", "roberts", "okafor", "kowalski", "schmidt", "tanaka", "haddad", "novak"}
