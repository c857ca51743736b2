// "Did you mean": the edit distance, and suggestions only when one candidate
// is clearly nearest.

package config

import "testing"

func TestDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"", "abc", 3}, {"window", "window", 0},
		{"windw", "window", 1},   // deletion
		{"winddow", "window", 1}, // insertion
		{"wimdow", "window", 1},  // substitution
		{"widnow", "window", 1},  // neighbours swapped
		{"sctp", "tcp", 2}, {"abc", "yabd", 2}, {"über", "uber", 1},
	} {
		if got := distance(tt.a, tt.b); got != tt.want {
			t.Errorf("distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := distance(tt.b, tt.a); got != tt.want {
			t.Errorf("distance(%q, %q) = %d, want %d (symmetric)", tt.b, tt.a, got, tt.want)
		}
	}
}

func TestDidYouMean(t *testing.T) {
	facilities := []string{"local0", "local1", "local7", "user"}
	for _, tt := range []struct {
		got        string
		candidates []string
		want       string
	}{
		{"windw", []string{"window", "interval"}, "; did you mean window?"},
		{"JSON", []string{"json", "console"}, "; did you mean json?"},
		{"local9", facilities, ""},                      // as near to local0 as to local7
		{"locl1", facilities, "; did you mean local1?"}, // one is nearest
		{"zstd", []string{"gzip", "none"}, ""},          // too far
		{"x", []string{"y"}, "; did you mean y?"},       // short words: one edit
		{"ab", []string{"xy"}, ""},                      // but not two
		{"window", []string{"window"}, ""},              // not a misspelling
		{"lo", []string{"log", "lo_"}, ""},              // a tie
		{"max_message_byte", []string{"max_message_bytes"}, "; did you mean max_message_bytes?"},
	} {
		if got := didYouMean(tt.got, tt.candidates); got != tt.want {
			t.Errorf("didYouMean(%q, %q) = %q, want %q", tt.got, tt.candidates, got, tt.want)
		}
	}
}
