// Tests of Retry-After parsing: both forms, the cap, and what is refused.

package backoff

import (
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"120", 2 * time.Minute, true},
		{" 7 ", 7 * time.Second, true},
		{"0", 0, true},
		{"600", 10 * time.Minute, true},
		{"601", 10 * time.Minute, true},            // capped
		{"99999999999999", 10 * time.Minute, true}, // capped, no overflow
		{"Thu, 26 Nov 2026 09:00:30 GMT", 30 * time.Second, true},
		{"Thu, 26 Nov 2026 08:59:00 GMT", 0, true}, // in the past
		{"Fri, 27 Nov 2026 09:00:00 GMT", 10 * time.Minute, true},
		{"Thursday, 26-Nov-26 09:01:00 GMT", time.Minute, true}, // RFC 850
		{"", 0, false},
		{"-5", 0, false},
		{"1.5", 0, false},
		{"soon", 0, false},
		{"2026-11-26T09:00:30Z", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := ParseRetryAfter(tt.in, now)
			if got != tt.want || ok != tt.ok {
				t.Errorf("ParseRetryAfter(%q) = %s, %v; want %s, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestAtLeast(t *testing.T) {
	for _, tt := range []struct{ d, req, want time.Duration }{
		{time.Second, 0, time.Second},
		{time.Second, 30 * time.Second, 30 * time.Second},
		{time.Minute, 30 * time.Second, time.Minute},
		{time.Second, time.Hour, MaxRetryAfter},
	} {
		if got := AtLeast(tt.d, tt.req); got != tt.want {
			t.Errorf("AtLeast(%s, %s) = %s, want %s", tt.d, tt.req, got, tt.want)
		}
	}
}
