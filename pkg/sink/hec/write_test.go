// Write against a fake HEC: envelopes, batch limits, retryable answers and
// configuration problems.

package hec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/sink"
)

// expectedEnvelope is the HEC envelope, built with encoding/json.
type expectedEnvelope struct {
	Time       json.Number    `json:"time"`
	Host       string         `json:"host"`
	Source     string         `json:"source"`
	Sourcetype string         `json:"sourcetype"`
	Index      string         `json:"index,omitempty"`
	Event      map[string]any `json:"event"`
}

// expectedBody renders the body for evs independently of the encoder.
func expectedBody(t *testing.T, names []string, index string) []byte {
	t.Helper()
	var out []byte
	for i, name := range names {
		ws := testStart.Add(time.Duration(i)*time.Hour + 250*time.Millisecond*time.Duration(i%4))
		env := expectedEnvelope{
			Time: json.Number(fmt.Sprintf("%d.%03d", ws.Unix(), ws.Nanosecond()/1e6)),
			Host: "loghost", Source: "serfwd:acme", Sourcetype: "proofpoint:ser:summary", Index: index,
			Event: map[string]any{
				"applicationName": name,
				"eventId":         fmt.Sprintf("%064x", i+1),
				"eventType":       "ser.applicationUser",
				"fromEnvelope":    []string{"bounces@example.com", fmt.Sprintf("u%d@example.com", i)},
				"input":           "acme",
				"revision":        0,
				"success":         1000 + i,
				"windowStart":     ws.Format("2006-01-02T15:04:05.000Z"),
			},
		}
		b, err := json.Marshal(env)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b...)
	}
	return out
}

func TestWriteEnvelopes(t *testing.T) {
	names := []string{"Salesforce", `quote " back\slash <&> ü`, "tab\there\nnewline"}
	for _, tc := range []struct {
		name, compression, index string
	}{
		{"gzip", "gzip", ""},
		{"gzip with index", "gzip", "proofpoint"},
		{"uncompressed", "none", "main"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeHEC(t, false)
			h := newHarness(t, f.srv.URL+"/", func(c *Config) { c.Compression, c.Index = tc.compression, tc.index })
			evs := make([]event.Event, len(names))
			for i, n := range names {
				evs[i] = mkEvent(i, n)
			}
			if err := h.write(t.Context(), evs); err != nil {
				t.Fatalf("Write: %v", err)
			}
			reqs, _ := f.snapshot()
			if len(reqs) != 1 {
				t.Fatalf("requests = %d, want 1", len(reqs))
			}
			if want := expectedBody(t, names, tc.index); !bytes.Equal(reqs[0].Raw, want) {
				t.Errorf("body:\n got %s\nwant %s", reqs[0].Raw, want)
			}
			hdr := reqs[0].Header
			if got := hdr.Get("Authorization"); got != "Splunk "+testToken {
				t.Errorf("Authorization = %q", got)
			}
			if gz := hdr.Get("Content-Encoding") == "gzip"; gz != (tc.compression == "gzip") {
				t.Errorf("Content-Encoding = %q with compression %s", hdr.Get("Content-Encoding"), tc.compression)
			}
			if ch := hdr.Get("X-Splunk-Request-Channel"); ch != "" {
				t.Errorf("channel header %q sent without ack", ch)
			}
		})
	}
}

func TestWriteBatchLimits(t *testing.T) {
	big := mkEvent(7, strings.Repeat("x", 3000))
	for _, tc := range []struct {
		name      string
		n         int
		maxEvents int
		maxBytes  int
		withBig   bool
	}{
		{"events", 10, 3, 1 << 20, false},
		{"bytes", 12, 500, 1200, false},
		{"both", 25, 4, 1500, false},
		{"oversized event alone", 10, 500, 1200, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeHEC(t, false)
			h := newHarness(t, f.srv.URL, func(c *Config) {
				c.BatchMaxEvents, c.BatchMaxBytes = tc.maxEvents, config.Size(tc.maxBytes)
			})
			evs := mkEvents(tc.n)
			if tc.withBig {
				evs[7] = big
			}
			if err := h.write(t.Context(), evs); err != nil {
				t.Fatalf("Write: %v", err)
			}
			reqs, indexed := f.snapshot()
			var want []string
			for i := range evs {
				want = append(want, evs[i].Str("applicationName"))
			}
			if got := eventNames(indexed); !slices.Equal(got, want) {
				t.Fatalf("indexed %v, want %v", got, want)
			}
			checkPacking(t, reqs, tc.maxEvents, tc.maxBytes)
		})
	}
}

// checkPacking asserts every request is within the limits (an oversized
// envelope alone excepted) and that requests are filled greedily.
func checkPacking(t *testing.T, reqs []*hecRequest, maxEvents, maxBytes int) {
	t.Helper()
	for k, r := range reqs {
		n := len(r.Envelopes)
		if n > maxEvents {
			t.Errorf("request %d has %d events > %d", k, n, maxEvents)
		}
		if len(r.Raw) > maxBytes && n != 1 {
			t.Errorf("request %d has %d bytes > %d with %d events", k, len(r.Raw), maxBytes, n)
		}
		if k+1 < len(reqs) && n < maxEvents && len(r.Raw)+len(reqs[k+1].Pieces[0]) <= maxBytes {
			t.Errorf("request %d (%d events, %d bytes) could have taken the next event", k, n, len(r.Raw))
		}
	}
}

