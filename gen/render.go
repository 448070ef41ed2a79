package gen

import (
	"strconv"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// rowRand is a tiny per-row generator seeded from the event's salt, so a
// row's details depend only on its event.
type rowRand struct{ x uint64 }

func (r *rowRand) next() uint64 {
	r.x += 0x9e3779b97f4a7c15
	return mix64(r.x)
}

func (r *rowRand) intn(n int) int { return int(r.next() % uint64(n)) }

// render writes one row and assigns its ReportId.
func (g *generator) render(e *event) error {
	d := &g.devices[e.dev]
	report := d.nextReport
	d.nextReport += 1 + int64(e.salt%4)
	r := rowRand{e.salt}

	o := obj{b: g.buf[:0]}
	envTime := e.ticks + int64(2+r.intn(2400))*ticksPerSec + int64(r.intn(int(ticksPerSec)))
	if g.sinks[e.table] != nil {
		o.s = g.sinks[e.table]
	} else {
		o.b = append(o.b, `{"time":`...)
		o.b = appendDatetimeJSON(o.b, envTime)
		o.b = append(o.b, g.envelopePrefix[e.table]...)
	}
	o.open()

	switch e.kind {
	case kBackground:
		switch e.table {
		case tCert:
			s := &g.signers[e.ref]
			k := r.intn(len(s.files))
			if k > 0 && r.intn(2) == 0 {
				k = r.intn(k) // favour the first files
			}
			c := certFacts{
				signer: s.name, issuer: s.issuer, hash: s.hash, issuerHash: s.issuerHash, serial: s.serial,
				crlJSON: s.crlJSON, created: s.created, expires: s.expires, signed: s.fileSigned[k],
				msRoot: s.msRoot, trusted: s.trusted, signatureType: s.signatureType,
			}
			if r.intn(200) == 0 {
				c.trusted = false // e.g. an expired or revoked chain
			}
			g.certRow(&o, d, e.ticks, report, s.files[k], &c)
		case tProc:
			img := &g.procs[e.ref]
			acct := systemAccount
			if img.user {
				acct = d.user
			}
			var parent *image
			if img.parent >= 0 {
				parent = &g.procs[img.parent]
			}
			g.procRow(&o, d, e.ticks, report, &r, img, acct, parent)
		default:
			n := &g.nets[e.ref]
			img := &g.procs[n.proc]
			acct := systemAccount
			if img.user {
				acct = d.user
			}
			var parent *image
			if img.parent >= 0 {
				parent = &g.procs[img.parent]
			}
			if len(n.hosts) == 0 {
				g.netRow(&o, d, e.ticks, report, &r, img, acct, parent, "", false, ipv4(10, 10, 1, 10+r.intn(20)), n.info.port, true)
			} else {
				h := r.intn(len(n.hosts))
				if h > 0 && r.intn(2) == 0 {
					h = r.intn(h)
				}
				private := strings.HasSuffix(n.hosts[h], dnsSuffix)
				g.netRow(&o, d, e.ticks, report, &r, img, acct, parent, n.hosts[h], r.intn(7) == 0, n.ips[h], n.info.port, private)
			}
		}
	case kInstall, kInstallChild, kInstallIPOnly:
		in := g.installs[e.ref]
		g.installRow(&o, d, e, report, &r, in)
		if e.kind == kInstall {
			in.rows[e.table] = append(in.rows[e.table], rowRef{e.ticks, report})
		}
	case kDecoy:
		p := &g.decoys[e.ref]
		p.report = report
		g.installRow(&o, d, e, report, &r, &p.inst)
	}

	o.key("MachineGroup")
	o.b = appendString(o.b, d.group)
	o.close()
	if o.s != nil {
		err := o.s.endRow(&o)
		if err == nil {
			err = o.err
		}
		g.buf = o.b
		return err
	}
	o.b = append(o.b, '}', '\n')
	g.buf = o.b
	tw := g.out[e.table]
	tw.rows++
	_, err := tw.w.Write(o.b)
	return err
}

// installRow renders a row of an RMM install (or of a decoy built like one).
func (g *generator) installRow(o *obj, d *device, e *event, report int64, r *rowRand, in *install) {
	parent := &g.procs[in.parent]
	switch {
	case e.table == tCert:
		g.certRow(o, d, e.ticks, report, in.img.sha1, &in.cert)
	case e.table == tProc && e.kind == kInstallChild:
		g.procRow(o, d, e.ticks, report, r, &g.procs[in.child], systemAccount, &in.img)
	case e.table == tProc:
		g.procRow(o, d, e.ticks, report, r, &in.img, in.acct, parent)
	case e.kind == kInstallIPOnly:
		ip := ipv4(37+r.intn(150), r.intn(256), r.intn(256), 1+r.intn(254))
		g.netRow(o, d, e.ticks, report, r, &in.img, in.acct, parent, "", false, ip, in.p.port, false)
	default:
		g.netRow(o, d, e.ticks, report, r, &in.img, in.acct, parent, in.url, false, in.urlIP, in.p.port, false)
	}
}

// certRow writes the properties of a DeviceFileCertificateInfo row.
func (g *generator) certRow(o *obj, d *device, ticks, report int64, sha1 string, c *certFacts) {
	o.time("Timestamp", ticks)
	o.str("DeviceId", d.id)
	o.str("DeviceName", d.name)
	o.str("SHA1", sha1)
	o.boolean("IsSigned", true)
	o.str("SignatureType", c.signatureType)
	o.str("Signer", c.signer)
	o.str("SignerHash", c.hash)
	o.str("Issuer", c.issuer)
	o.str("IssuerHash", c.issuerHash)
	o.str("CertificateSerialNumber", c.serial)
	o.raw("CrlDistributionPointUrls", c.crlJSON)
	o.time("CertificateCreationTime", c.created)
	o.time("CertificateExpirationTime", c.expires)
	o.time("CertificateCountersignatureTime", c.signed)
	o.boolean("IsTrusted", c.trusted)
	o.boolean("IsRootSignerMicrosoft", c.msRoot)
	o.num("ReportId", report)
}

// userOf returns the profile name %u expands to.
func userOf(d *device, acct *account) string {
	if acct.system {
		return d.user.name
	}
	return acct.name
}

func integrity(acct *account) (level, elevation string) {
	if acct.system {
		return "System", "TokenElevationTypeDefault"
	}
	return "Medium", "TokenElevationTypeLimited"
}

// procRow writes the properties of a DeviceProcessEvents row: img started
// by parent (nil: unknown parent).
func (g *generator) procRow(o *obj, d *device, ticks, report int64, r *rowRand, img *image, acct *account, parent *image) {
	u := userOf(d, acct)
	pacct := acct
	if parent != nil && !parent.user {
		pacct = systemAccount
	}
	if parent == nil {
		parent = &unknownImage
	}
	o.time("Timestamp", ticks)
	o.str("DeviceId", d.id)
	o.str("DeviceName", d.name)
	o.str("ActionType", "ProcessCreated")
	o.str("FileName", img.file)
	o.pathUser("FolderPath", img.folder, img.file, u)
	o.str("SHA1", img.sha1)
	o.str("SHA256", img.sha256)
	o.str("MD5", img.md5)
	o.num("FileSize", img.size)
	o.str("ProcessVersionInfoCompanyName", img.company)
	o.str("ProcessVersionInfoProductName", img.product)
	o.str("ProcessVersionInfoProductVersion", img.version)
	o.strTrimExe("ProcessVersionInfoInternalFileName", img.file, img.company != "")
	o.strIf("ProcessVersionInfoOriginalFileName", img.file, img.company != "")
	o.str("ProcessVersionInfoFileDescription", img.desc)
	pid := int64(4 * (100 + r.intn(12000)))
	o.num("ProcessId", pid)
	o.strUser("ProcessCommandLine", img.cmd, u)
	lvl, elev := integrity(acct)
	o.str("ProcessIntegrityLevel", lvl)
	o.str("ProcessTokenElevation", elev)
	o.time("ProcessCreationTime", ticks)
	g.accountCols(o, "Account", acct)
	o.num("LogonId", acct.logonID)
	g.accountCols(o, "InitiatingProcessAccount", pacct)
	o.num("InitiatingProcessLogonId", pacct.logonID)
	plvl, pelev := integrity(pacct)
	o.str("InitiatingProcessIntegrityLevel", plvl)
	o.str("InitiatingProcessTokenElevation", pelev)
	o.str("InitiatingProcessSHA1", parent.sha1)
	o.str("InitiatingProcessSHA256", parent.sha256)
	o.str("InitiatingProcessMD5", parent.md5)
	o.str("InitiatingProcessFileName", parent.file)
	o.num("InitiatingProcessFileSize", parent.size)
	g.versionCols(o, parent)
	ppid := int64(4 * (50 + r.intn(6000)))
	o.num("InitiatingProcessId", ppid)
	o.strUser("InitiatingProcessCommandLine", parent.cmd, u)
	pstart := ticks - int64(1+r.intn(200000))*ticksPerSec
	o.time("InitiatingProcessCreationTime", pstart)
	o.pathUser("InitiatingProcessFolderPath", parent.folder, parent.file, u)
	o.num("InitiatingProcessParentId", int64(4*(1+r.intn(2000))))
	o.str("InitiatingProcessParentFileName", g.parentName(parent))
	o.time("InitiatingProcessParentCreationTime", pstart-int64(1+r.intn(100000))*ticksPerSec)
	o.str("InitiatingProcessSignerType", parent.signerType)
	o.str("InitiatingProcessSignatureStatus", signatureStatus(parent))
	o.num("ReportId", report)
	o.null("AdditionalFields")
	o.num("InitiatingProcessSessionId", pacct.session)
	o.boolean("IsInitiatingProcessRemoteSession", false)
	o.num("CreatedProcessSessionId", acct.session)
	o.boolean("IsProcessRemoteSession", false)
	o.numStr("ProcessUniqueId", int64(r.next()>>12))
	o.numStr("InitiatingProcessUniqueId", int64(r.next()>>12))
}

// netRow writes the properties of a DeviceNetworkEvents row made by img.
func (g *generator) netRow(o *obj, d *device, ticks, report int64, r *rowRand, img *image, acct *account, parent *image,
	url string, fullURL bool, remoteIP uint32, port int, private bool) {
	u := userOf(d, acct)
	if parent == nil {
		parent = &unknownImage
	}
	o.time("Timestamp", ticks)
	o.str("DeviceId", d.id)
	o.str("DeviceName", d.name)
	action := "ConnectionSuccess"
	switch x := r.intn(100); {
	case private && port != 445 && x < 30:
		action = "InboundConnectionAccepted"
	case x < 4:
		action = "ConnectionFailed"
	}
	o.str("ActionType", action)
	o.key("RemoteIP")
	o.b = appendIPv4(o.b, remoteIP)
	o.num("RemotePort", int64(port))
	o.key("RemoteUrl")
	switch {
	case url == "":
		o.b = append(o.b, "null"...)
	case fullURL && !strings.Contains(url, "/"):
		o.b = append(o.b, `"https://`...)
		o.b = appendEscaped(o.b, url)
		o.b = append(o.b, `/"`...)
	default:
		o.b = appendString(o.b, url)
	}
	o.str("LocalIP", d.ip)
	o.num("LocalPort", int64(49152+r.intn(16000)))
	proto := "Tcp"
	if port == 123 || port == 53 {
		proto = "Udp"
	}
	o.str("Protocol", proto)
	o.str("LocalIPType", "Private")
	if private {
		o.str("RemoteIPType", "Private")
	} else {
		o.str("RemoteIPType", "Public")
	}
	o.str("InitiatingProcessSHA1", img.sha1)
	o.str("InitiatingProcessSHA256", img.sha256)
	o.str("InitiatingProcessMD5", img.md5)
	o.str("InitiatingProcessFileName", img.file)
	o.num("InitiatingProcessFileSize", img.size)
	g.versionCols(o, img)
	o.num("InitiatingProcessId", int64(4*(100+r.intn(12000))))
	o.strUser("InitiatingProcessCommandLine", img.cmd, u)
	o.time("InitiatingProcessCreationTime", ticks-int64(1+r.intn(400000))*ticksPerSec)
	o.pathUser("InitiatingProcessFolderPath", img.folder, img.file, u)
	o.str("InitiatingProcessParentFileName", parent.file)
	o.num("InitiatingProcessParentId", int64(4*(50+r.intn(6000))))
	o.time("InitiatingProcessParentCreationTime", ticks-int64(400001+r.intn(400000))*ticksPerSec)
	g.accountCols(o, "InitiatingProcessAccount", acct)
	lvl, elev := integrity(acct)
	o.str("InitiatingProcessIntegrityLevel", lvl)
	o.str("InitiatingProcessTokenElevation", elev)
	o.num("ReportId", report)
	o.null("AdditionalFields")
	o.num("InitiatingProcessSessionId", acct.session)
	o.boolean("IsInitiatingProcessRemoteSession", false)
	o.numStr("InitiatingProcessUniqueId", int64(r.next()>>12))
}

// unknownImage stands for a parent Defender could not resolve.
var unknownImage = image{signerType: "Unknown", parent: -1}

func signatureStatus(img *image) string {
	if img.signerType == "Unknown" {
		return "Unknown"
	}
	return "Valid"
}

func (g *generator) parentName(img *image) string {
	if img.parent >= 0 {
		return g.procs[img.parent].file
	}
	switch img.file {
	case "smss.exe":
		return "System"
	case "":
		return ""
	}
	return "services.exe"
}

// accountCols writes <prefix>Domain, Name, Sid, Upn and ObjectId.
func (g *generator) accountCols(o *obj, prefix string, a *account) {
	o.str2(prefix, "Domain", a.domain)
	o.str2(prefix, "Name", a.name)
	o.str2(prefix, "Sid", a.sid)
	o.str2(prefix, "Upn", a.upn)
	o.str2(prefix, "ObjectId", a.objectID)
}

// versionCols writes the InitiatingProcessVersionInfo* columns of img.
func (g *generator) versionCols(o *obj, img *image) {
	o.str("InitiatingProcessVersionInfoCompanyName", img.company)
	o.str("InitiatingProcessVersionInfoProductName", img.product)
	o.str("InitiatingProcessVersionInfoProductVersion", img.version)
	o.strTrimExe("InitiatingProcessVersionInfoInternalFileName", img.file, img.company != "")
	o.strIf("InitiatingProcessVersionInfoOriginalFileName", img.file, img.company != "")
	o.str("InitiatingProcessVersionInfoFileDescription", img.desc)
}

// str2 writes a member whose key is prefix+suffix, without allocating.
func (o *obj) str2(prefix, suffix, v string) {
	if o.s != nil {
		c := o.s.column2(prefix, suffix)
		if o.s.sch[c].Type == types.String {
			o.s.put(c, types.Value{Type: types.String, S: v})
			return
		}
		o.s.pos--
		o.key(prefix + suffix)
		if v == "" {
			o.b = append(o.b, "null"...)
		} else {
			o.b = appendString(o.b, v)
		}
		return
	}
	if !o.first {
		o.b = append(o.b, ',')
	}
	o.first = false
	o.b = append(o.b, '"')
	o.b = append(o.b, prefix...)
	o.b = append(o.b, suffix...)
	o.b = append(o.b, '"', ':')
	if v == "" {
		o.b = append(o.b, "null"...)
		return
	}
	o.b = appendString(o.b, v)
}

// strIf writes v when ok, else null.
func (o *obj) strIf(k, v string, ok bool) {
	if !ok {
		v = ""
	}
	o.str(k, v)
}

// strTrimExe writes v without a trailing ".exe" (any case) when ok.
func (o *obj) strTrimExe(k, v string, ok bool) {
	if ok && len(v) > 4 && strings.EqualFold(v[len(v)-4:], ".exe") {
		v = v[:len(v)-4]
	}
	o.strIf(k, v, ok)
}

// pathUser writes folder + `\` + file with %u replaced by user.
func (o *obj) pathUser(k, folder, file, user string) {
	o.key(k)
	if folder == "" {
		o.b = append(o.b, "null"...)
		return
	}
	o.b = append(o.b, '"')
	for {
		i := indexPercentU(folder)
		if i < 0 {
			break
		}
		o.b = appendEscaped(o.b, folder[:i])
		o.b = appendEscaped(o.b, user)
		folder = folder[i+2:]
	}
	o.b = appendEscaped(o.b, folder)
	o.b = append(o.b, '\\', '\\')
	o.b = appendEscaped(o.b, file)
	o.b = append(o.b, '"')
}

// numStr writes an integer as a JSON string.
func (o *obj) numStr(k string, v int64) {
	o.key(k)
	o.b = append(o.b, '"')
	o.b = strconv.AppendInt(o.b, v, 10)
	o.b = append(o.b, '"')
}

// ipv4 packs an IPv4 address.
func ipv4(a, b, c, d int) uint32 { return uint32(a)<<24 | uint32(b)<<16 | uint32(c)<<8 | uint32(d) }

// appendIPv4 appends a packed IPv4 address as a JSON string.
func appendIPv4(b []byte, ip uint32) []byte {
	b = append(b, '"')
	for i := 3; i >= 0; i-- {
		b = strconv.AppendUint(b, uint64(ip>>(8*i)&0xff), 10)
		if i > 0 {
			b = append(b, '.')
		}
	}
	return append(b, '"')
}
