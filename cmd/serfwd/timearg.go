// Times on the command line: a date YYYY-MM-DD means its 00:00 UTC; a time
// is YYYY-MM-DDTHH:mm:ss.SSSZ (or any RFC 3339 time, converted to UTC); none
// before config.EarliestTime.

package main

import (
	"fmt"
	"time"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/serapi"
)

// parseTimeArg parses the value of the flag called name.
func parseTimeArg(name, s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		if t, err = serapi.ParseTime(s); err != nil {
			return time.Time{}, fmt.Errorf("--%s %q: want a date YYYY-MM-DD (its 00:00 UTC) or a time YYYY-MM-DDTHH:mm:ss.SSSZ", name, s)
		}
	}
	if err := config.CheckTime(t); err != nil {
		return time.Time{}, fmt.Errorf("--%s: %w", name, err)
	}
	return t.UTC(), nil
}
