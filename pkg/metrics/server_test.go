// Tests of the real server: it answers on a loopback port, stops on
// context or Close, and names an address already in use.

package metrics_test

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/serfwd/serfwd/pkg/metrics"
)

func TestStartServesEndpoints(t *testing.T) {
	m := metrics.New([]string{"eu"}, []string{"splunk"})
	m.SetReady(true)
	s, err := m.Start("127.0.0.1:0", zaptest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + s.Addr()
	for _, path := range []string{"/metrics", "/healthz", "/readyz"} {
		if code, _ := fetch(t, base+path); code != http.StatusOK {
			t.Errorf("%s: status %d", path, code)
		}
	}
	_, body := fetch(t, base+"/metrics")
	if !strings.Contains(body, `serfwd_sink_sent_total{sink="splunk"} 0`) {
		t.Errorf("/metrics lacks the zero sink series:\n%s", body)
	}
	if err := s.Close(context.Background()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(context.Background()); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("server still answers after Close")
	}
}

func TestServeStopsOnContext(t *testing.T) {
	m := metrics.New(nil, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Serve(ctx, "127.0.0.1:0", zaptest.NewLogger(t)) }()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve after cancel: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after its context ended")
	}
}

func TestListenErrors(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	tests := []struct {
		name, listen string
		want         []string
	}{
		{"in use", busy.Addr().String(), []string{busy.Addr().String(), "already in use"}},
		{"bad address", "127.0.0.1:notaport", []string{"metrics.listen: listen tcp: lookup tcp/notaport"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := metrics.New(nil, nil).Serve(context.Background(), tt.listen, zaptest.NewLogger(t))
			if err == nil {
				t.Fatal("Serve succeeded, want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}
