// Error types of the client, and the helpers that keep bodies, secrets and
// tokens out of error text.

package serapi

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
)

// prefixLen is how many leading body bytes an error quotes.
const prefixLen = 64

// StatusError is an HTTP answer the client does not accept: a 4xx, or a
// 429/5xx that outlived every retry.
type StatusError struct {
	Code   int
	Host   string
	Prefix string // first bytes of the body, sanitised; may be empty
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("HTTP %d from %s", e.Code, e.Host)
	if e.Prefix != "" {
		msg += fmt.Sprintf(" (body starts %q)", e.Prefix)
	}
	return msg
}

// Retryable reports whether trying the same request later may succeed.
func (e *StatusError) Retryable() bool { return e.Code == 429 || e.Code >= 500 }

// BodyError is a 200 answer whose body is not a usable report: not JSON,
// cut short, or applicationUsers not a list. Fetching again may help.
type BodyError struct {
	Window Window
	Prefix string // first bytes of the body, sanitised
	Err    error
}

func (e *BodyError) Error() string {
	return fmt.Sprintf("window %s: decoding report body (starts %q): %v", e.Window, e.Prefix, e.Err)
}

func (e *BodyError) Unwrap() error { return e.Err }

// ErrBodyTooLarge is returned when an answer exceeds Options.MaxBodyBytes.
var ErrBodyTooLarge = errors.New("body exceeds the size limit")

// ErrUnauthorized is a 401 that persisted after a fresh token.
var ErrUnauthorized = errors.New("unauthorized (HTTP 401) even with a fresh token")

// sanitize keeps printable characters of b and replaces others by '.',
// then removes every occurrence of the given secrets.
func sanitize(b []byte, secrets ...string) string {
	s := strings.Map(func(r rune) rune {
		if r == unicode.ReplacementChar || !unicode.IsPrint(r) {
			return '.'
		}
		return r
	}, string(b))
	for _, sec := range secrets {
		if sec == "" {
			continue
		}
		s = strings.ReplaceAll(s, sec, "[REDACTED]")
		// The prefix may end inside a secret: drop a trailing partial copy.
		for k := min(len(sec), len(s)); k >= 4; k-- {
			if strings.HasSuffix(s, sec[:k]) {
				s = s[:len(s)-k] + "[REDACTED]"
				break
			}
		}
	}
	return s
}

// readPrefix reads up to prefixLen bytes of r.
func readPrefix(r io.Reader) []byte {
	b, _ := io.ReadAll(io.LimitReader(r, prefixLen))
	return b
}

// drainClose reads a little of what is left of a body (so the connection
// can be reused) and closes it.
func drainClose(rc io.ReadCloser) {
	if rc == nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(rc, 4<<10))
	_ = rc.Close()
}

// prefixRecorder passes reads through and keeps the first prefixLen bytes.
type prefixRecorder struct {
	r      io.Reader
	prefix []byte
}

func (p *prefixRecorder) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if room := prefixLen - len(p.prefix); room > 0 && n > 0 {
		p.prefix = append(p.prefix, b[:min(n, room)]...)
	}
	return n, err
}

// cappedReader fails with ErrBodyTooLarge once more than limit bytes came.
type cappedReader struct {
	r     io.Reader
	limit int64
	read  int64
}

func (c *cappedReader) Read(b []byte) (int, error) {
	if c.read > c.limit {
		return 0, ErrBodyTooLarge
	}
	if rest := c.limit + 1 - c.read; int64(len(b)) > rest {
		b = b[:rest]
	}
	n, err := c.r.Read(b)
	c.read += int64(n)
	if c.read > c.limit {
		return n, ErrBodyTooLarge
	}
	return n, err
}
