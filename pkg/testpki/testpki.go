// Package testpki makes the certificates tests need for TLS on loopback: a
// CA, a server certificate for 127.0.0.1 and localhost, and a client
// certificate for mutual TLS, written as PEM files into the test's
// temporary directory. Only tests import it.
package testpki

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// PKI is a CA with one server and one client certificate, and an unrelated
// CA that verifies neither.
type PKI struct {
	CAFile                 string // the CA certificate (PEM)
	OtherCAFile            string // a CA that signed nothing here
	ServerCert, ServerKey  string // for 127.0.0.1 and localhost
	ClientCert, ClientKey  string // for client authentication
	pool                   *x509.CertPool
	serverPair, clientPair tls.Certificate
}

// New makes a PKI in a fresh temporary directory of t.
func New(t testing.TB) *PKI {
	t.Helper()
	dir := t.TempDir()
	caKey, ca, caDER := makeCA(t, "serfwd test CA")
	_, _, otherDER := makeCA(t, "unrelated CA")
	p := &PKI{
		CAFile:      writePEM(t, dir, "ca.pem", "CERTIFICATE", caDER),
		OtherCAFile: writePEM(t, dir, "other-ca.pem", "CERTIFICATE", otherDER),
		pool:        x509.NewCertPool(),
	}
	p.pool.AddCert(ca)
	p.ServerCert, p.ServerKey = makeLeaf(t, dir, "server", caKey, ca, x509.ExtKeyUsageServerAuth)
	p.ClientCert, p.ClientKey = makeLeaf(t, dir, "client", caKey, ca, x509.ExtKeyUsageClientAuth)
	var err error
	if p.serverPair, err = tls.LoadX509KeyPair(p.ServerCert, p.ServerKey); err != nil {
		t.Fatal(err)
	}
	if p.clientPair, err = tls.LoadX509KeyPair(p.ClientCert, p.ClientKey); err != nil {
		t.Fatal(err)
	}
	return p
}

// ServerConfig is a server's TLS config (TLS 1.2 or later); with
// requireClient it demands a client certificate signed by the CA.
func (p *PKI) ServerConfig(requireClient bool) *tls.Config {
	c := &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{p.serverPair}}
	if requireClient {
		c.ClientAuth, c.ClientCAs = tls.RequireAndVerifyClientCert, p.pool
	}
	return c
}

// ClientConfig is a client's TLS config that trusts the CA and presents the
// client certificate.
func (p *PKI) ClientConfig() *tls.Config {
	return &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: p.pool, Certificates: []tls.Certificate{p.clientPair}}
}

func makeCA(t testing.TB, cn string) (*ecdsa.PrivateKey, *x509.Certificate, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return key, cert, der
}

func makeLeaf(t testing.TB, dir, name string, caKey *ecdsa.PrivateKey, ca *x509.Certificate, usage x509.ExtKeyUsage) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return writePEM(t, dir, name+".pem", "CERTIFICATE", der), writePEM(t, dir, name+".key", "PRIVATE KEY", keyDER)
}

func writePEM(t testing.TB, dir, name, typ string, der []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
