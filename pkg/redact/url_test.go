// Tests of URL: user information and query values are redacted, the rest of
// the URL is kept, also in text that does not parse as a URL.

package redact

import "testing"

func TestURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://splunk.example:8088", "https://splunk.example:8088"},
		{"https://user:pw@splunk.example:8088/x", "https://[REDACTED]@splunk.example:8088/x"},
		{"https://user@splunk.example", "https://[REDACTED]@splunk.example"},
		{"https://h.example/p?token=abc&x=1", "https://h.example/p?token=[REDACTED]&x=[REDACTED]"},
		{"not a url https://u:p@h.example/%zz", "not a url https://[REDACTED]@h.example/%zz"},
	}
	for _, tc := range tests {
		if got := URL(tc.in); got != tc.want {
			t.Errorf("URL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
