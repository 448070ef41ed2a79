package ingest

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/rmmhunt/rmmhunt/schema"
)

// inputFile is one file to read; walked is true when it was found by
// walking a directory rather than named by the caller.
type inputFile struct {
	path   string
	walked bool
}

// pathError is a path that could not be listed.
type pathError struct {
	path string
	err  error
}

// unwrapPathError drops the operation and path from an *os.PathError: the
// path is reported beside it.
func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// expandPaths turns the arguments of Load into a list of files: a file
// stands for itself, a directory for every regular file below it, walked in
// lexical order, without entries whose names start with '.'.
func expandPaths(paths []string) ([]inputFile, []pathError) {
	var files []inputFile
	var errs []pathError
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			errs = append(errs, pathError{p, unwrapPathError(err)})
			continue
		}
		if !info.IsDir() {
			files = append(files, inputFile{path: p})
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				errs = append(errs, pathError{path, unwrapPathError(err)})
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if path != p && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() {
				files = append(files, inputFile{path: path, walked: true})
			}
			return nil
		})
		if err != nil {
			errs = append(errs, pathError{p, err})
		}
	}
	return files, errs
}

// Directory prefixes that name a table: Log Analytics data export
// containers (am-DeviceProcessEvents) and streaming-API storage containers
// (insights-logs-advancedhunting-deviceprocessevents).
const (
	laExportPrefix  = "am-"
	streamingPrefix = "insights-logs-advancedhunting-"
)

// tableFromPath tells the table from a file path: the longest known table
// name prefixing the base name (not followed by a letter, compared without
// case), else the nearest directory named am-<Table> or
// insights-logs-advancedhunting-<table>. It returns "" when neither applies.
func tableFromPath(reg *schema.Registry, path string) string {
	if path == "" {
		return ""
	}
	path = filepath.ToSlash(path)
	parts := strings.Split(path, "/")
	if t := tableFromBase(reg, parts[len(parts)-1]); t != "" {
		return t
	}
	for i := len(parts) - 2; i >= 0; i-- {
		dir := strings.ToLower(parts[i])
		for _, prefix := range []string{laExportPrefix, streamingPrefix} {
			if rest, ok := strings.CutPrefix(dir, prefix); ok {
				if t := tableNamed(reg, rest); t != "" {
					return t
				}
			}
		}
	}
	return ""
}

func tableFromBase(reg *schema.Registry, base string) string {
	best := ""
	lower := strings.ToLower(base)
	for _, name := range reg.Names() {
		if len(name) <= len(best) || !strings.HasPrefix(lower, strings.ToLower(name)) {
			continue
		}
		if len(base) > len(name) && isLetter(base[len(name)]) {
			continue
		}
		best = name
	}
	return best
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// tableNamed returns the known table named name, matched exactly or else
// without case, or "".
func tableNamed(reg *schema.Registry, name string) string {
	if _, ok := reg.Lookup(name); ok {
		return name
	}
	for _, n := range reg.Names() {
		if strings.EqualFold(n, name) {
			return n
		}
	}
	return ""
}
