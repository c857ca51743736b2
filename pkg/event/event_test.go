// event_test.go checks the Event accessors that sinks use.

package event

import (
	"testing"
	"time"
)

func TestFieldValue(t *testing.T) {
	tests := []struct {
		name string
		f    Field
		want string
	}{
		{"string", Field{Kind: String, Str: "a^b"}, "a^b"},
		{"int", Field{Kind: Int, Int: -12}, "-12"},
		{"list", Field{Kind: List, List: []string{"a", "", "b"}}, "a,,b"},
		{"empty list", Field{Kind: List}, ""},
		{"raw", Field{Kind: Raw, Str: "1.5"}, "1.5"},
		{"unknown", Field{Kind: 42, Str: "x"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.f.Value(); got != tt.want {
				t.Fatalf("Value() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestEventAccessors(t *testing.T) {
	var e Event
	e.AddString(KeyWindowStart, "2026-11-01T10:00:00.000Z")
	e.AddInt(KeyRevision, 2)
	e.AddString("s", "x")
	e.Set(Field{Key: KeyRevision, Kind: Int, Int: 3})
	e.Set(Field{Key: "new", Kind: String, Str: "n"})
	if e.Revision() != 3 || e.Str("new") != "n" || len(e.Fields) != 4 {
		t.Fatalf("after Set: %s", e.AppendJSON(nil))
	}
	if e.Str(KeyRevision) != "" || e.IntValue("s") != 0 || e.Str("missing") != "" || e.ID() != "" {
		t.Fatal("wrong-kind or missing keys must give zero values")
	}
	if !e.WindowStart().Equal(time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)) {
		t.Fatalf("WindowStart = %v", e.WindowStart())
	}
	e.Set(Field{Key: KeyWindowStart, Kind: String, Str: "garbage"})
	if !e.WindowStart().IsZero() {
		t.Fatal("malformed windowStart must give the zero time")
	}
}
