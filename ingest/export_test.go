package ingest

// SetParallel sets, for a test, the number of goroutines that read JSON
// Lines input (1: sequentially), the size of its chunks and the longest
// line accepted (0 keeps each); the returned function restores them.
func SetParallel(workers, chunk, maxLine int) (restore func()) {
	w, c, m := jsonWorkers, chunkBytes, maxLineBytes
	jsonWorkers = workers
	if chunk > 0 {
		chunkBytes = chunk
	}
	if maxLine > 0 {
		maxLineBytes = maxLine
	}
	return func() { jsonWorkers, chunkBytes, maxLineBytes = w, c, m }
}
