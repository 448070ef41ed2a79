package gen

import (
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
)

// Device kinds.
const (
	kindWorkstation = "workstation"
	kindLaptop      = "laptop"
	kindServer      = "server"
)

const dnsSuffix = ".contoso.local"

// account is the identity a process runs as.
type account struct {
	name, domain, sid, upn, objectID string
	system                           bool
	session                          int64
	logonID                          int64
}

// device is one machine of the fleet.
type device struct {
	id, name, group, kind string
	server                bool
	user                  *account // primary (interactive) user
	ip                    string
	activity              float64
	nextReport            int64
	large                 bool
	hasRMM                bool
}

// image is a process image with everything the tables print about it.
type image struct {
	file, folder, company, product, version, desc, cmd string
	sha1, sha256, md5                                  string
	size                                               int64
	signerType                                         string // InitiatingProcessSignerType
	user                                               bool
	parent                                             int // index into generator.procs; -1 none
}

// signerRT is a benign signer with its certificate facts resolved.
type signerRT struct {
	info                     *signerInfo
	hash, issuerHash, serial string
	crlJSON                  []byte // JSON string holding a JSON array
	created, expires         int64
	files                    []string // SHA1s of files it signed
	fileSigned               []int64  // countersignature times
	msRoot                   bool
	signatureType            string
	trusted                  bool
	issuer                   string
	name                     string
}

// netRT is a benign connection family with resolved process and IPs.
type netRT struct {
	info  *netInfo
	proc  int
	hosts []string
	ips   []uint32
}

// picker samples an index with given weights.
type picker struct{ cum []float64 }

func newPicker(w []float64) picker {
	cum := make([]float64, len(w))
	s := 0.0
	for i, x := range w {
		s += x
		cum[i] = s
	}
	return picker{cum}
}

func (p picker) pick(r *rand.Rand) int {
	if len(p.cum) == 0 {
		return -1
	}
	x := r.Float64() * p.cum[len(p.cum)-1]
	// The first cum[i] > x never selects a zero-weight entry.
	i := sort.Search(len(p.cum), func(i int) bool { return p.cum[i] > x })
	if i >= len(p.cum) {
		i = len(p.cum) - 1
	}
	return i
}

// mix64 is the splitmix64 finaliser.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// strHash hashes s (FNV-1a) mixed with the generator seed.
func strHash(seed uint64, s string) uint64 {
	h := uint64(14695981039346656037) ^ seed
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return mix64(h)
}

// hexString returns n lowercase hex digits derived from key.
func hexString(key uint64, n int) string {
	b := make([]byte, n)
	var x uint64
	for i := 0; i < n; i++ {
		if i%16 == 0 {
			x = mix64(key + uint64(i)*0x632be59bd9b4e019)
		}
		b[i] = hexDigits[x&0xf]
		x >>= 4
	}
	return string(b)
}

// guid formats 32 hex digits from key as a GUID.
func guid(key uint64) string {
	h := hexString(key, 32)
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-" + string("89ab"[key%4]) + h[17:20] + "-" + h[20:32]
}

// publicIP returns a stable public-looking IPv4 address for a host name.
func publicIP(seed uint64, host string) uint32 {
	firsts := [...]int{13, 20, 23, 34, 35, 40, 52, 104, 108, 142, 151, 185, 199, 204}
	h := strHash(seed, host)
	return ipv4(firsts[h%uint64(len(firsts))], int(h>>8&0xff), int(h>>16&0xff), int(1+h>>24%254))
}