func TestWriteRetryable(t *testing.T) {
	for _, tc := range []struct {
		name      string
		rep       reply
		wantAfter time.Duration // 0: no RetryAfter
	}{
		{"503 busy with Retry-After", reply{Status: 503, Code: codeBusy, Text: "Server is busy", RetryAfter: "7"}, 7 * time.Second},
		{"429 without Retry-After", reply{Status: 429, Code: -1, Text: "Too many requests"}, 0},
		{"429 with Retry-After", reply{Status: 429, Code: -1, Text: "Too many requests", RetryAfter: "2"}, 2 * time.Second},
		{"500", reply{Status: 500, Code: 8, Text: "Internal server error"}, 0},
		{"200 with an unknown code", reply{Status: 200, Code: 99, Text: "?"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeHEC(t, false)
			tc.rep.InvalidEvent = -1
			f.script = []reply{tc.rep}
			h := newHarness(t, f.srv.URL, nil)
			err := h.write(t.Context(), mkEvents(3))
			if err == nil {
				t.Fatal("Write succeeded")
			}
			if sink.IsPermanent(err) {
				t.Errorf("error is permanent: %v", err)
			}
			d, ok := sink.RetryAfterDelay(err)
			if ok != (tc.wantAfter > 0) || d != tc.wantAfter {
				t.Errorf("RetryAfterDelay = %v, %v; want %v", d, ok, tc.wantAfter)
			}
			if !strings.Contains(err.Error(), tc.rep.Text) {
				t.Errorf("error %q does not carry Splunk's text", err)
			}
			if dead, problems := h.metrics.Counts(); dead != 0 || problems != 0 {
				t.Errorf("dead letters %d, config problems %d", dead, problems)
			}
		})
	}
	t.Run("network error", func(t *testing.T) {
		f := newFakeHEC(t, false)
		url := f.srv.URL
		f.srv.Close()
		h := newHarness(t, url, nil)
		err := h.write(t.Context(), mkEvents(1))
		if err == nil || sink.IsPermanent(err) {
			t.Fatalf("Write = %v, want a retryable error", err)
		}
	})
}

func TestWritePermanent(t *testing.T) {
	for _, tc := range []struct {
		name  string
		token string
		rep   *reply
		hint  string
	}{
		{"401 no Splunk prefix", "", &reply{Status: 401, Code: 3, Text: "Invalid authorization"}, "token"},
		{"403 invalid token", "wrong-token", nil, "token"},
		{"400 code 7 incorrect index", "", &reply{Status: 400, Code: codeIncorrectIndex, Text: "Incorrect index"}, "allowed indexes"},
		{"400 code 10 channel missing", "", &reply{Status: 400, Code: codeNoChannel, Text: "Data channel is missing"}, "ack: true"},
		{"404 wrong url", "", &reply{Status: 404, Code: -1, Text: "Not Found"}, "url"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeHEC(t, false)
			if tc.rep != nil {
				tc.rep.InvalidEvent = -1
				f.script = []reply{*tc.rep, *tc.rep}
			}
			h := newHarness(t, f.srv.URL, func(c *Config) {
				if tc.token != "" {
					c.Token = config.Secret(tc.token)
				}
			})
			for range 2 {
				err := h.write(t.Context(), mkEvents(3))
				if !sink.IsPermanent(err) {
					t.Fatalf("Write = %v, want a Permanent error", err)
				}
				if !strings.Contains(err.Error(), tc.hint) {
					t.Errorf("error %q lacks the hint %q", err, tc.hint)
				}
			}
			if _, indexed := f.snapshot(); len(indexed) != 0 {
				t.Errorf("%d events indexed", len(indexed))
			}
			if _, problems := h.metrics.Counts(); problems != 2 {
				t.Errorf("ConfigProblem reported %d times, want 2", problems)
			}
			// The delivery loop logs a Permanent error (once a minute);
			// the sink only counts it, so it is not logged twice.
			if n := h.logs.FilterLevelExact(zap.ErrorLevel).Len(); n != 0 {
				t.Errorf("the sink logged the problem %d times itself", n)
			}
			if lines := deadLetters(t, h); len(lines) != 0 {
				t.Errorf("dead-lettered %d events", len(lines))
			}
		})
	}
}

// TestWriteResumes checks that the loop's retry of a batch resends only what
// the failed Write had not delivered.
func TestWriteResumes(t *testing.T) {
	f := newFakeHEC(t, false)
	ok := reply{Status: 200, Code: 0, Text: "Success", InvalidEvent: -1}
	f.script = []reply{ok, {Status: 503, Code: codeBusy, Text: "Server is busy", InvalidEvent: -1}}
	h := newHarness(t, f.srv.URL, func(c *Config) { c.BatchMaxEvents = 4 })
	evs := mkEvents(10)
	if err := h.write(t.Context(), evs); err == nil {
		t.Fatal("first Write succeeded")
	}
	if err := h.write(t.Context(), evs); err != nil {
		t.Fatalf("second Write: %v", err)
	}
	_, indexed := f.snapshot()
	var want []string
	for i := range evs {
		want = append(want, evs[i].Str("applicationName"))
	}
	if got := eventNames(indexed); !slices.Equal(got, want) {
		t.Errorf("indexed %v, want each event once: %v", got, want)
	}
	if err := h.write(t.Context(), evs); err != nil {
		t.Fatalf("third Write: %v", err)
	}
	if _, indexed := f.snapshot(); len(indexed) != 2*len(evs) {
		t.Errorf("after a successful Write the same events are not sent again (%d indexed)", len(indexed))
	}
}
