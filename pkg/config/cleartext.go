// Warnings: credentials that would cross the network unencrypted, and
// what a struct's own Warnings method (Warner) reports.

package config

import (
	"net"
	"net/url"
	"reflect"
	"strings"
)

// checkCleartext warns about every http:// URL of a struct that holds a
// secret (an input, a splunk_hec sink, an otlp sink with headers, any
// component's config decoded here): its credentials, or tokens derived
// from them, would travel unencrypted. A struct whose secrets are all
// unset (an otlp sink without headers) sends none. URL keys are those
// named url, endpoint or *_url; proxies are not meant. Loopback hosts are
// exempt: nothing leaves the machine.
func (d *decoder) checkCleartext(path string, v reflect.Value) {
	if !holdsSecret(v) {
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

// holdsSecret reports whether struct v has a Secret field that is set, or
// a map or list of them (header values, say) that is not empty.
func holdsSecret(v reflect.Value) bool {
	secret := reflect.TypeFor[Secret]()
	for i := range v.NumField() {
		f := v.Field(i)
		switch {
		case f.Type() == secret && f.String() != "":
			return true
		case (f.Kind() == reflect.Map || f.Kind() == reflect.Slice) && f.Type().Elem() == secret && f.Len() > 0:
			return true
		}
	}
	return false
}

// checkWarner adds the warnings of v when it is a Warner, with full paths.
func (d *decoder) checkWarner(path string, v reflect.Value) {
	w, ok := v.Interface().(Warner)
	if !ok {
		return
	}
	var ps Problems
	ps.addErr(path, w.Warnings())
	for _, p := range ps {
		d.warnings = append(d.warnings, p.Error())
	}
}

// isLoopback reports localhost names and loopback addresses.
func isLoopback(host string) bool {
	if ip := net.ParseIP(host); ip != nil {
		return ip.IsLoopback()
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	return host == "localhost" || strings.HasSuffix(host, ".localhost")
}
