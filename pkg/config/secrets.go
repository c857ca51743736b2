// Every secret of a config, found by type rather than by name, so that
// redaction covers the secrets of every sink kind without knowing any; and
// URLs rendered without their credentials.

package config

import (
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strings"
)

// Secrets returns the value of every secret the config holds, each once:
// every non-empty Secret reachable from it (in inputs, in every sink's
// settings, in nested blocks, lists and maps), and the userinfo of every
// URL-shaped value (user:password@, and the password alone). Redaction of
// output feeds on it.
func (c *Config) Secrets() []string {
	var out []string
	collectSecrets(reflect.ValueOf(c), &out)
	slices.Sort(out)
	return slices.Compact(out)
}

// collectSecrets walks v and appends the secrets it holds.
func collectSecrets(v reflect.Value, out *[]string) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			collectSecrets(v.Elem(), out)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				collectSecrets(v.Field(i), out)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			collectSecrets(v.Index(i), out)
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			collectSecrets(it.Value(), out)
		}
	case reflect.String:
		s := v.String()
		if v.Type() == reflect.TypeFor[Secret]() {
			if s != "" {
				*out = append(*out, s)
			}
			return
		}
		*out = append(*out, urlSecrets(s)...)
	}
}

// urlSecrets returns the userinfo of s when s is a URL that carries one.
func urlSecrets(s string) []string {
	if !strings.Contains(s, "@") || !strings.Contains(s, "://") {
		return nil
	}
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.User == nil {
		return nil
	}
	out := []string{u.User.String()}
	if pw, ok := u.User.Password(); ok && pw != "" {
		out = append(out, pw)
	}
	return out
}

// userinfoRE matches the userinfo of a URL inside free text.
var userinfoRE = regexp.MustCompile(`([a-zA-Z][a-zA-Z0-9+.-]*://)[^/\s@]+@`)

// RedactURL renders a configured URL for output: its userinfo and the
// values of its query, which may carry credentials, become [REDACTED].
// Text that does not parse as a URL is scrubbed of userinfo.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return userinfoRE.ReplaceAllString(raw, "${1}"+redacted+"@")
	}
	if u.User != nil {
		u.User = url.User(redacted)
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			q[k] = []string{redacted}
		}
		u.RawQuery = q.Encode()
	}
	return strings.ReplaceAll(u.String(), url.QueryEscape(redacted), redacted)
}