// buildFleet creates the devices.
func (g *generator) buildFleet() {
	r := g.rng
	n := g.opts.Devices
	deptW := make([]float64, len(departments))
	for i, d := range departments {
		deptW[i] = d.weight
	}
	deptPick := newPicker(deptW)
	roleW := make([]float64, len(serverRoles))
	for i, s := range serverRoles {
		roleW[i] = s.weight
	}
	rolePick := newPicker(roleW)

	nServers := int(math.Round(float64(n) * 0.15))
	if n >= 4 && nServers == 0 {
		nServers = 1
	}
	counters := map[string]int{}
	usedUsers := map[string]bool{}
	domainSID := "S-1-5-21-" + strconv.FormatUint(1000000000+r.Uint64N(3000000000), 10) + "-" +
		strconv.FormatUint(1000000000+r.Uint64N(3000000000), 10) + "-" + strconv.FormatUint(1000000000+r.Uint64N(3000000000), 10)
	rid := 1100

	newUser := func(prefix string) *account {
		for tries := 0; ; tries++ {
			name := prefix + firstNames[r.IntN(len(firstNames))][:1] + lastNames[r.IntN(len(lastNames))]
			if usedUsers[name] {
				name += strconv.Itoa(2 + r.IntN(8))
			}
			if usedUsers[name] && tries >= 64 {
				// A large fleet has used up the short names.
				name += strconv.Itoa(10 + len(usedUsers))
			}
			if usedUsers[name] {
				continue
			}
			usedUsers[name] = true
			rid += 1 + r.IntN(40)
			return &account{
				name: name, domain: "contoso", sid: domainSID + "-" + strconv.Itoa(rid),
				upn: name + "@contoso.com", objectID: guid(r.Uint64()),
				session: 1 + int64(r.IntN(3)), logonID: 100000 + int64(r.IntN(9000000)),
			}
		}
	}

	g.devices = make([]device, n)
	// Servers take the last slots after a shuffle, so kinds are mixed in
	// the device list.
	kinds := make([]bool, n)
	for i := 0; i < nServers; i++ {
		kinds[i] = true
	}
	r.Shuffle(n, func(i, j int) { kinds[i], kinds[j] = kinds[j], kinds[i] })
	for i := range g.devices {
		d := &g.devices[i]
		d.id = hexString(r.Uint64(), 40)
		if kinds[i] {
			role := serverRoles[rolePick.pick(r)].role
			counters["srv-"+role] += 1 + r.IntN(2)
			d.name = "srv-" + role + "-" + pad(counters["srv-"+role], 2) + dnsSuffix
			d.kind, d.server = kindServer, true
			d.group = "Servers"
			if role == "dc" {
				d.group = "Domain Controllers"
			}
			d.user = newUser("adm-")
			d.activity = 0.7 + r.Float64()*0.9
			d.ip = "10.10." + strconv.Itoa(1+r.IntN(4)) + "." + strconv.Itoa(10+r.IntN(240))
		} else {
			dep := departments[deptPick.pick(r)]
			mid := "-ws-"
			d.kind = kindWorkstation
			if dep.laptop {
				mid, d.kind = "-lt-", kindLaptop
			}
			counters[dep.code] += 1 + r.IntN(7)
			d.name = dep.code + mid + pad(counters[dep.code], 3) + dnsSuffix
			d.group = dep.group
			d.user = newUser("")
			// Heavy-tailed activity: most devices quiet, a few busy.
			d.activity = math.Min(4, 0.45+r.ExpFloat64()*0.6)
			d.ip = "10." + strconv.Itoa(20+r.IntN(40)) + "." + strconv.Itoa(r.IntN(256)) + "." + strconv.Itoa(10+r.IntN(240))
		}
		if r.IntN(10) == 0 {
			d.group = "UnassignedGroup"
		}
	}
}

func pad(v, width int) string {
	s := strconv.Itoa(v)
	for len(s) < width {
		s = "0" + s
	}
	return s
}

// systemAccount is NT AUTHORITY\SYSTEM.
var systemAccount = &account{name: "system", domain: "nt authority", sid: "S-1-5-18", system: true, logonID: 999}

