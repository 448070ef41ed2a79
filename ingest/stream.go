package ingest

import (
	"fmt"

	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/table"
)

// Sink receives what Stream reads, as it is read.
type Sink interface {
	// StartFile is called before path is read; when it returns false the
	// file is not read and its rows are not counted (the caller accounts
	// for it, for instance as a file already stored).
	StartFile(path string) (read bool, err error)
	// Batch receives rows of table. The batch's schema holds the columns
	// the rows of its file carried so far: the documented columns in
	// documented order, then extra columns in first-seen order. An extra
	// column whose values in the batch are all null has type types.Null.
	// Batches of one table may have different schemas; the sink owns b.
	Batch(table string, b *table.Batch) error
	// Reject receives every rejected row (Result.Rejects may list only
	// the first Options.MaxRejects).
	Reject(r Reject) error
	// EndFile is called after a file was read, or could not be read, with
	// its counts.
	EndFile(st FileStats) error
}

// abortStream carries a sink's error out of the readers.
type abortStream struct{ err error }

// Stream reads paths as Load does but hands every batch to sink as soon as
// it is full instead of building whole tables, so memory stays bounded by
// the batch size (Options.BatchRows) whatever the size of the input. The
// Result it returns has counts, file statistics, warnings and the rejects
// (capped by Options.MaxRejects), but no Tables.
//
// An error returned by the sink stops the stream at once and is returned;
// otherwise the error is, as for Load, the join of the errors of files that
// could not be read at all.
func Stream(paths []string, opts Options, sink Sink) (res *Result, err error) {
	l, err := newLoader(opts)
	if err != nil {
		return nil, err
	}
	l.out = sink
	defer func() {
		if r := recover(); r != nil {
			a, ok := r.(abortStream)
			if !ok {
				panic(r)
			}
			res, err = l.res, a.err
		}
	}()
	files, walkErrs := expandPaths(paths)
	for _, we := range walkErrs {
		l.fileError(FileStats{Path: we.path}, we.err)
		if err := sink.EndFile(l.res.Files[len(l.res.Files)-1]); err != nil {
			return l.res, err
		}
	}
	for _, in := range files {
		read, err := sink.StartFile(in.path)
		if err != nil {
			return l.res, err
		}
		if !read {
			continue
		}
		l.loadFile(in.path, in.walked)
		if err := sink.EndFile(l.res.Files[len(l.res.Files)-1]); err != nil {
			return l.res, err
		}
	}
	return l.finish()
}

// emit hands a finished batch of table acc to the stream's sink, or keeps
// it for Load.
func (l *loader) emit(acc *tableAcc, pb *pendingBatch) {
	if l.out == nil {
		acc.batches = append(acc.batches, pb)
		return
	}
	b := &table.Batch{N: pb.n}
	for i, name := range pb.names {
		if !acc.extraSet[name] && i >= len(acc.def.Columns) {
			continue // a column no stored row has carried yet
		}
		c := pb.cols[i]
		if c.Type == types.Null {
			c = nullColumn(types.Null, pb.n)
		}
		if c.Len() != pb.n {
			panic(abortStream{fmt.Errorf("ingest: internal error: column %s of %s has %d rows, want %d", name, acc.name, c.Len(), pb.n)})
		}
		b.Schema = append(b.Schema, table.Field{Name: name, Type: c.Type})
		b.Cols = append(b.Cols, c)
	}
	if err := l.out.Batch(acc.name, b); err != nil {
		panic(abortStream{err})
	}
}

// InputFiles lists the files Load and Stream read for paths, in reading
// order: a file stands for itself, a directory for the regular files below
// it (walked in lexical order, skipping names that start with '.'). Paths
// that cannot be listed are left out; Load and Stream report them.
func InputFiles(paths []string) []string {
	files, _ := expandPaths(paths)
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = f.path
	}
	return out
}
