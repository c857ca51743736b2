// The files a tls block names, read at load like *_file secrets: a CA file
// that is missing, unreadable or holds no PEM certificate, or a client
// certificate and key that are not a pair, is a problem with its path
// (sinks[0].tls.ca_file), not a failure when a command starts.

package config

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io/fs"
	"reflect"
	"strings"
)

// checkTLSFiles checks the files of v when it is a tls block (config.TLS,
// or a kind's block that adds keys to it inline). Messages name the files,
// never their content.
func (d *decoder) checkTLSFiles(path string, v reflect.Value) {
	t, ok := tlsOf(v)
	if !ok {
		return
	}
	if t.CAFile != "" {
		if pem, ok := d.readKeyFile(field(path, "ca_file"), t.CAFile); ok && !x509.NewCertPool().AppendCertsFromPEM(pem) {
			d.problems.add(field(path, "ca_file"), "%s holds no PEM certificate", t.CAFile)
		}
	}
	if t.CertFile == "" || t.KeyFile == "" {
		return // one without the other: Validate says so
	}
	cert, certOK := d.readKeyFile(field(path, "cert_file"), t.CertFile)
	key, keyOK := d.readKeyFile(field(path, "key_file"), t.KeyFile)
	if certOK && keyOK {
		if _, err := tls.X509KeyPair(cert, key); err != nil {
			d.problems.add(field(path, "cert_file"), "%s and key_file %s are not a certificate and its key (%s)",
				t.CertFile, t.KeyFile, strings.TrimPrefix(err.Error(), "tls: "))
		}
	}
}

// tlsOf returns the TLS settings of v: v itself, or a field of v that lends
// its keys inline. A block with `enabled: false` (Kafka's) is not used, so
// its files are not read: its Validate says that they are set in vain.
func tlsOf(v reflect.Value) (TLS, bool) {
	tlsType := reflect.TypeFor[TLS]()
	if v.Type() == tlsType {
		return v.Interface().(TLS), true
	}
	var t TLS
	found, enabled := false, true
	for i := range v.NumField() {
		f := v.Type().Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		switch {
		case f.Type == tlsType && opts == "inline":
			t, found = v.Field(i).Interface().(TLS), true
		case name == "enabled" && f.Type.Kind() == reflect.Bool:
			enabled = v.Field(i).Bool()
		}
	}
	return t, found && enabled
}

// readKeyFile reads the file name that the key at path names; a failure
// is a problem at path naming the file and the cause (never its content).
func (d *decoder) readKeyFile(path, name string) ([]byte, bool) {
	data, err := d.readFile(name)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		d.problems.add(path, "reading %s: %v", name, err)
		return nil, false
	}
	return data, true
}
