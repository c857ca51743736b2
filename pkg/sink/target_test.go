// A URL target never shows userinfo or query.

package sink_test

import (
	"testing"

	"github.com/serfwd/serfwd/pkg/sink"
)

func TestURLTarget(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"https://splunk.example.com:8088", "https://splunk.example.com:8088"},
		{"https://user:pw@splunk.example.com:8088/base/?token=abc#f", "https://splunk.example.com:8088/base/"},
		{"http://[::1]:4318", "http://[::1]:4318"},
		{"splunk.example.com:8088", "-"},
		{"https://user:pw%zz@h", "-"},
	} {
		if got := sink.URLTarget(tt.in); got != tt.want {
			t.Errorf("URLTarget(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
