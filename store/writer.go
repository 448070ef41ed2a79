package store

import (
	"errors"
	"runtime"

	"github.com/rmmhunt/rmmhunt/table"
)

// Writer adds rows made in memory (rather than read from files) to the
// store, with the same layout, partitioning and atomic commit as Ingest:
// nothing is visible until Commit, and a Writer that is closed without
// Commit (or a process killed before it) leaves the store as it was. The
// store's lock is held from NewWriter to Commit or Close.
//
// Write hands batches to the partitions of their table and day; full
// partitions are encoded to Parquet by background workers while the
// caller produces more rows. A Writer is used by one goroutine.
type Writer struct {
	run    *ingestRun
	unlock func()
	done   bool
}

// NewWriter opens a writer on the store. opts.FileRows, GroupRows and
// BufferBytes apply as for Ingest; the other options are ignored.
func (s *Store) NewWriter(opts IngestOptions) (*Writer, error) {
	run, unlock, err := s.begin(opts)
	if err != nil {
		return nil, err
	}
	workers := max(1, runtime.GOMAXPROCS(0))
	run.jobs = make(chan *encodeJob, workers)
	for range workers {
		run.wg.Add(1)
		go run.encoder()
	}
	return &Writer{run: run, unlock: unlock}, nil
}

// Write adds the rows of b to tableName. The batch's schema should be
// the table's documented columns (extra columns are kept, as by Ingest);
// rows with a null Timestamp go to the undated partition. The writer owns
// b afterwards.
func (w *Writer) Write(tableName string, b *table.Batch) error {
	if w.done {
		return errors.New("store: write after commit or close")
	}
	if b.N == 0 {
		return nil
	}
	w.run.res.Read += int64(b.N)
	w.run.res.Stored += int64(b.N)
	return w.run.Batch(tableName, b)
}

// Commit writes the buffered rows, commits every file written as one
// generation and releases the lock. It returns the counts (Read and
// Stored are the rows written).
func (w *Writer) Commit() (*IngestResult, error) {
	if w.done {
		return nil, errors.New("store: commit after commit or close")
	}
	w.done = true
	defer w.unlock()
	r := w.run
	for _, k := range r.partKeys() {
		r.dispatch(r.parts[k])
	}
	close(r.jobs)
	r.wg.Wait()
	if r.encErr != nil {
		r.discard()
		return r.res, r.encErr
	}
	if len(r.written) == 0 {
		return r.res, nil
	}
	if err := r.commit(); err != nil {
		r.discard()
		return r.res, err
	}
	return r.res, nil
}

// Close abandons a writer that was not committed: the files it wrote are
// removed and the lock released. After Commit it does nothing.
func (w *Writer) Close() {
	if w.done {
		return
	}
	w.done = true
	close(w.run.jobs)
	w.run.wg.Wait()
	w.run.discard()
	w.unlock()
}
