// Times on the command line: a date YYYY-MM-DD means its 00:00 UTC; a time
// is YYYY-MM-DDTHH:mm:ss.SSSZ (or any RFC 3339 time, converted to UTC).

package main

import (
	"fmt"
	"time"

	"github.com/serfwd/serfwd/pkg/serapi"
)

// parseTimeArg parses the value of the flag called name.
func parseTimeArg(name, s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t.UTC(), nil
	}
	t, err := serapi.ParseTime(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("--%s %q: want a date YYYY-MM-DD (its 00:00 UTC) or a time YYYY-MM-DDTHH:mm:ss.SSSZ", name, s)
	}
	return t, nil
}
