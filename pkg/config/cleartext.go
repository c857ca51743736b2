// Warnings about credentials that would cross the network unencrypted.

package config

import (
	"net"
	"net/url"
	"reflect"
	"strings"
)

// checkCleartext warns about every http:// URL of a struct that holds a
// secret (an input, a splunk_hec sink, any component's config decoded
// here): its credentials, or tokens derived from them, would travel
// unencrypted. URL keys are those named url, endpoint or *_url; proxies
// are not meant. Loopback hosts are exempt: nothing leaves the machine.
func (d *decoder) checkCleartext(path string, v reflect.Value) {
	if !holdsSecret(v.Type()) {
		return
	}
	for i := range v.NumField() {
		key, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("yaml"), ",")
		f := v.Field(i)
		if f.Kind() != reflect.String || !(key == "url" || key == "endpoint" || strings.HasSuffix(key, "_url")) {
			continue
		}
		u, err := url.Parse(strings.TrimSpace(f.String()))
		if err != nil || !strings.EqualFold(u.Scheme, "http") || u.Hostname() == "" || isLoopback(u.Hostname()) {
			continue
		}
		d.warnings = append(d.warnings, field(path, key)+": http:// sends credentials unencrypted to "+u.Hostname()+"; use https://")
	}
}

// holdsSecret reports whether struct type t has a Secret field, or a
// map or list of them (header values, say).
func holdsSecret(t reflect.Type) bool {
	secret := reflect.TypeFor[Secret]()
	for i := range t.NumField() {
		ft := t.Field(i).Type
		if ft == secret || ((ft.Kind() == reflect.Map || ft.Kind() == reflect.Slice) && ft.Elem() == secret) {
			return true
		}
	}
	return false
}

// isLoopback reports localhost names and loopback addresses.
func isLoopback(host string) bool {
	if ip := net.ParseIP(host); ip != nil {
		return ip.IsLoopback()
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	return host == "localhost" || strings.HasSuffix(host, ".localhost")
}
