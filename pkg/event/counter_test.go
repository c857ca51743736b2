// IsCounter names exactly the counters of SPEC §4.

package event

import "testing"

func TestIsCounter(t *testing.T) {
	for _, k := range []string{"success", "failure", "tempFailure", "partialSuccess", "inProgress", "total",
		"recipientsTotal", "messageSizeTotal", "deliveredSizeTotal", "dsn2xx", "dsn3xx", "dsn4xx", "dsn5xx"} {
		if !IsCounter(k) {
			t.Errorf("IsCounter(%q) = false", k)
		}
	}
	for _, k := range []string{"records", "annualThroughput", "revision", "eventId", "Success", "extra_success", ""} {
		if IsCounter(k) {
			t.Errorf("IsCounter(%q) = true", k)
		}
	}
}
