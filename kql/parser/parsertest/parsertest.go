// Package parsertest holds test helpers shared by the KQL front-end
// packages: loading the public query corpus and comparing syntax trees
// without their positions.
//
// It is meant for tests only and has no use in the product.
package parsertest

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/token"
)

// Query is one entry of the public query corpus.
type Query struct {
	Source string `json:"source"`
	Path   string `json:"path"`
	Name   string `json:"name"`
	Query  string `json:"query"`
}

// CorpusEnv names the environment variable that overrides the corpus path.
const CorpusEnv = "RMMHUNT_KQL_CORPUS"

// LoadCorpus reads the public KQL corpus, kept beside the repository at
// ../shared/kql-corpus/public.jsonl (relative to the repository root) or at
// the path in $RMMHUNT_KQL_CORPUS. It skips the test when the corpus is not
// there: the repository does not depend on it.
func LoadCorpus(tb testing.TB) []Query {
	tb.Helper()
	path := os.Getenv(CorpusEnv)
	if path == "" {
		root, err := RepoRoot()
		if err != nil {
			tb.Skipf("repository root not found: %v", err)
		}
		path = filepath.Join(root, "..", "shared", "kql-corpus", "public.jsonl")
	}
	f, err := os.Open(path)
	if err != nil {
		tb.Skipf("corpus not available: %v", err)
	}
	defer f.Close()
	var qs []Query
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var q Query
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			tb.Fatalf("%s:%d: %v", path, len(qs)+1, err)
		}
		qs = append(qs, q)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return qs
}

// RepoRoot walks up from the working directory to the directory that holds
// go.mod.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}

var spanType = reflect.TypeOf(token.Span{})

// EqualTrees reports whether two syntax trees are equal when every
// token.Span field is ignored.
func EqualTrees(a, b any) bool {
	return equal(reflect.ValueOf(a), reflect.ValueOf(b))
}

func equal(a, b reflect.Value) bool {
	if a.IsValid() != b.IsValid() {
		return false
	}
	if !a.IsValid() {
		return true
	}
	if a.Type() != b.Type() {
		return false
	}
	switch a.Kind() {
	case reflect.Interface, reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return equal(a.Elem(), b.Elem())
	case reflect.Struct:
		if a.Type() == spanType {
			return true
		}
		for i := 0; i < a.NumField(); i++ {
			if !equal(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Slice:
		if a.Len() != b.Len() {
			return false
		}
		for i := 0; i < a.Len(); i++ {
			if !equal(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Map:
		return reflect.DeepEqual(a.Interface(), b.Interface())
	}
	if a.CanInterface() {
		return a.Interface() == b.Interface()
	}
	return reflect.DeepEqual(a, b)
}
