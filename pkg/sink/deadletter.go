// The dead-letter file: the one writer of <state dir>/deadletter-<sink>.ndjson,
// shared by a sink (events its destination refused for good) and its
// delivery loop (queue entries that cannot be read back).

package sink

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/serfwd/serfwd/pkg/event"
)

// Letter is one thing set aside: an event a destination refused for good,
// or the raw bytes of a queue entry that cannot be read.
type Letter struct {
	// Code is the destination's code for the refusal (a HEC code, an HTTP
	// status, "queue-entry"): written as a JSON number when it is one.
	Code   string
	Reason string       // why, in words (the destination's answer)
	Event  *event.Event // the refused event
	Entry  []byte       // an unreadable queue entry, when Event is nil
}

// DeadLetters appends letters to one sink's dead-letter file, one JSON line
// each: {"time":…,"sink":…,"code":…,"reason":…,"event":{…}} (SPEC §5), or
// with "entry":"<base64>" in place of "event" for an unreadable queue
// entry. The file is created with mode 0600 and fsynced after every Write;
// nothing is dropped silently: when it cannot be written, Write fails.
type DeadLetters struct {
	sink, path string
	now        func() time.Time
	mu         sync.Mutex
	buf        []byte
}

// NewDeadLetters returns the dead-letter file of sink in dir.
func NewDeadLetters(dir, sink string) *DeadLetters {
	return &DeadLetters{sink: sink, path: filepath.Join(dir, "deadletter-"+sink+".ndjson"), now: time.Now}
}

// Path is the file's path.
func (d *DeadLetters) Path() string { return d.path }

// Write appends one line per letter, then fsyncs the file.
func (d *DeadLetters) Write(letters ...Letter) error {
	if len(letters) == 0 {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	now := event.FormatTime(d.now())
	d.buf = d.buf[:0]
	for i := range letters {
		d.buf = appendLetter(d.buf, now, d.sink, &letters[i])
	}
	if err := appendSync(d.path, d.buf); err != nil {
		return fmt.Errorf("writing dead letters to %s: %w", d.path, err)
	}
	return nil
}

// appendLetter renders one line with its newline.
func appendLetter(dst []byte, now, sink string, l *Letter) []byte {
	dst = append(dst, `{"time":`...)
	dst = event.AppendJSONString(dst, now)
	dst = append(dst, `,"sink":`...)
	dst = event.AppendJSONString(dst, sink)
	dst = append(dst, `,"code":`...)
	if n, err := strconv.Atoi(l.Code); err == nil && strconv.Itoa(n) == l.Code {
		dst = append(dst, l.Code...)
	} else {
		dst = event.AppendJSONString(dst, l.Code)
	}
	dst = append(dst, `,"reason":`...)
	dst = event.AppendJSONString(dst, l.Reason)
	if l.Event != nil {
		dst = append(dst, `,"event":`...)
		dst = l.Event.AppendJSON(dst)
	} else {
		dst = append(dst, `,"entry":"`...)
		dst = base64.StdEncoding.AppendEncode(dst, l.Entry)
		dst = append(dst, '"')
	}
	return append(dst, '}', '\n')
}

// appendSync appends b to the file at path (created 0600) and fsyncs it.
func appendSync(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}