// buildTemplates resolves the background tables: hashes, parents, IPs.
func (g *generator) buildTemplates() {
	seed := g.seed
	procIndex := map[string]int{}
	g.procs = make([]image, len(benignProcs))
	for i := range benignProcs {
		p := &benignProcs[i]
		procIndex[p.file] = i
		g.procs[i] = imageFor(seed, p.file, p.folder, p.company, p.product, p.version, p.desc, p.cmd, p.user)
		switch {
		case p.signer == "":
			g.procs[i].signerType = "Unknown"
		case strings.HasPrefix(p.signer, "Microsoft"):
			g.procs[i].signerType = "OsVendor"
		default:
			g.procs[i].signerType = "ThirdParty"
		}
	}
	for i := range benignProcs {
		par, ok := procIndex[benignProcs[i].parent]
		if !ok {
			par = -1
		}
		g.procs[i].parent = par
	}
	g.procIndex = procIndex
	wsW := make([]float64, len(benignProcs))
	srvW := make([]float64, len(benignProcs))
	for i, p := range benignProcs {
		if p.where&placeWorkstation != 0 {
			wsW[i] = p.weight
		}
		if p.where&placeServer != 0 {
			srvW[i] = p.weight
		}
	}
	g.procPick = [2]picker{newPicker(wsW), newPicker(srvW)}

	// Signers: Zipf-like weights by rank, files from the background images
	// they sign plus generated ones.
	g.signers = make([]signerRT, len(benignSigners))
	sw := make([]float64, len(benignSigners))
	endYear := g.end
	for i := range benignSigners {
		s := &benignSigners[i]
		rt := &g.signers[i]
		rt.info = s
		rt.name = s.name
		rt.issuer = s.issuer
		h := strHash(seed, "signer:"+s.name)
		rt.hash = hexString(h, 40)
		rt.issuerHash = hexString(strHash(seed, "issuer:"+s.issuer), 40)
		rt.serial = hexString(h^0x5e, 32)
		rt.crlJSON = appendString(nil, `["`+s.crl+`"]`)
		rt.created = endYear - int64(200+h%500)*ticksPerDay
		rt.expires = rt.created + int64(s.validYrs)*365*ticksPerDay
		rt.msRoot = s.msRoot
		rt.signatureType = "Embedded"
		if s.catalog {
			rt.signatureType = "Catalog"
		}
		rt.trusted = true
		for j, p := range benignProcs {
			if p.signer == s.name {
				rt.files = append(rt.files, g.procs[j].sha1)
			}
		}
		for k := len(rt.files); k < s.files; k++ {
			rt.files = append(rt.files, hexString(strHash(seed, s.name+"#file"+strconv.Itoa(k)), 40))
		}
		rt.fileSigned = make([]int64, len(rt.files))
		for k := range rt.files {
			rt.fileSigned[k] = rt.created + int64(strHash(seed, rt.files[k])%uint64(rt.expires-rt.created))
			if rt.fileSigned[k] > g.start {
				rt.fileSigned[k] = g.start - int64(k+1)*ticksPerDay
			}
		}
		sw[i] = 1 / math.Pow(float64(i+1), 1.15)
	}
	g.signerPick = newPicker(sw)

	g.nets = make([]netRT, len(benignNets))
	nwW := make([]float64, len(benignNets))
	nsW := make([]float64, len(benignNets))
	for i := range benignNets {
		n := &benignNets[i]
		rt := &g.nets[i]
		rt.info = n
		rt.proc = procIndex[n.proc]
		rt.hosts = n.hosts
		for _, h := range n.hosts {
			if strings.HasSuffix(h, dnsSuffix) {
				rt.ips = append(rt.ips, ipv4(10, 10, 1, int(10+strHash(seed, h)%200)))
			} else {
				rt.ips = append(rt.ips, publicIP(seed, h))
			}
		}
		if n.where&placeWorkstation != 0 {
			nwW[i] = n.weight
		}
		if n.where&placeServer != 0 {
			nsW[i] = n.weight
		}
	}
	g.netPick = [2]picker{newPicker(nwW), newPicker(nsW)}
}

// imageFor builds an image with stable, seed-dependent hashes.
func imageFor(seed uint64, file, folder, company, product, version, desc, cmd string, user bool) image {
	h := strHash(seed, "image:"+folder+`\`+file+"@"+version)
	return image{
		file: file, folder: folder, company: company, product: product, version: version, desc: desc, cmd: cmd,
		sha1: hexString(h, 40), sha256: hexString(h^0xa5a5, 64), md5: hexString(h^0x3c3c, 32),
		size:   int64(40_000 + h%9_000_000),
		user:   user,
		parent: -1,
	}
}
