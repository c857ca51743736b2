// Check against a fake HEC: health, token accepted or refused.

package hec

import (
	"strings"
	"testing"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/sink"
)

func TestCheck(t *testing.T) {
	var _ sink.Checker = (*Sink)(nil)
	for _, tc := range []struct {
		name    string
		health  reply
		token   string
		wantErr string // "" = healthy
	}{
		{"healthy", reply{Status: 200, Code: codeHealthy, Text: "HEC is healthy"}, testToken, ""},
		{"unhealthy", reply{Status: 503, Code: 18, Text: "HEC is unhealthy, queues are full"}, testToken, "queues are full"},
		{"bad token", reply{Status: 200, Code: codeHealthy, Text: "HEC is healthy"}, "not-the-token", "Invalid token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeHEC(t, false)
			tc.health.InvalidEvent = -1
			f.health = tc.health
			h := newHarness(t, f.srv.URL, func(c *Config) { c.Token = config.Secret(tc.token) })
			err := h.sink.Check(t.Context())
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("Check: %v", err)
				}
			} else if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("Check = %v, want an error containing %q", err, tc.wantErr)
			}
			if reqs, indexed := f.snapshot(); len(reqs) != 0 || len(indexed) != 0 {
				t.Errorf("Check sent events: %d requests", len(reqs))
			}
		})
	}
}
