// cleartext_test.go: which settings hold a credential that an http:// URL
// would send unencrypted: set secrets only.

package config

import (
	"reflect"
	"testing"
)

func TestHoldsSecret(t *testing.T) {
	type headers struct {
		Endpoint string            `yaml:"endpoint"`
		Headers  map[string]Secret `yaml:"headers"`
	}
	type plain struct {
		URL string `yaml:"url"`
	}
	type token struct {
		URL   string `yaml:"url"`
		Token Secret `yaml:"token"`
	}
	for _, tt := range []struct {
		name string
		v    any
		want bool
	}{
		{"headers set", headers{Headers: map[string]Secret{"authorization": "Bearer x"}}, true},
		{"no headers", headers{Endpoint: "http://collector:4318"}, false},
		{"empty headers", headers{Headers: map[string]Secret{}}, false},
		{"token set", token{Token: "t"}, true},
		{"token unset", token{URL: "http://splunk:8088"}, false},
		{"input with a client secret", Input{ClientSecret: "s"}, true},
		{"no secret fields", plain{URL: "http://x"}, false},
		{"log", Log{}, false},
	} {
		if got := holdsSecret(reflect.ValueOf(tt.v)); got != tt.want {
			t.Errorf("%s: holdsSecret = %v, want %v", tt.name, got, tt.want)
		}
	}
}
