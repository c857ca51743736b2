// Timestamps in the API's exact format, YYYY-MM-DDTHH:mm:ss.SSSZ in UTC.

package serapi

import (
	"fmt"
	"time"
)

// FormatTime renders t in UTC as the API expects (TimeLayout).
func FormatTime(t time.Time) string { return t.UTC().Format(TimeLayout) }

// ParseTime parses a timestamp in TimeLayout. It also accepts RFC 3339 with
// any fraction or offset, so that hand-typed times work; the result is UTC.
func ParseTime(s string) (time.Time, error) {
	if t, err := time.Parse(TimeLayout, s); err == nil {
		return t.UTC(), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("parsing time %q: want YYYY-MM-DDTHH:mm:ss.SSSZ", s)
	}
	return t.UTC(), nil
}
