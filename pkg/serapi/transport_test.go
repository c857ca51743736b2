// Tests of New's transport: TLS options against a TLS fake API, a proxy from
// the config, bad URLs refused, and the defaults (rate limit, concurrency,
// report URL).

package serapi

import (
	"context"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"go.uber.org/zap/zaptest"

	"github.com/serfwd/serfwd/pkg/config"
)

// newTLSSER serves the fake SER API over TLS with httptest's own CA.
func newTLSSER(t *testing.T) (*fakeSER, *httptest.Server) {
	f := newFakeSER(t)
	srv := httptest.NewTLSServer(f.srv.Config.Handler)
	t.Cleanup(srv.Close)
	return f, srv
}

func TestTLSOptions(t *testing.T) {
	f, srv := newTLSSER(t)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(caFile, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "bad.pem")
	os.WriteFile(bad, []byte("not a certificate"), 0o600)
	tests := []struct {
		name    string
		tls     config.TLS
		newErr  string
		wantErr string // "" = success
	}{
		{"ca_file", config.TLS{CAFile: caFile}, "", ""},
		{"insecure", config.TLS{InsecureSkipVerify: true}, "", ""},
		{"unknown CA", config.TLS{}, "", "certificate"},
		{"missing ca_file", config.TLS{CAFile: filepath.Join(t.TempDir(), "nope.pem")}, "tls.ca_file", ""},
		{"ca_file without certificates", config.TLS{CAFile: bad}, "no PEM certificates", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := f.input()
			in.TokenURL, in.APIURL, in.TLS = srv.URL+"/v1/token", srv.URL, tt.tls
			c, err := New(in, fastOptions(zaptest.NewLogger(t)))
			if tt.newErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.newErr) {
					t.Fatalf("New: err = %v, want %q", err, tt.newErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Report(context.Background(), testWindow)
			if tt.wantErr == "" && err != nil {
				t.Fatalf("Report: %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("Report: err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// TestProxyFromConfig sends both endpoints of an unreachable host through
// a configured HTTP proxy that answers for it.
func TestProxyFromConfig(t *testing.T) {
	f := newFakeSER(t)
	var hits atomic.Int64
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Host != "ser.invalid" {
			http.Error(w, "unexpected host "+r.URL.Host, http.StatusBadGateway)
			return
		}
		hits.Add(1)
		r.RequestURI = r.URL.RequestURI()
		f.srv.Config.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(proxy.Close)
	c := f.client(func(in *config.Input, _ *Options) {
		in.TokenURL, in.APIURL, in.Proxy = "http://ser.invalid/v1/token", "http://ser.invalid", proxy.URL
	})
	if _, err := c.Report(context.Background(), testWindow); err != nil {
		t.Fatal(err)
	}
	if hits.Load() != 2 {
		t.Errorf("proxy saw %d requests, want 2 (token + report)", hits.Load())
	}
}

func TestNewRejectsBadURLs(t *testing.T) {
	f := newFakeSER(t)
	for _, mod := range []func(*config.Input){
		func(in *config.Input) { in.APIURL = "ser-api.example.com" },
		func(in *config.Input) { in.TokenURL = "ftp://x/token" },
		func(in *config.Input) { in.Proxy = "://bad" },
	} {
		in := f.input()
		mod(&in)
		if _, err := New(in, Options{}); err == nil {
			t.Errorf("New(%+v) accepted a bad URL", in)
		}
	}
}

func TestDefaults(t *testing.T) {
	c, err := New(config.Input{Name: "x"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	n, p := c.Limiter().Rate()
	if got := fmt.Sprint(n, p, c.Concurrency(), c.reportURL); got != "1000 1m0s 4 https://ser-api.proofpoint.com/v1/sercustomer/report/summary" {
		t.Errorf("defaults = %s", got)
	}
}
