// TLS to HEC: ca_file, system roots, insecure_skip_verify, and a CA file
// without certificates.

package hec

import (
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/sink"
)

func TestTLS(t *testing.T) {
	f := newFakeHEC(t, true)
	dir := t.TempDir()
	caFile := filepath.Join(dir, "ca.pem")
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: f.srv.Certificate().Raw})
	if err := os.WriteFile(caFile, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		tls      config.TLS
		wantErr  bool
		wantWarn bool
	}{
		{"ca_file", config.TLS{CAFile: caFile}, false, false},
		{"system roots only", config.TLS{}, true, false},
		{"insecure_skip_verify", config.TLS{InsecureSkipVerify: true}, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, f.srv.URL, func(c *Config) { c.TLS = tc.tls })
			err := h.write(t.Context(), mkEvents(2))
			if (err != nil) != tc.wantErr {
				t.Fatalf("Write = %v, want error %v", err, tc.wantErr)
			}
			if err != nil && (!sink.IsPermanent(err) || !strings.Contains(err.Error(), "tls.ca_file")) {
				t.Errorf("certificate error %v: want Permanent naming tls.ca_file", err)
			}
			if warned := h.logs.FilterMessageSnippet("insecure_skip_verify").Len() > 0; warned != tc.wantWarn {
				t.Errorf("insecure_skip_verify warning logged = %v", warned)
			}
		})
	}
	t.Run("ca_file without certificates", func(t *testing.T) {
		bad := filepath.Join(dir, "bad.pem")
		if err := os.WriteFile(bad, []byte("not a certificate\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		c := DefaultConfig()
		c.URL, c.Token, c.TLS = f.srv.URL, testToken, config.TLS{CAFile: bad}
		if _, err := New(sink.Settings{Name: "splunk", Metrics: sink.NopMetrics{}}, c); err == nil {
			t.Fatal("New accepted a CA file without certificates")
		}
	})
}
