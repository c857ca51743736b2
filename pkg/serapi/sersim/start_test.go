// Tests of Start and Close on a real address, of a second Start on a busy
// address failing, and of the request log's cap.

package sersim

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"
)

func TestStartAndClose(t *testing.T) {
	s, err := Start(Options{Logger: zaptest.NewLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	c := &testClient{t: t, base: s.URL, hc: &http.Client{Timeout: 10 * time.Second}}
	if s.TokenURL() != s.URL+"/v1/token" {
		t.Errorf("TokenURL %q", s.TokenURL())
	}
	status, body := c.report(c.token("k"), window("2026-03-01T10:00:00.000Z", time.Hour))
	if status != 200 {
		t.Fatalf("status %d: %s", status, body)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := c.hc.PostForm(s.TokenURL(), url.Values{}); err == nil {
		t.Errorf("the server still answers after Close")
	}
	if err := New(Options{}).Close(); err != nil {
		t.Errorf("Close of a server never started: %v", err)
	}
}

func TestStartBusyAddress(t *testing.T) {
	s, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := Start(Options{Addr: s.URL[len("http://"):]}); err == nil {
		t.Errorf("a second server started on the same address")
	}
}

func TestRequestLogCapped(t *testing.T) {
	s, c := newSim(t, Options{MaxLog: 10})
	for range 25 {
		c.postToken(url.Values{"grant_type": {"client_credentials"}, "client_id": {"k"}, "client_secret": {"s"}})
	}
	st := s.Stats()
	if len(st.Requests) > 10 || len(st.Requests)+st.LogDropped != 25 || st.TokenRequests != 25 {
		t.Errorf("log %d entries, %d dropped, %d token requests", len(st.Requests), st.LogDropped, st.TokenRequests)
	}
}
