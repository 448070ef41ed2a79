//go:build !unix

package store

import "os"

// lockDir creates the lock file; systems without flock get no mutual
// exclusion between concurrent ingests.
func lockDir(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	return func() { f.Close() }, nil
}

func isUnsupportedSync(err error) bool { return true }
