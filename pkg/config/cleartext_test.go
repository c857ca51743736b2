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
	if !holdsSecret(reflect.TypeFor[headers]()) || !holdsSecret(reflect.TypeFor[token]()) || !holdsSecret(reflect.TypeFor[Input]()) {
		t.Error("a config with secret header values, a token or an input holds no secret?")
	}
	if holdsSecret(reflect.TypeFor[plain]()) || holdsSecret(reflect.TypeFor[Log]()) {
		t.Error("a config without secrets holds one?")
	}
}
