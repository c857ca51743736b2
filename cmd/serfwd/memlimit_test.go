// The default soft memory limit and GOMEMLIMIT overriding it.

package main

import "testing"

func TestMemoryLimit(t *testing.T) {
	tests := []struct {
		env    string
		want   int64
		wantOK bool
	}{
		{"", defaultMemoryLimit, true},
		{"128MiB", 0, false},
		{"off", 0, false},
	}
	for _, tt := range tests {
		got, ok := memoryLimit(func(k string) string {
			if k != "GOMEMLIMIT" {
				t.Errorf("read %s, want only GOMEMLIMIT", k)
			}
			return tt.env
		})
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("GOMEMLIMIT=%q: limit %d, %v; want %d, %v", tt.env, got, ok, tt.want, tt.wantOK)
		}
	}
}
