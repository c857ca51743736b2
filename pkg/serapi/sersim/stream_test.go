// Tests that a big window is streamed (no Content-Length) and decodes record
// by record, each as Expected says and none twice.

package sersim

import (
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"testing"
	"time"
)

func TestBigWindowStreams(t *testing.T) {
	n := 50_000
	if testing.Short() {
		n = 5_000
	}
	s, c := newSim(t, Options{RecordsPerWindow: n})
	tok := c.token("k")
	w := window("2026-03-01T10:00:00.000Z", time.Hour)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, c.base+ReportPath+"?"+query(w), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	// No client timeout: reading 50,000 records under -race on a busy
	// machine takes what it takes; the test's own deadline is the net.
	hc := &http.Client{Transport: c.hc.Transport}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.ContentLength != -1 {
		t.Errorf("Content-Length %d: the body was not streamed", resp.ContentLength)
	}
	// Decode record by record, as a streaming client would.
	dec := json.NewDecoder(resp.Body)
	dec.DisallowUnknownFields()
	expectTokens(t, dec, json.Delim('{'), "applicationUsers", json.Delim('['))
	want := s.Expected(w, time.Now())
	seen := make(map[string]bool, n)
	i := 0
	for ; dec.More(); i++ {
		var u wireRecord
		if err := dec.Decode(&u); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		r, _ := u.record(t)
		if i < want.Users.Len() && !reflect.DeepEqual(r, want.Users.At(i)) {
			t.Fatalf("record %d is %+v, expected %+v", i, r, want.Users.At(i))
		}
		id := r.ApplicationName + "|" + r.ApplicationUserName
		if seen[id] {
			t.Fatalf("record %d repeats %s", i, id)
		}
		seen[id] = true
	}
	expectTokens(t, dec, json.Delim(']'), "entitlement")
	var ent map[string]any
	if err := dec.Decode(&ent); err != nil || len(ent) != 3 {
		t.Fatalf("entitlement %v: %v", ent, err)
	}
	expectTokens(t, dec, json.Delim('}'))
	if _, err := dec.Token(); err != io.EOF {
		t.Errorf("trailing data after the body: %v", err)
	}
	if i != n {
		t.Errorf("%d records, want %d", i, n)
	}
}

func expectTokens(t *testing.T, dec *json.Decoder, want ...json.Token) {
	t.Helper()
	for _, w := range want {
		got, err := dec.Token()
		if err != nil || got != w {
			t.Fatalf("token %v (%v), want %v", got, err, w)
		}
	}
}
