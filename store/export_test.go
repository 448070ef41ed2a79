package store

// SetScanWorkers sets how many row groups a scan of s reads at once (0:
// GOMAXPROCS).
func SetScanWorkers(s *Store, n int) { s.scanWorkers = n }
