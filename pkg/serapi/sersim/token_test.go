// Tests of the token endpoint (credentials, grant types, lifetimes and their
// errors, method and HTTP basic authentication) and of the report endpoint's
// bearer token check up to and past expiry.

package sersim

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestTokenEndpoint(t *testing.T) {
	form := func(grant, id, secret string) url.Values {
		v := url.Values{}
		for k, x := range map[string]string{"grant_type": grant, "client_id": id, "client_secret": secret} {
			if x != "" {
				v.Set(k, x)
			}
		}
		return v
	}
	tests := []struct {
		name       string
		opts       Options
		form       url.Values
		wantStatus int
		wantError  string
		wantExpiry float64
	}{
		{"any credentials", Options{}, form("client_credentials", "k", "s"), 200, "", 43200},
		{"configured credentials", Options{ClientID: "k", ClientSecret: "s"}, form("client_credentials", "k", "s"), 200, "", 43200},
		{"lifetime option", Options{TokenLifetime: 90 * time.Second}, form("client_credentials", "k", "s"), 200, "", 90},
		{"wrong id", Options{ClientID: "k", ClientSecret: "s"}, form("client_credentials", "x", "s"), 401, "invalid_client", 0},
		{"wrong secret", Options{ClientID: "k", ClientSecret: "s"}, form("client_credentials", "k", "x"), 401, "invalid_client", 0},
		{"only secret configured", Options{ClientSecret: "s"}, form("client_credentials", "anyone", "x"), 401, "invalid_client", 0},
		{"bad grant type", Options{}, form("password", "k", "s"), 400, "unsupported_grant_type", 0},
		{"no grant type", Options{}, form("", "k", "s"), 400, "unsupported_grant_type", 0},
		{"no secret", Options{}, form("client_credentials", "k", ""), 400, "invalid_request", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, c := newSim(t, tt.opts)
			status, body := c.postToken(tt.form)
			if status != tt.wantStatus {
				t.Fatalf("status %d, want %d (body %v)", status, tt.wantStatus, body)
			}
			if tt.wantError != "" {
				if body["error"] != tt.wantError {
					t.Errorf("error %v, want %q", body["error"], tt.wantError)
				}
				if _, ok := body["access_token"]; ok {
					t.Errorf("an error answer carries a token: %v", body)
				}
				return
			}
			if tok, _ := body["access_token"].(string); len(tok) < 32 {
				t.Errorf("access_token %q too short", tok)
			}
			if body["token_type"] != "Bearer" || body["expires_in"] != tt.wantExpiry {
				t.Errorf("token_type %v expires_in %v, want Bearer %v", body["token_type"], body["expires_in"], tt.wantExpiry)
			}
			if st := s.Stats(); st.TokenRequests != 1 || st.Requests[0].Client != "k" {
				t.Errorf("stats %+v", st)
			}
		})
	}
}

func TestTokenMethodAndBasicAuth(t *testing.T) {
	s, c := newSim(t, Options{ClientID: "k", ClientSecret: "s"})
	resp, err := c.hc.Get(c.base + TokenPath)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET token: status %d, want 405", resp.StatusCode)
	}
	req, err := http.NewRequest(http.MethodPost, c.base+TokenPath, strings.NewReader("grant_type=client_credentials"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("k", "s")
	resp, err = c.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("basic auth: status %d, want 200", resp.StatusCode)
	}
	if got := s.Stats().TokenRequests; got != 2 {
		t.Errorf("TokenRequests %d, want 2", got)
	}
}

func TestReportAuth(t *testing.T) {
	clock := newClock("2026-03-01T12:00:00.000Z")
	s, c := newSim(t, Options{Now: clock.Now, TokenLifetime: time.Hour})
	tok := c.token("k")
	w := window("2026-03-01T10:00:00.000Z", time.Hour)
	tests := []struct {
		name    string
		token   string
		advance time.Duration
		want    int
	}{
		{"valid", tok, 0, 200},
		{"no token", "", 0, 401},
		{"unknown token", "0123456789abcdef0123456789abcdef", 0, 401},
		{"just before expiry", tok, time.Hour - time.Millisecond, 200},
		{"at expiry", tok, time.Millisecond, 401},
		{"long expired", tok, 24 * time.Hour, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock.Advance(tt.advance)
			status, _, body, err := c.get(tt.token, query(w))
			if err != nil {
				t.Fatal(err)
			}
			if status != tt.want {
				t.Fatalf("status %d, want %d: %s", status, tt.want, body)
			}
		})
	}
	if st := s.Stats(); st.Unauthorized != 4 {
		t.Errorf("Unauthorized %d, want 4", st.Unauthorized)
	}
	// A fresh token works again after expiry.
	if status, body := c.report(c.token("k"), w); status != 200 {
		t.Errorf("new token: status %d: %s", status, body)
	}
}
