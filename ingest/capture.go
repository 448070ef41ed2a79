package ingest

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/linkedin/goavro/v2"
)

// This file reads Event Hubs Capture files: Avro object container files
// (null or deflate codec) whose records are Event Hub messages
// {SequenceNumber, Offset, EnqueuedTimeUtc, SystemProperties, Properties,
// Body}. Each Body is a message of Defender's streaming API,
// {"records":[envelope, ...]}, read as the JSON readers read one. The file
// is read a block at a time.

// avroMagic starts every Avro object container file.
const avroMagic = "Obj\x01"

// maxAvroBlockBytes bounds the size of one Avro block, so that a corrupt
// size cannot make the reader allocate gigabytes. Capture blocks hold a
// few megabytes at most.
const maxAvroBlockBytes = 256 << 20

func init() {
	goavro.MaxBlockSize = maxAvroBlockBytes
	goavro.MaxBlockCount = 1 << 24
}

// captureState is the position in a capture file, for rejects.
type captureState struct {
	message  int   // 1-based message being read, 0 outside capture files
	sequence int64 // its Event Hub sequence number, -1 when unknown
	record   int   // 1-based record of its body being read
}

// safeAvro runs fn, turning a panic of the Avro library on corrupt input
// into an error.
func safeAvro(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("corrupt Avro data (%v)", r)
		}
	}()
	return fn()
}

// readCapture reads an Event Hubs Capture file. A block that cannot be
// read or decoded is one reject; the blocks after it are still read when
// the container's framing allows it.
func (f *fileState) readCapture(br *bufio.Reader) error {
	var ocf *goavro.OCFReader
	err := safeAvro(func() (err error) {
		ocf, err = goavro.NewOCFReader(br)
		return err
	})
	if err != nil {
		return fmt.Errorf("not a readable Avro object container file: %v", err)
	}
	if !hasBodyField(ocf.Codec().Schema()) {
		return errors.New("not an Event Hubs Capture file: its Avro records have no Body field")
	}
	f.setFormat(FormatCapture)
	defer func() { f.capture = captureState{} }()
	msg := 0
	for {
		var more bool
		if err := safeAvro(func() error { more = ocf.Scan(); return nil }); err != nil {
			f.captureReject(msg+1, -1, fmt.Sprintf("cannot read the Avro block after message %d: %v", msg, err))
			return nil
		}
		if !more {
			if err := ocf.Err(); err != nil {
				f.captureReject(msg+1, -1, fmt.Sprintf("cannot read the Avro block after message %d: %v", msg, describeAvroErr(err)))
			}
			return nil
		}
		var datum any
		derr := safeAvro(func() (err error) {
			datum, err = ocf.Read()
			return err
		})
		msg++
		if derr != nil {
			f.captureReject(msg, -1, fmt.Sprintf("cannot decode the message (the rest of its Avro block is skipped): %v", derr))
			ocf.SkipThisBlockAndReset()
			continue
		}
		if err := f.captureMessage(msg, datum); err != nil {
			return err
		}
	}
}

// hasBodyField reports whether an Avro schema is a record with a Body
// field.
func hasBodyField(schema string) bool {
	var s struct {
		Type   any `json:"type"`
		Fields []struct {
			Name string `json:"name"`
		} `json:"fields"`
	}
	if json.Unmarshal([]byte(schema), &s) != nil {
		return false
	}
	for _, fl := range s.Fields {
		if fl.Name == "Body" {
			return true
		}
	}
	return false
}

// describeAvroErr explains an error of the Avro reader.
func describeAvroErr(err error) string {
	msg := err.Error()
	if strings.Contains(msg, "EOF") {
		return "the file ends early (truncated?): " + msg
	}
	return msg
}

// captureMessage reads message msg, an Avro record of the capture schema.
func (f *fileState) captureMessage(msg int, datum any) error {
	rec, ok := datum.(map[string]any)
	f.capture = captureState{message: msg}
	if !ok {
		f.captureReject(msg, -1, "the Avro record is not an Event Hub message")
		return nil
	}
	f.capture.sequence = -1
	if seq, ok := rec["SequenceNumber"].(int64); ok {
		f.capture.sequence = seq
	}
	body := rec["Body"]
	if u, ok := body.(map[string]any); ok { // a union ["null","bytes"]
		body = u["bytes"]
	}
	b, _ := body.([]byte)
	if len(b) == 0 {
		f.captureReject(msg, f.capture.sequence, "the message has no body")
		return nil
	}
	return f.readDoc(b, 1, 0, nil)
}

// captureReject rejects a message (or what follows it) as a whole; seq is
// its sequence number, -1 when unknown.
func (f *fileState) captureReject(msg int, seq int64, reason string) {
	f.capture = captureState{message: msg, sequence: seq}
	f.reject(0, 0, reason, nil)
}
