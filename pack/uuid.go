package pack

import (
	"crypto/sha1"
	"fmt"
)

// IDNamespace is the UUID namespace of the pack's own rule ids: a rule
// that has no published counterpart gets the version 5 UUID of
// "<Tool>/<Variant>" in this namespace, so its id stays the same from one
// generation to the next.
const IDNamespace = "8e74298f-00d0-4cfd-a82e-9ed89a327c3e"

// RuleID returns the stable id of the pack rule for a tool and variant.
func RuleID(tool, variant string) string {
	return UUIDv5(IDNamespace, tool+"/"+variant)
}

// UUIDv5 returns the name-based (SHA-1) UUID of name in namespace (RFC
// 9562, section 5.5), in its 8-4-4-4-12 text form. It panics when namespace
// is not a UUID.
func UUIDv5(namespace, name string) string {
	ns, err := parseUUID(namespace)
	if err != nil {
		panic(err)
	}
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

func parseUUID(s string) ([16]byte, error) {
	var u [16]byte
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return u, fmt.Errorf("pack: %q is not a UUID", s)
	}
	j := 0
	for i := 0; i < len(s); {
		if s[i] == '-' {
			i++
			continue
		}
		hi, ok1 := hexVal(s[i])
		lo, ok2 := hexVal(s[i+1])
		if !ok1 || !ok2 {
			return u, fmt.Errorf("pack: %q is not a UUID", s)
		}
		u[j] = hi<<4 | lo
		j++
		i += 2
	}
	return u, nil
}

func hexVal(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
