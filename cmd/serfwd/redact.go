// Keeping secrets out of what commands print: URLs lose their userinfo and
// query values, and any configured secret in a message is replaced.

package main

import (
	"net/url"
	"reflect"
	"regexp"
	"strings"

	"github.com/serfwd/serfwd/pkg/config"
)

const redacted = "[REDACTED]"

// userinfoRE matches the userinfo of a URL inside free text.
var userinfoRE = regexp.MustCompile(`([a-zA-Z][a-zA-Z0-9+.-]*://)[^/\s@]+@`)

// redactURL renders raw without userinfo and query values, which may carry
// credentials. Text that does not parse as a URL is scrubbed of userinfo.
func redactURL(raw string) string {
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
	s := u.String()
	return strings.ReplaceAll(s, url.QueryEscape(redacted), redacted)
}

// newScrubber returns a function that removes every secret of cfg from a
// message, and the userinfo of any URL in it. The secrets are found by type
// (every config.Secret, in inputs and in any sink's settings, nested blocks
// and maps included) and every configured URL's userinfo, so that no sink
// kind needs naming here.
func newScrubber(cfg *config.Config) func(string) string {
	var secrets []string
	collectSecrets(reflect.ValueOf(cfg), &secrets)
	return func(s string) string {
		s = userinfoRE.ReplaceAllString(s, "${1}"+redacted+"@")
		for _, sec := range secrets {
			if sec != "" {
				s = strings.ReplaceAll(s, sec, redacted)
			}
		}
		return s
	}
}

// collectSecrets appends the secrets v holds: Secret values, and the
// userinfo (and password) of URL-shaped strings.
func collectSecrets(v reflect.Value, out *[]string) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			collectSecrets(v.Elem(), out)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			collectSecrets(v.Field(i), out)
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
		if v.Type() == reflect.TypeFor[config.Secret]() {
			*out = append(*out, v.String())
		} else if u, err := url.Parse(v.String()); err == nil && u.User != nil {
			pw, _ := u.User.Password()
			*out = append(*out, u.User.String(), pw)
		}
	}
}
