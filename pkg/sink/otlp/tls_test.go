// TLS to the Collector's receiver with a test CA: ca_file, system roots
// only, insecure_skip_verify, and mutual TLS with a client certificate.

package otlp

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/sink"
	"github.com/serfwd/serfwd/pkg/sink/otlp/otlptest"
)

// testPKI is a CA with a server certificate for 127.0.0.1 and a client
// certificate, as PEM files.
type testPKI struct {
	ca, serverCert, serverKey, clientCert, clientKey string
}

func newTestPKI(t *testing.T) testPKI {
	t.Helper()
	dir := t.TempDir()
	caKey := newKey(t)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "serfwd otlp test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	p := testPKI{ca: writePEM(t, dir, "ca.pem", "CERTIFICATE", caDER)}
	leaf := func(name string, serial int64, usage x509.ExtKeyUsage) (string, string) {
		key := newKey(t)
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: name},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage},
			IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		keyDER, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		return writePEM(t, dir, name+".pem", "CERTIFICATE", der), writePEM(t, dir, name+".key", "PRIVATE KEY", keyDER)
	}
	p.serverCert, p.serverKey = leaf("server", 2, x509.ExtKeyUsageServerAuth)
	p.clientCert, p.clientKey = leaf("client", 3, x509.ExtKeyUsageClientAuth)
	return p
}

func newKey(t *testing.T) *ecdsa.PrivateKey {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func writePEM(t *testing.T, dir, name, typ string, der []byte) string {
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestTLS(t *testing.T) {
	pki := newTestPKI(t)
	col := otlptest.Start(t, otlptest.Options{CertFile: pki.serverCert, KeyFile: pki.serverKey})
	tests := []struct {
		name     string
		tls      config.TLS
		wantErr  bool
		wantWarn bool
	}{
		{"ca_file", config.TLS{CAFile: pki.ca}, false, false},
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
	pki := newTestPKI(t)
	col := otlptest.Start(t, otlptest.Options{CertFile: pki.serverCert, KeyFile: pki.serverKey, ClientCAFile: pki.ca})
	with := newHarness(t, col.URL, func(c *Config) {
		c.TLS = config.TLS{CAFile: pki.ca, CertFile: pki.clientCert, KeyFile: pki.clientKey}
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
	tls12 := otlptest.Start(t, otlptest.Options{CertFile: pki.serverCert, KeyFile: pki.serverKey, ClientCAFile: pki.ca, MaxTLSVersion: "1.2"})
	without := newHarness(t, tls12.URL, func(c *Config) { c.TLS = config.TLS{CAFile: pki.ca} })
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
