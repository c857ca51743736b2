// json_test.go checks that AppendJSON always writes JSON that encoding/json
// reads back into the same keys, in order, and the same values.

package event

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"testing"
	"unicode/utf8"
)

// runeClean is the text a JSON reader must see for s: every invalid byte as
// U+FFFD. It relies on range's decoding, not on Clean.
func runeClean(s string) string {
	var b []rune
	for _, r := range s {
		b = append(b, r)
	}
	return string(b)
}

// checkJSON parses out with encoding/json and compares it with e.
func checkJSON(t testing.TB, e *Event, out []byte) {
	t.Helper()
	if !json.Valid(out) || !utf8.Valid(out) {
		t.Fatalf("invalid JSON or UTF-8: %q", out)
	}
	if i := bytes.IndexFunc(out, func(r rune) bool { return r < 0x20 || r == '\u2028' || r == '\u2029' }); i >= 0 {
		t.Fatalf("unescaped control character at %d in %q", i, out)
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %v %v", tok, err)
	}
	for i := 0; dec.More(); i++ {
		tok, err := dec.Token()
		if err != nil || i >= len(e.Fields) {
			t.Fatalf("key %d: %v %v (event has %d fields)", i, tok, err, len(e.Fields))
		}
		f := &e.Fields[i]
		if tok != runeClean(f.Key) {
			t.Fatalf("key %d: got %q, want %q", i, tok, runeClean(f.Key))
		}
		var got any
		if err := dec.Decode(&got); err != nil {
			t.Fatalf("value of %q: %v", f.Key, err)
		}
		if want := jsonWant(t, f); !reflect.DeepEqual(got, want) {
			t.Fatalf("value of %q: got %#v, want %#v", f.Key, got, want)
		}
	}
	if _, err := dec.Token(); err != nil {
		t.Fatalf("closing brace: %v", err)
	}
}

// jsonWant is what encoding/json (UseNumber) should decode for f.
func jsonWant(t testing.TB, f *Field) any {
	switch f.Kind {
	case String:
		return runeClean(f.Str)
	case Int:
		return json.Number(strconv.FormatInt(f.Int, 10))
	case List:
		l := make([]any, len(f.List))
		for i, s := range f.List {
			l[i] = runeClean(s)
		}
		return l
	case Raw:
		if f.Str == "" {
			return nil
		}
		dec := json.NewDecoder(bytes.NewReader([]byte(f.Str)))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("bad raw literal in test: %q", f.Str)
		}
		return v
	}
	return nil
}

func TestAppendJSONRandomEvents(t *testing.T) {
	rng := newRand(t, 1)
	for range iterations(20000) {
		e := randEvent(rng)
		checkJSON(t, &e, e.AppendJSON(nil))
	}
}

func TestAppendJSONStringEveryByte(t *testing.T) {
	check := func(s string) {
		out := AppendJSONString([]byte("x"), s)
		var got string
		if err := json.Unmarshal(out[1:], &got); err != nil || got != runeClean(s) {
			t.Fatalf("%q: got %q (%v), want %q", s, got, err, runeClean(s))
		}
		var std string
		enc, _ := json.Marshal(s)
		if err := json.Unmarshal(enc, &std); err != nil || std != got {
			t.Fatalf("%q: encoding/json reads %q, ours %q", s, std, got)
		}
	}
	for a := range 256 {
		check(string([]byte{byte(a)}))
		for b := range 256 {
			check(string([]byte{byte(a), byte(b)}))
		}
	}
	for _, s := range []string{"", "\u2028\u2029", "<script>&", "\xe2\x82", "😀\xf0\x9f", "a\x00b", "\x7f"} {
		check(s)
	}
}

func TestAppendJSONEdgeKinds(t *testing.T) {
	tests := []struct {
		name string
		e    Event
		want string
	}{
		{"empty", Event{}, `{}`},
		{"nil list", Event{Fields: []Field{{Key: "l", Kind: List}}}, `{"l":[]}`},
		{"empty raw", Event{Fields: []Field{{Key: "r", Kind: Raw}}}, `{"r":null}`},
		{"unknown kind", Event{Fields: []Field{{Key: "u", Kind: 0, Str: "x"}}}, `{"u":null}`},
		{"appends", Event{Fields: []Field{{Key: "n", Kind: Int, Int: -7}}}, `{"n":-7}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.e.AppendJSON([]byte("prefix"))
			if string(got) != "prefix"+tt.want {
				t.Fatalf("got %s, want prefix%s", got, tt.want)
			}
			m, err := json.Marshal(tt.e)
			if err != nil || string(m) != tt.want {
				t.Fatalf("MarshalJSON: %s %v", m, err)
			}
		})
	}
}
