// The file sink's type, constructor and the Write/Reopen/Close cycle.

package file

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/sink"
)

// Sink appends events as JSON lines to one file.
type Sink struct {
	path       string
	maxSize    int64
	maxBackups int
	mode       os.FileMode
	log        *zap.Logger

	// write is the one call that appends data; tests replace it to
	// simulate short writes.
	write func(f *os.File, b []byte) (int, error)

	mu       sync.Mutex
	f        *os.File // nil until the next Write opens the path
	regular  bool     // f is a regular file: chmod, rotate and fsync apply
	size     int64    // bytes in f
	midLine  bool     // f does not end with '\n'
	dirDirty bool     // a create or rename awaits a directory fsync
	closed   bool
	buf      []byte     // the batch being written; buf[0] is a spare '\n'
	json     event.JSON // WritePacked's renderer, which keeps its renderings
	view     event.View

	dev, ino uint64     // f's identity, when known
	known    bool       // dev and ino are known
	tail     *tailStore // the record of the write in progress
}

var (
	_ sink.Sink         = (*Sink)(nil)
	_ sink.PackedWriter = (*Sink)(nil)
	_ sink.Reopener     = (*Sink)(nil)
	_ sink.Checker      = (*Sink)(nil)
)

// New builds a file sink from a valid config. It opens nothing: the file
// is opened by the first Write.
func New(s sink.Settings, c Config) (sink.Sink, error) {
	s = s.WithDefaults()
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("sink %q: %w", s.Name, err)
	}
	return &Sink{
		path:       c.Path,
		maxSize:    int64(c.MaxSize),
		maxBackups: c.MaxBackups,
		mode:       os.FileMode(c.Mode).Perm(),
		log:        s.Logger.With(zap.String("path", c.Path)),
		write:      (*os.File).Write,
		buf:        make([]byte, 1, 64<<10),
		tail:       newTailStore(s.StateDir, s.Name),
	}, nil
}

var errClosed = errors.New("sink is closed")

// Write appends the batch, one JSON line per event, and returns once the
// file is fsynced.
func (s *Sink) Write(ctx context.Context, events []event.Event) error {
	return s.writeLines(ctx, len(events), func() { s.encode(events) })
}

// WritePacked is Write for the opened packed batches of the queue: it
// renders the lines straight from them.
func (s *Sink) WritePacked(ctx context.Context, batches []*event.Packed) error {
	n := 0
	for _, p := range batches {
		n += p.Len()
	}
	return s.writeLines(ctx, n, func() { s.encodePacked(batches) })
}

// writeLines appends the n events that encode renders and fsyncs the file.
func (s *Sink) writeLines(ctx context.Context, n int, encode func()) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if n == 0 {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return fmt.Errorf("writing %s: %w", s.path, errClosed)
	}
	encode()
	if err := s.prepare(int64(len(s.buf) - 1)); err != nil {
		return err
	}
	data := s.buf[1:]
	if s.midLine {
		data = s.buf
	}
	return s.commit(data)
}

// encode fills s.buf with a spare '\n' and then the batch's lines.
func (s *Sink) encode(events []event.Event) {
	b := append(s.buf[:0], '\n')
	for i := range events {
		b = events[i].AppendJSON(b)
		b = append(b, '\n')
	}
	s.buf = b
}

// encodePacked is encode for opened packed batches.
func (s *Sink) encodePacked(batches []*event.Packed) {
	b := append(s.buf[:0], '\n')
	for _, p := range batches {
		p.Rewind()
		for p.Next(&s.view) {
			b = s.json.Append(b, p, &s.view)
			b = append(b, '\n')
		}
	}
	s.buf = b
}

// prepare opens the file if needed and rotates it when n more bytes would
// push it past max_size.
func (s *Sink) prepare(n int64) error {
	if s.f == nil {
		if err := s.open(); err != nil {
			return err
		}
	} else if err := s.recheck(); err != nil {
		return err
	}
	if s.midLine {
		n++
	}
	if s.maxSize > 0 && s.regular && s.size > 0 && s.size+n > s.maxSize {
		return s.rotate()
	}
	return nil
}

// commit records which bytes it is about to write, writes data with one call
// and fsyncs the file (and the directory when entries changed). On failure
// the file is closed for the retry to reopen.
func (s *Sink) commit(data []byte) error {
	if s.regular && s.known {
		rec := tailRecord{dev: s.dev, ino: s.ino, start: s.size, end: s.size + int64(len(data))}
		if err := s.tail.store(rec); err != nil {
			s.drop()
			return err
		}
	}
	n, err := s.write(s.f, data)
	if n > 0 {
		s.size += int64(n)
		s.midLine = data[n-1] != '\n'
	}
	if err == nil && n < len(data) {
		err = fmt.Errorf("short write: %d of %d bytes", n, len(data))
	}
	if err != nil {
		s.drop()
		return fmt.Errorf("appending to %s: %w", s.path, err)
	}
	if s.regular {
		if err := s.f.Sync(); err != nil {
			s.drop()
			return fmt.Errorf("syncing %s: %w", s.path, err)
		}
	}
	if s.dirDirty {
		if err := syncDir(s.path); err != nil {
			return err
		}
		s.dirDirty = false
	}
	return nil
}

// drop closes the file after a failure; its close error adds nothing.
func (s *Sink) drop() {
	s.tail.close()
	if s.f != nil {
		_ = s.f.Close()
		s.f = nil
	}
}

// Reopen closes the file now; the next Write opens the path again, which
// after an external rename is a new file. It is safe to call concurrently
// with Write.
func (s *Sink) Reopen() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tail.close()
	if s.f == nil {
		return nil
	}
	err := s.f.Close()
	s.f = nil
	s.log.Info("file sink will reopen its file on the next write")
	if err != nil {
		return fmt.Errorf("closing %s: %w", s.path, err)
	}
	return nil
}

// Close closes the file; it is idempotent.
func (s *Sink) Close(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.tail.close()
	if s.f == nil {
		return nil
	}
	err := s.f.Close()
	s.f = nil
	if err != nil {
		return fmt.Errorf("closing %s: %w", s.path, err)
	}
	return nil
}
