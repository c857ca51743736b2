// The dead-letter file: the one writer of <state dir>/deadletter-<sink>.ndjson,
// shared by a sink (events its destination refused for good) and its
// delivery loop (queue entries that cannot be read back). Writing letters
// also counts them and logs one line per Write, so that no writer can
// forget either.

package sink

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"go.uber.org/zap"

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
// Every Write that succeeds counts its letters in the sink's metrics and
// logs one line that sums them up.
type DeadLetters struct {
	sink, path string
	log        *zap.Logger
	metrics    Metrics
	now        func() time.Time
	mu         sync.Mutex
	buf        []byte
}

// NewDeadLetters returns the dead-letter file of sink in dir, counting
// into m and logging to log (nil: neither).
func NewDeadLetters(dir, sink string, log *zap.Logger, m Metrics) *DeadLetters {
	if log == nil {
		log = zap.NewNop()
	}
	if m == nil {
		m = NopMetrics{}
	}
	return &DeadLetters{sink: sink, path: filepath.Join(dir, "deadletter-"+sink+".ndjson"), log: log, metrics: m, now: time.Now}
}

// Path is the file's path.
func (d *DeadLetters) Path() string { return d.path }

// Write appends one line per letter, fsyncs the file, counts one dead
// letter per line and logs a summary.
func (d *DeadLetters) Write(letters ...Letter) error {
	return d.WriteCounting(len(letters), letters...)
}

// WriteCounting is Write for letters that stand for n events rather than
// one each: an unreadable queue entry (the events its header announced),
// a partial success (the receiver said how many it rejected, not which).
func (d *DeadLetters) WriteCounting(n int, letters ...Letter) error {
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
	d.metrics.DeadLetter(d.sink, n)
	d.logWrite(n, letters)
	return nil
}

// logWrite logs one line for the letters of one Write: how many, the
// first one's code and reason (and how many reasons in all), the file.
func (d *DeadLetters) logWrite(n int, letters []Letter) {
	first := &letters[0]
	reasons := map[string]bool{}
	for i := range letters {
		reasons[letters[i].Reason] = true
	}
	fields := []zap.Field{zap.Int("events", n), zap.Int("lines", len(letters)), zap.String("code", first.Code),
		zap.String("reason", first.Reason), zap.String("file", d.path)}
	if len(reasons) > 1 {
		fields = append(fields, zap.Int("reasons", len(reasons)))
	}
	if first.Event == nil {
		d.log.Error("unreadable queue entries set aside in the dead-letter file", fields...)
		return
	}
	fields = append(fields, zap.String("first_event_id", first.Event.ID()))
	d.log.Warn("events written to the dead-letter file", fields...)
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
