// Authorization-shaped secrets: their credential parts are secrets too, so
// that a peer echoing only the token, or a decoded Basic header, is
// redacted by the redactor that learnt the config's secrets.

package redact

import (
	"slices"
	"strings"
	"testing"

	"github.com/serfwd/serfwd/pkg/config"
)

func TestCredentials(t *testing.T) {
	for _, tt := range []struct {
		secret string
		want   []string // hand-written; the base64 below is of "collector-user:pa55-w0rd!"
	}{
		{"Bearer otlp-t0ken-Zq8xW3", []string{"Bearer otlp-t0ken-Zq8xW3", "otlp-t0ken-Zq8xW3"}},
		{"  bearer   tok-tok-tok ", []string{"  bearer   tok-tok-tok ", "tok-tok-tok"}},
		{"Basic Y29sbGVjdG9yLXVzZXI6cGE1NS13MHJkIQ==", []string{"Basic Y29sbGVjdG9yLXVzZXI6cGE1NS13MHJkIQ==",
			"Y29sbGVjdG9yLXVzZXI6cGE1NS13MHJkIQ==", "collector-user:pa55-w0rd!", "pa55-w0rd!"}},
		{"Basic not!base64", []string{"Basic not!base64", "not!base64"}},
		{"ApiKey key-123456", []string{"ApiKey key-123456", "key-123456"}},
		{"plain-secret-value", []string{"plain-secret-value"}},
		{"two words and more", []string{"two words and more"}}, // not a scheme and one credential
		{"9scheme cred-cred", []string{"9scheme cred-cred"}},   // a scheme starts with a letter
	} {
		if got := Credentials(tt.secret); !slices.Equal(got, tt.want) {
			t.Errorf("Credentials(%q) = %q, want %q", tt.secret, got, tt.want)
		}
	}
}

// TestCollectedHeaderCredentialsAreRedacted: the global redactor, taught
// what Collect finds in a config with OTLP-like headers, removes the token
// and the Basic password when a receiver echoes them alone.
func TestCollectedHeaderCredentialsAreRedacted(t *testing.T) {
	cfg := otlpLike{Headers: map[string]config.Secret{
		"authorization": "Bearer otlp-t0ken-Zq8xW3",
		"x-basic":       "Basic Y29sbGVjdG9yLXVzZXI6cGE1NS13MHJkIQ==",
	}}
	r := New(Collect(cfg)...)
	for _, echo := range []string{
		`401: invalid token "otlp-t0ken-Zq8xW3"`,
		`user collector-user:pa55-w0rd! refused`,
		`password pa55-w0rd! is wrong`,
	} {
		got := r.String(echo)
		for _, s := range []string{"otlp-t0ken-Zq8xW3", "pa55-w0rd!", "collector-user:pa55"} {
			if strings.Contains(got, s) {
				t.Errorf("Redact(%q) = %q: %q is still there", echo, got, s)
			}
		}
	}
}
