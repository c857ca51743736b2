// Tests of the time floor and of lags that never overflow.

package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/config"
)

func TestInputValidateRefusesAStartBeforeTheFloor(t *testing.T) {
	in := config.DefaultInput()
	in.Name, in.ClientID, in.ClientSecret = "acme", "id", "s"
	in.Start = time.Date(1999, 12, 31, 23, 0, 0, 0, time.UTC)
	err := in.Validate()
	if err == nil || !strings.Contains(err.Error(), "start: 1999-12-31T23:00:00.000Z is before 2000-01-01") {
		t.Fatalf("Validate = %v, want start refused", err)
	}
}

func TestLag(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	floorLag := 26*365*24*time.Hour + 7*24*time.Hour + 333*24*time.Hour + 12*time.Hour // 2000-01-01 to 2026-11-30 12:00
	tests := []struct {
		name string
		from time.Time
		want time.Duration
	}{
		{"an hour ago", now.Add(-time.Hour), time.Hour},
		{"in the future", now.Add(time.Hour), 0},
		{"the zero time counts from the floor", time.Time{}, floorLag},
		{"year 1732", time.Date(1732, 1, 1, 0, 0, 0, 0, time.UTC), floorLag},
	}
	for _, tc := range tests {
		if got := config.Lag(now, tc.from); got != tc.want {
			t.Errorf("%s: Lag = %s, want %s", tc.name, got, tc.want)
		}
	}
}
