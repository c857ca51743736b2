// The earliest time serfwd accepts from a user (config `start`, the times of
// `checkpoint set` and `backfill`), and lags that stay sane whatever a cursor
// holds.

package config

import (
	"fmt"
	"time"
)

// EarliestTime is the floor of every time a user gives serfwd. SER's
// reporting API has no data from before it (the product is far younger),
// and a time that old is nearly always a mistake: a zero value
// (0001-01-01), a missing digit, a year typed as 20 or 0226. Refusing it
// also keeps every lag (now − cursor) far from time.Duration's limit of
// about 292 years, so that no overflowed figure is ever printed.
var EarliestTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// CheckTime refuses a time before EarliestTime, saying why.
func CheckTime(t time.Time) error {
	if t.Before(EarliestTime) {
		return fmt.Errorf("%s is before %s, the earliest time serfwd accepts (SER has no data that old; a zero or mistyped year?)",
			t.UTC().Format("2006-01-02T15:04:05.000Z"), EarliestTime.Format("2006-01-02"))
	}
	return nil
}

// Lag is now − from, never negative and never past now − EarliestTime: a
// cursor that an older serfwd let go below the floor (or a zero time)
// yields a large but true-to-type figure instead of a saturated duration.
func Lag(now, from time.Time) time.Duration {
	if from.Before(EarliestTime) {
		from = EarliestTime
	}
	return max(now.Sub(from), 0)
}
