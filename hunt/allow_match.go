package hunt

import (
	"strings"
	"unicode/utf8"
)

// match checks every condition of the entry except its where predicate and
// returns the conditions that held.
func (e *AllowEntry) match(it *Explained) ([]string, bool) {
	if !strings.EqualFold(e.Tool, it.Tool) {
		return nil, false
	}
	conds := []string{"tool: " + e.Tool}
	if len(e.Variants) > 0 {
		ok := false
		for _, v := range e.Variants {
			if strings.EqualFold(v, it.Variant) {
				ok = true
				conds = append(conds, "variant: "+v)
				break
			}
		}
		if !ok {
			return nil, false
		}
	}
	if len(e.Devices) > 0 {
		p, ok := matchDevice(e.Devices, it.Context.DeviceID, it.Context.DeviceName)
		if !ok {
			return nil, false
		}
		conds = append(conds, "devices: "+p)
	}
	pins := []struct {
		key  string
		pins []string
		vals func(*Explained) []string
		eq   func(pin, v string) bool
	}{
		{"remote_url", e.RemoteURLs, remoteHosts, hostMatch},
		{"signer", e.Signers, signerValues, globMatch},
		{"sha1", e.SHA1s, sha1Values, strings.EqualFold},
		{"folder_path", e.FolderPaths, folderValues, folderMatch},
		{"account", e.Accounts, accountValues, accountMatch},
	}
	for _, p := range pins {
		if len(p.pins) == 0 {
			continue
		}
		used, ok := allMatch(p.pins, p.vals(it), p.eq)
		if !ok {
			return nil, false
		}
		conds = append(conds, p.key+": "+strings.Join(used, ", "))
	}
	return conds, true
}

// allMatch reports whether vals is not empty, no value is empty, and every
// value matches one of the pins; it returns the pins used.
func allMatch(pins, vals []string, eq func(pin, v string) bool) ([]string, bool) {
	if len(vals) == 0 {
		return nil, false
	}
	used := map[int]bool{}
	for _, v := range vals {
		if v == "" {
			return nil, false
		}
		ok := false
		for i, p := range pins {
			if eq(p, v) {
				used[i], ok = true, true
				break
			}
		}
		if !ok {
			return nil, false
		}
	}
	var out []string
	for i, p := range pins {
		if used[i] {
			out = append(out, p)
		}
	}
	return out, true
}

// matchDevice returns the pattern that matches the device.
func matchDevice(patterns []string, id, name string) (string, bool) {
	short := name
	if i := strings.IndexByte(short, '.'); i > 0 {
		short = short[:i]
	}
	for _, p := range patterns {
		if id != "" && strings.EqualFold(p, id) {
			return p, true
		}
		if name != "" && (globMatch(p, name) || globMatch(p, short)) {
			return p, true
		}
	}
	return "", false
}

// remoteHosts returns the host of every remote URL the finding's binaries
// connected to (connections without a URL are not counted).
func remoteHosts(it *Explained) []string {
	var out []string
	for _, o := range it.obs {
		if u := o.vals[fRemoteUrl]; u != "" {
			out = append(out, URLHost(u))
		}
	}
	return out
}

// hostMatch matches a host against a pinned host: a glob when the pin has
// wildcards, otherwise the host itself or any subdomain of it. The pin may
// be written as a URL.
func hostMatch(pin, host string) bool {
	p := URLHost(pin)
	if strings.ContainsAny(p, "*?") {
		return globMatch(p, host)
	}
	return host == p || strings.HasSuffix(host, "."+p)
}

// signerValues returns the signers of the finding's binaries; a binary
// without a known signer contributes "" (which no pin matches).
func signerValues(it *Explained) []string {
	var out []string
	for _, b := range it.Context.Binaries {
		if len(b.Signers) == 0 {
			out = append(out, "")
		}
		out = append(out, b.Signers...)
	}
	if len(it.Context.Binaries) == 0 {
		for _, o := range it.obs {
			out = append(out, o.vals[fSigner])
		}
	}
	return out
}

// sha1Values returns the SHA1s of the finding's binaries.
func sha1Values(it *Explained) []string {
	var out []string
	for _, b := range it.Context.Binaries {
		out = append(out, b.SHA1)
	}
	if len(out) == 0 {
		for _, o := range it.obs {
			out = append(out, o.vals[fSHA1])
		}
	}
	return out
}

// folderValues returns the FolderPath of every observation.
func folderValues(it *Explained) []string {
	var out []string
	for _, o := range it.obs {
		out = append(out, o.vals[fFolderPath])
	}
	return out
}

// folderMatch matches a path against a pinned folder: a glob when the pin
// has wildcards, otherwise the path itself or any path below it.
func folderMatch(pin, path string) bool {
	if strings.ContainsAny(pin, "*?") {
		return globMatch(pin, path)
	}
	p := strings.TrimRight(pin, `\/`)
	if strings.EqualFold(path, p) {
		return true
	}
	if len(path) > len(p) && strings.EqualFold(path[:len(p)], p) {
		c := path[len(p)]
		return c == '\\' || c == '/'
	}
	return false
}

// accountValues returns the account of every observation (DOMAIN\name,
// name or UPN).
func accountValues(it *Explained) []string {
	var out []string
	for _, o := range it.obs {
		out = append(out, o.account())
	}
	return out
}

// accountMatch matches an account written DOMAIN\name against a pin that
// may name the account with or without its domain, or by UPN.
func accountMatch(pin, acct string) bool {
	if globMatch(pin, acct) {
		return true
	}
	if i := strings.LastIndexByte(acct, '\\'); i >= 0 && !strings.ContainsRune(pin, '\\') {
		return globMatch(pin, acct[i+1:])
	}
	return false
}

// globMatch reports whether s matches the pattern, ignoring case: `*`
// matches any run of characters (dots and backslashes included), `?` one
// character, and every other character itself.
func globMatch(pattern, s string) bool {
	p, t := strings.ToLower(pattern), strings.ToLower(s)
	// Iterative matching with backtracking to the last star.
	pi, ti := 0, 0
	star, mark := -1, 0
	for ti < len(t) {
		if pi < len(p) {
			pc, pw := utf8.DecodeRuneInString(p[pi:])
			tc, tw := utf8.DecodeRuneInString(t[ti:])
			switch {
			case pc == '*':
				star, mark = pi, ti
				pi += pw
				continue
			case pc == '?' || pc == tc:
				pi += pw
				ti += tw
				continue
			}
		}
		if star < 0 {
			return false
		}
		pi = star + 1
		_, tw := utf8.DecodeRuneInString(t[mark:])
		mark += tw
		ti = mark
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
