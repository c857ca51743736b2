// deadletter.go records events Splunk refused for good in
// <state dir>/deadletter-<sink>.ndjson, so that nothing is dropped silently.
package hec

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/event"
)

// deadLetterPath is the sink's dead-letter file.
func deadLetterPath(stateDir, name string) string {
	return filepath.Join(stateDir, "deadletter-"+name+".ndjson")
}

// deadLetter appends one line per event of req to the dead-letter file,
// fsyncs it, counts and logs them. code is the HEC code of the refusal, or
// its HTTP status when the reply carried no code.
func (s *Sink) deadLetter(b *batch, req []int, a answer, reason string) error {
	code := a.code()
	if code < 0 {
		code = a.status
	}
	now := time.Now().UTC().Format(time.RFC3339)
	var buf []byte
	for _, i := range req {
		buf = appendDeadLetter(buf, now, s.set.Name, code, reason, &b.events[i])
	}
	if err := appendSync(s.deadPath, buf); err != nil {
		return fmt.Errorf("writing dead letters to %s: %w", s.deadPath, err)
	}
	s.set.Metrics.DeadLetter(s.set.Name, len(req))
	for _, i := range req {
		s.log.Warn("Splunk refused an event for good; it was written to the dead-letter file",
			zap.String("eventId", b.events[i].ID()), zap.Int("code", code),
			zap.String("reason", reason), zap.String("file", s.deadPath))
	}
	return nil
}

// appendDeadLetter renders one dead-letter line with its newline.
func appendDeadLetter(dst []byte, now, name string, code int, reason string, ev *event.Event) []byte {
	dst = append(dst, `{"time":`...)
	dst = event.AppendJSONString(dst, now)
	dst = append(dst, `,"sink":`...)
	dst = event.AppendJSONString(dst, name)
	dst = append(dst, `,"code":`...)
	dst = strconv.AppendInt(dst, int64(code), 10)
	dst = append(dst, `,"reason":`...)
	dst = event.AppendJSONString(dst, reason)
	dst = append(dst, `,"event":`...)
	dst = ev.AppendJSON(dst)
	return append(dst, '}', '\n')
}

// appendSync appends p to the file at path (created 0600) and fsyncs it.
func appendSync(path string, p []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(p); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}
