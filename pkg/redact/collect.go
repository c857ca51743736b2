// Finding every secret in a loaded configuration, wherever it sits.

package redact

import (
	"net/url"
	"reflect"
	"strings"
)

// revealer is a secret type: config.Secret, and any other type whose
// Reveal method gives the value it keeps out of output.
type revealer interface{ Reveal() string }

var revealerType = reflect.TypeFor[revealer]()

// Collect returns every secret held by v, walking it by reflection
// through structs (unexported fields too), pointers, interfaces, slices,
// arrays and maps (keys and values): the value of every string-kinded
// field whose type has a Reveal() string method (config.Secret), with its
// credential parts when it is authorization-shaped (Credentials: the token
// after "Bearer ", a Basic header's decoded user:password), and the
// password of every string that is a URL with userinfo. It does not need
// to know which parts of a config hold credentials, so secrets that new
// components declare as config.Secret — in sink configs, header maps or
// SASL blocks — are found without changes here.
func Collect(v any) []string {
	c := collector{seen: map[uintptr]bool{}}
	c.walk(reflect.ValueOf(v))
	return c.out
}

type collector struct {
	out  []string
	seen map[uintptr]bool // pointers already walked
}

func (c *collector) walk(v reflect.Value) {
	if !v.IsValid() {
		return
	}
	if v.Kind() == reflect.String {
		c.leaf(v)
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() || c.seen[v.Pointer()] {
			return
		}
		c.seen[v.Pointer()] = true
		c.walk(v.Elem())
	case reflect.Interface:
		c.walk(v.Elem())
	case reflect.Struct:
		for i := range v.NumField() {
			c.walk(v.Field(i))
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			c.walk(v.Index(i))
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			c.walk(it.Key())
			c.walk(it.Value())
		}
	}
}

// leaf collects a string value: all of it for a secret type, the password
// for a URL with userinfo.
func (c *collector) leaf(v reflect.Value) {
	s := v.String()
	if s == "" {
		return
	}
	if v.Type().Implements(revealerType) || reflect.PointerTo(v.Type()).Implements(revealerType) {
		c.out = append(c.out, Credentials(s)...)
		return
	}
	if pw := urlPassword(s); pw != "" {
		c.out = append(c.out, pw)
	}
}

// urlPassword returns the password of a URL's userinfo, or "".
func urlPassword(s string) string {
	if !strings.Contains(s, "://") || !strings.Contains(s, "@") {
		return ""
	}
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.User == nil {
		return ""
	}
	pw, _ := u.User.Password()
	return pw
}
