// TLS to the Collector's receiver with a test CA (pkg/testpki): ca_file,
// system roots only, insecure_skip_verify, and mutual TLS with a client
// certificate.

package otlp

import (
	"strings"
	"testing"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/sink"
	"github.com/serfwd/serfwd/pkg/sink/otlp/otlptest"
	"github.com/serfwd/serfwd/pkg/testpki"
)

func TestTLS(t *testing.T) {
	pki := testpki.New(t)
	col := otlptest.Start(t, otlptest.Options{CertFile: pki.ServerCert, KeyFile: pki.ServerKey})
	tests := []struct {
		name     string
		tls      config.TLS
		wantErr  bool
		wantWarn bool
	}{
		{"ca_file", config.TLS{CAFile: pki.CAFile}, false, false},
		{"system roots only", config.TLS{}, true, false},
		{"insecure_skip_verify", config.TLS{InsecureSkipVerify: true}, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := len(col.Records())
			h := newHarness(t, col.URL, func(c *Config) { c.TLS = tc.tls })
			err := h.sink.Write(t.Context(), mkEvents(2))
			if (err != nil) != tc.wantErr {
				t.Fatalf("Write = %v, want an error: %v", err, tc.wantErr)
			}
			if err != nil && (!sink.IsPermanent(err) || !strings.Contains(err.Error(), "set tls.ca_file")) {
				t.Errorf("certificate error %v: want a configuration problem naming tls.ca_file", err)
			}
			if got, want := len(col.Records())-before, map[bool]int{false: 2, true: 0}[tc.wantErr]; got != want {
				t.Errorf("%d records arrived, want %d", got, want)
			}
			if warned := h.logs.FilterMessageSnippet("insecure_skip_verify").Len() > 0; warned != tc.wantWarn {
				t.Errorf("insecure_skip_verify warning logged: %v", warned)
			}
		})
	}
}

// TestMutualTLS: with the client certificate events arrive; without it
// the receiver refuses the handshake, which is a configuration problem.
// The refusal is checked against a receiver capped at TLS 1.2, where it
// comes within the handshake: under TLS 1.3 the server's alert may race
// the request being written (then it is a retryable network error).
func TestMutualTLS(t *testing.T) {
	pki := testpki.New(t)
	col := otlptest.Start(t, otlptest.Options{CertFile: pki.ServerCert, KeyFile: pki.ServerKey, ClientCAFile: pki.CAFile})
	with := newHarness(t, col.URL, func(c *Config) {
		c.TLS = config.TLS{CAFile: pki.CAFile, CertFile: pki.ClientCert, KeyFile: pki.ClientKey}
	})
	if err := with.sink.Check(t.Context()); err != nil {
		t.Fatalf("Check with a client certificate: %v", err)
	}
	if err := with.sink.Write(t.Context(), mkEvents(3)); err != nil {
		t.Fatalf("Write with a client certificate: %v", err)
	}
	if n := len(col.Records()); n != 3 {
		t.Fatalf("%d records arrived, want 3", n)
	}
	tls12 := otlptest.Start(t, otlptest.Options{CertFile: pki.ServerCert, KeyFile: pki.ServerKey, ClientCAFile: pki.CAFile, MaxTLSVersion: "1.2"})
	without := newHarness(t, tls12.URL, func(c *Config) { c.TLS = config.TLS{CAFile: pki.CAFile} })
	err := without.sink.Write(t.Context(), mkEvents(1))
	if err == nil || !sink.IsPermanent(err) || !strings.Contains(err.Error(), "tls.cert_file") {
		t.Fatalf("Write without a client certificate = %v, want a configuration problem naming tls.cert_file", err)
	}
	if err := without.sink.Check(t.Context()); err == nil {
		t.Fatal("Check without a client certificate succeeded")
	}
	if n := len(tls12.Records()); n != 0 {
		t.Fatalf("%d records arrived without a client certificate", n)
	}
}
