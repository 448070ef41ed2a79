package rules

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/diag"
	"github.com/rmmhunt/rmmhunt/kql/token"
)

// MaxFileSize is the largest rule file Load reads.
const MaxFileSize = 4 << 20

// Diagnostics holds the diagnostics of several rule files, one diag.List per
// file (a diag.List resolves positions in a single file). Files without
// diagnostics are left out.
type Diagnostics struct {
	Lists []*diag.List
}

// add appends l if it holds diagnostics.
func (d *Diagnostics) add(l *diag.List) {
	if l != nil && len(l.Items) > 0 {
		d.Lists = append(d.Lists, l)
	}
}

// HasErrors reports whether any file has an error.
func (d *Diagnostics) HasErrors() bool {
	for _, l := range d.Lists {
		if l.HasErrors() {
			return true
		}
	}
	return false
}

// Count returns the number of errors and warnings (notes are not counted).
func (d *Diagnostics) Count() (errors, warnings int) {
	for _, l := range d.Lists {
		for _, it := range l.Items {
			switch it.Severity {
			case diag.Error:
				errors++
			case diag.Warning:
				warnings++
			}
		}
	}
	return errors, warnings
}

// Format prints every file's diagnostics with diag.List.Format, file after
// file in path order.
func (d *Diagnostics) Format() string {
	var b strings.Builder
	for _, l := range d.Lists {
		b.WriteString(l.Format())
	}
	return b.String()
}

// Err returns an error describing the first error and the number of others,
// or nil when there is no error.
func (d *Diagnostics) Err() error {
	var first error
	n := 0
	for _, l := range d.Lists {
		for _, it := range l.Items {
			if it.Severity != diag.Error {
				continue
			}
			if first == nil {
				first = fmt.Errorf("%s: %s", l.Position(it), it.Msg)
			}
			n++
		}
	}
	if first != nil && n > 1 {
		return fmt.Errorf("%w (and %d more errors)", first, n-1)
	}
	return first
}

// For returns the diagnostics of the file at path, or nil.
func (d *Diagnostics) For(path string) *diag.List {
	for _, l := range d.Lists {
		if l.File != nil && l.File.Name == path {
			return l
		}
	}
	return nil
}

// IsRuleFile reports whether name has a YAML extension (.yaml or .yml, any
// case).
func IsRuleFile(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return ext == ".yaml" || ext == ".yml"
}

// Load reads the rule file at path, or every .yaml/.yml file under the
// directory path (recursively, in lexical path order, skipping directories
// whose names start with a dot).
//
// It returns the rules that have no errors, and the diagnostics of every
// file (warnings of the loaded rules included). A rule id used by more than
// one file is reported as a warning on the later files. The error is for
// I/O failures only: a file that is not a valid rule is an error in the
// diagnostics, and the other files are still loaded.
func Load(path string) ([]*Rule, *Diagnostics, error) {
	files, err := ruleFiles(path)
	if err != nil {
		return nil, nil, err
	}
	var (
		rules []*Rule
		ds    = &Diagnostics{}
		ids   = map[string]string{}
	)
	for _, f := range files {
		data, err := readFile(f)
		if err != nil {
			return nil, nil, err
		}
		if len(data) > MaxFileSize {
			l := &diag.List{File: token.NewFile(f, "")}
			l.Errorf(noSpan, "rule file larger than %d bytes; not read", MaxFileSize)
			ds.add(l)
			continue
		}
		r, l := Parse(f, data)
		if r != nil && r.ID != "" {
			if other, dup := ids[strings.ToLower(r.ID)]; dup {
				l.Warnf(r.span("id"), "rule id %s is also used by %s", r.ID, other)
				l.Sort()
			} else {
				ids[strings.ToLower(r.ID)] = f
			}
		}
		ds.add(l)
		if r != nil && !l.HasErrors() {
			rules = append(rules, r)
		}
	}
	return rules, ds, nil
}

// ruleFiles lists the rule files at path.
func ruleFiles(path string) ([]string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return []string{path}, nil
	}
	var files []string
	err = filepath.WalkDir(path, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			if p != path && strings.HasPrefix(e.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if IsRuleFile(p) && e.Type().IsRegular() {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	return files, nil
}

// readFile reads a rule file; of a file larger than MaxFileSize it reads
// only MaxFileSize+1 bytes.
func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, MaxFileSize+1))
}

// noSpan is the span of a diagnostic without a position.
var noSpan = token.Span{Start: token.NoPos, End: token.NoPos}
