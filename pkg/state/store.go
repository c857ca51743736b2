// The Store: Open (lock, format checks and upgrade, removing leftovers,
// compaction) with errors that name the file and say how to recover, Close,
// the notifications of queues growing and shrinking, and the key encodings
// the buckets share.

package state

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// schemaVersion is the state file's format; a newer file is refused. 2
// added the batch store (queues refer to batches); a file of format 1 is
// read as it is and marked 2 at Open. 3 moved the records of revisit list
// entries into fingerprint sets (prints.go); Open moves those of an older
// file (migrate.go).
const schemaVersion = 3

var (
	bucketMeta      = []byte("meta")
	bucketCursors   = []byte("cursors")
	bucketQueues    = []byte("queues")    // one nested bucket per sink
	bucketQueueStat = []byte("queuestat") // sink → events, bytes
	bucketRevisit   = []byte("revisit")   // one nested bucket per input
	keySchema       = []byte("schema")
	keyMigrating    = []byte("migrating") // present while Open moves the file to a new format (migrate.go)
)

// ErrLocked means another process holds the state file.
var ErrLocked = errors.New("state file is locked by another process")

// ErrCorrupt means the state file cannot be read as a serfwd state file.
var ErrCorrupt = errors.New("state file is corrupt")

// Store is an open state file.
type Store struct {
	db   *bolt.DB
	path string

	mu     sync.Mutex
	notify map[string]chan struct{}
	shrunk chan struct{} // closed and replaced when a queue shrinks
	mapped int64         // bytes delivered, staged or read for revisits since the mapped pages were last released

	sweeping sync.Mutex // held by the one sweep of the trash (staging.go)
	closed   bool
}

// Open opens (creating if needed, mode 0600) the state file at path. A file
// held by another process yields an error wrapping ErrLocked after one second;
// an unreadable one an error wrapping ErrCorrupt that says how to recover.
func Open(path string) (s *Store, err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("creating state directory: %w", err)
	}
	if err := precheck(path); err != nil {
		return nil, err
	}
	// bbolt panics on some forms of corruption, and a damaged mapping can
	// fault; turn both into an error rather than a crash loop.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, corrupt(path, fmt.Errorf("%v", r))
		}
	}()
	db, err := openLocked(path)
	switch {
	case errors.Is(err, bolterrors.ErrTimeout):
		return nil, fmt.Errorf("%w: %s", ErrLocked, path) // the command says by whom, and what to do
	case errors.Is(err, bolterrors.ErrInvalid), errors.Is(err, bolterrors.ErrVersionMismatch), errors.Is(err, bolterrors.ErrChecksum):
		return nil, corrupt(path, err)
	case err != nil:
		return nil, opening(path, err)
	}
	s = &Store{db: db, path: path, notify: map[string]chan struct{}{}}
	if err := s.init(); err != nil {
		db.Close()
		if errors.Is(err, ErrCorrupt) {
			return nil, err
		}
		return nil, fmt.Errorf("initialising state file %s: %w", path, err)
	}
	if err := s.upgrade(); err != nil {
		db.Close()
		return nil, fmt.Errorf("moving state file %s to format %d: %w", path, schemaVersion, err)
	}
	if err := s.dropLeftovers(); err != nil {
		db.Close()
		return nil, fmt.Errorf("removing what fetches had staged in state file %s: %w", path, err)
	}
	if err := s.removeScratch(); err != nil {
		db.Close()
		return nil, err
	}
	s.releaseMapped()
	if err := s.compactIfSparse(); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("compacting state file %s: %w", path, err)
	}
	return s, nil
}

// opening is an error of opening the state file at path, naming the path
// once: an *fs.PathError about it gives only its operation's cause.
func opening(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == path {
		err = pe.Err
	}
	return fmt.Errorf("opening state file %s: %w", path, err)
}

func corrupt(path string, cause error) error {
	return fmt.Errorf("%w: %s (%v); move it aside (e.g. mv %s %s.broken) and start again: serfwd then begins at each input's start or lookback, and events that were queued but not delivered are lost unless you restore a backup", ErrCorrupt, path, cause, path, path)
}

func (s *Store) init() error {
	return s.db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketMeta, bucketCursors, bucketQueues, bucketQueueStat, bucketRevisit, bucketBatches, bucketRefs, bucketPrints, bucketStaging, bucketTrash} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		if err := dropAllStaged(tx); err != nil {
			return err
		}
		meta := tx.Bucket(bucketMeta)
		if v := meta.Get(keySchema); v != nil {
			if len(v) != 8 {
				return corrupt(s.path, errors.New("bad schema record"))
			}
			if got := binary.BigEndian.Uint64(v); got > schemaVersion {
				return fmt.Errorf("state file %s has format %d, newer than this serfwd understands (%d); upgrade serfwd", s.path, got, schemaVersion)
			}
		}
		return nil
	})
}

// Path is the state file's path.
func (s *Store) Path() string { return s.path }

// Close closes the file; it is idempotent.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	return s.db.Close()
}

// Notify returns a channel that receives a value (non-blocking, capacity 1)
// whenever a commit adds to sink's queue.
func (s *Store) Notify(sink string) <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.notifyLocked(sink)
}

func (s *Store) notifyLocked(sink string) chan struct{} {
	ch, ok := s.notify[sink]
	if !ok {
		ch = make(chan struct{}, 1)
		s.notify[sink] = ch
	}
	return ch
}

func (s *Store) signal(sinks []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, name := range sinks {
		select {
		case s.notifyLocked(name) <- struct{}{}:
		default:
		}
	}
}

// Shrunk returns a channel that is closed the next time a queue shrinks
// (delivered events removed), so that a poller paused by a full queue
// wakes exactly when there may be room.
func (s *Store) Shrunk() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shrunk == nil {
		s.shrunk = make(chan struct{})
	}
	return s.shrunk
}

// signalShrunk wakes everyone waiting on Shrunk.
func (s *Store) signalShrunk() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shrunk != nil {
		close(s.shrunk)
		s.shrunk = nil
	}
}

// update runs fn in a write transaction and wraps a failure with the file's
// path, so that disk trouble is named clearly.
func (s *Store) update(op string, fn func(tx *bolt.Tx) error) error {
	if err := s.db.Update(fn); err != nil {
		return fmt.Errorf("%s in state file %s: %w", op, s.path, err)
	}
	return nil
}

func u64(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

func timeKey(t time.Time) []byte { return u64(uint64(t.UnixMilli())) }

func keyTime(b []byte) time.Time {
	return time.UnixMilli(int64(binary.BigEndian.Uint64(b))).UTC()
}
