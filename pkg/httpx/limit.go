// Size limits on what a peer sends, counted on decoded bytes.

package httpx

import (
	"errors"
	"fmt"
	"io"

	"github.com/serfwd/serfwd/pkg/config"
)

// ErrTooLarge is matched (errors.Is) by every *TooLargeError.
var ErrTooLarge = errors.New("answer too large")

// TooLargeError is an answer that went past a size limit.
type TooLargeError struct {
	Limit int64  // bytes
	Name  string // the limit's config key or description, e.g. "max_body_bytes"
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("answer larger than %s (%s, counted after content decoding)", e.Name, config.Size(e.Limit))
}

// Is makes errors.Is(err, ErrTooLarge) hold.
func (e *TooLargeError) Is(target error) bool { return target == ErrTooLarge }

// LimitReader returns a reader of r that fails with a *TooLargeError once r
// has more than limit bytes; up to limit bytes read as r would.
func LimitReader(r io.Reader, limit int64, name string) io.Reader {
	return &limited{r: r, limit: limit, name: name}
}

type limited struct {
	r     io.Reader
	limit int64
	read  int64
	name  string
}

func (l *limited) Read(p []byte) (int, error) {
	if l.read > l.limit {
		return 0, &TooLargeError{Limit: l.limit, Name: l.name}
	}
	if rest := l.limit + 1 - l.read; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := l.r.Read(p)
	l.read += int64(n)
	if l.read > l.limit {
		return n - int(l.read-l.limit), &TooLargeError{Limit: l.limit, Name: l.name}
	}
	return n, err
}
