// Window arithmetic: aligning a time to the window length, the window that
// starts at a cursor, and the plan of windows up to a time.

package poller

import (
	"time"

	"github.com/serfwd/serfwd/pkg/serapi"
)

// alignDown snaps t down to a multiple of size since the Unix epoch (UTC).
func alignDown(t time.Time, size time.Duration) time.Time {
	return t.Truncate(size).UTC()
}

// nextWindow returns the window that starts at from: it ends at the next
// multiple of size, so a cursor left unaligned by a changed window length
// yields one short window and the windows after it are aligned again.
func nextWindow(from time.Time, size time.Duration) serapi.Window {
	end := alignDown(from, size).Add(size)
	return serapi.Window{Start: from.UTC(), End: end}
}

// plan lists the windows from from up to (and ending no later than) until.
func plan(from, until time.Time, size time.Duration) []serapi.Window {
	var out []serapi.Window
	for w := nextWindow(from, size); !w.End.After(until); w = nextWindow(w.End, size) {
		out = append(out, w)
	}
	return out
}
