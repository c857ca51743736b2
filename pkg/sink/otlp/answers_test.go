// Every answer OTLP/HTTP defines, from an httptest receiver that answers as
// told: retryable statuses with and without Retry-After, refusals to the
// dead-letter file, partial success, 413 splitting, configuration problems,
// redirects and network errors; and the same classes from the Collector's
// own receiver when its consumer refuses.

package otlp

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/serfwd/serfwd/pkg/httpx"
	"github.com/serfwd/serfwd/pkg/sink"
	"github.com/serfwd/serfwd/pkg/sink/otlp/otlptest"
)

// reply is one canned answer.
type reply struct {
	status     int
	retryAfter string
	message    string // a google.rpc.Status message, or a partial success's
	rejected   int64  // partial success
	text       string // a plain-text body instead
}

// fakeReceiver answers requests in turn from replies (the last one
// repeats) and counts the records of each request.
type fakeReceiver struct {
	*httptest.Server
	mu      sync.Mutex
	replies []reply
	sizes   []int // records per request
}

func newFakeReceiver(t *testing.T, replies ...reply) *fakeReceiver {
	f := &fakeReceiver{replies: replies}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

// count records that a request of n records arrived.
func (f *fakeReceiver) count(n int) {
	f.mu.Lock()
	f.sizes = append(f.sizes, n)
	f.mu.Unlock()
}

func (f *fakeReceiver) serve(w http.ResponseWriter, r *http.Request) {
	body := readBody(r)
	req := plogotlp.NewExportRequest()
	isJSON := r.Header.Get("Content-Type") == "application/json"
	if isJSON {
		_ = req.UnmarshalJSON(body)
	} else {
		_ = req.UnmarshalProto(body)
	}
	f.count(req.Logs().LogRecordCount())
	f.mu.Lock()
	rp := f.replies[min(len(f.sizes), len(f.replies))-1]
	f.mu.Unlock()
	if rp.retryAfter != "" {
		w.Header().Set("Retry-After", rp.retryAfter)
	}
	var out []byte
	switch {
	case rp.text != "":
		w.Header().Set("Content-Type", "text/plain")
		out = []byte(rp.text)
	case rp.status/100 == 2:
		resp := plogotlp.NewExportResponse()
		if rp.rejected != 0 || rp.message != "" {
			resp.PartialSuccess().SetRejectedLogRecords(rp.rejected)
			resp.PartialSuccess().SetErrorMessage(rp.message)
		}
		out = marshalAnswer(w, isJSON, resp.MarshalJSON, resp.MarshalProto)
	default:
		st := &spb.Status{Code: 3, Message: rp.message}
		out = marshalAnswer(w, isJSON, func() ([]byte, error) { return protojson.Marshal(st) },
			func() ([]byte, error) { return proto.Marshal(st) })
	}
	w.WriteHeader(rp.status)
	_, _ = w.Write(out)
}

// readBody reads a request's body, gunzipped when it says so.
func readBody(r *http.Request) []byte {
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			return nil
		}
		body = zr
	}
	b, _ := io.ReadAll(body)
	return b
}

func marshalAnswer(w http.ResponseWriter, isJSON bool, asJSON, asProto func() ([]byte, error)) []byte {
	b, err := asProto()
	w.Header().Set("Content-Type", "application/x-protobuf")
	if isJSON {
		b, err = asJSON()
		w.Header().Set("Content-Type", "application/json")
	}
	if err != nil {
		panic(err)
	}
	return b
}

func (f *fakeReceiver) requestSizes() []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]int(nil), f.sizes...)
}

func TestAnswers(t *testing.T) {
	type want struct {
		retry      bool          // a plain (retryable) error
		after      time.Duration // with RetryAfter
		permanent  bool          // sink.Permanent, a configuration problem counted
		dead       int           // events counted as dead letters
		letters    int           // lines in the dead-letter file
		code       any           // their code
		reason     string        // in their reason
		errHas     string        // in the error
		warnLogged string        // a warning that says this
	}
	tests := []struct {
		name    string
		replies []reply
		want    want
	}{
		{"200", []reply{{status: 200}}, want{}},
		{"429 with Retry-After", []reply{{status: 429, retryAfter: "7", message: "slow down"}},
			want{retry: true, after: 7 * time.Second, errHas: `HTTP 429 "slow down"`}},
		{"503 with an HTTP date", []reply{{status: 503, retryAfter: time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)}},
			want{retry: true, after: 85 * time.Second, errHas: "HTTP 503"}},
		{"502", []reply{{status: 502, text: "bad gateway"}}, want{retry: true, errHas: `HTTP 502 "bad gateway"`}},
		{"504", []reply{{status: 504}}, want{retry: true, errHas: "HTTP 504"}},
		{"400", []reply{{status: 400, message: "unknown field in body"}}, want{dead: 4, letters: 4, code: 400.0,
			reason: `refused by the receiver: HTTP 400 "unknown field in body"`, warnLogged: "written to the dead-letter file"}},
		{"422", []reply{{status: 422}}, want{dead: 4, letters: 4, code: 422.0, reason: "HTTP 422"}},
		{"partial success", []reply{{status: 200, rejected: 3, message: "3 records had no body"}}, want{dead: 3, letters: 4,
			code: "partial", reason: `partial success: the receiver rejected 3 of 4 log records: 3 records had no body`,
			warnLogged: "written to the dead-letter file"}},
		{"more rejected than sent", []reply{{status: 200, rejected: 1 << 62}}, want{dead: 4, letters: 4, code: "partial",
			reason: "partial success: the receiver rejected 4611686018427387904 of 4 log records", warnLogged: "written to the dead-letter file"}},
		// A count below zero (in protobuf: a varint of 2^63 or more) is a
		// malformed answer: the events are kept and the request retried.
		{"negative rejected count", []reply{{status: 200, rejected: -5, message: "m"}},
			want{retry: true, errHas: `HTTP 200 "m": a partial success with -5 rejected log records`}},
		{"rejected count of 2^63", []reply{{status: 200, rejected: math.MinInt64}},
			want{retry: true, errHas: "a partial success with -9223372036854775808 rejected log records"}},
		{"a warning without rejections", []reply{{status: 200, message: "deprecated field"}}, want{warnLogged: "accepted a request with a warning"}},
		{"401", []reply{{status: 401, text: "no"}}, want{permanent: true, errHas: "check headers"}},
		{"403", []reply{{status: 403}}, want{permanent: true, errHas: "check headers"}},
		{"404", []reply{{status: 404}}, want{permanent: true, errHas: "/v1/logs is added"}},
		{"415", []reply{{status: 415}}, want{permanent: true, errHas: "check encoding"}},
		{"500", []reply{{status: 500, message: "Permanent error: bad record"}}, want{dead: 4, letters: 4, code: 500.0,
			reason: `refused by the receiver: HTTP 500 "Permanent error: bad record"`}},
		{"501", []reply{{status: 501}}, want{permanent: true, errHas: "/v1/logs is added"}},
	}
	for _, enc := range []string{"protobuf", "json"} {
		for _, tt := range tests {
			t.Run(enc+"/"+tt.name, func(t *testing.T) {
				f := newFakeReceiver(t, tt.replies...)
				h := newHarness(t, f.URL, func(c *Config) { c.Encoding = enc })
				err := h.sink.Write(t.Context(), mkEvents(4))
				w := tt.want
				checkErrorClass(t, err, w.retry, w.after, w.permanent, w.errHas)
				dead, problems := h.metrics.Counts()
				if dead != w.dead || (problems > 0) != w.permanent {
					t.Errorf("dead letters %d, configuration problems %d; want %d and %v", dead, problems, w.dead, w.permanent)
				}
				letters := h.deadLetters(t)
				if len(letters) != w.letters {
					t.Fatalf("%d dead letters, want %d", len(letters), w.letters)
				}
				for i, l := range letters {
					if l.Sink != "collector" || l.Code != w.code || !strings.Contains(l.Reason, w.reason) || l.Event["eventId"] != idOf(i) {
						t.Errorf("dead letter %d: %+v, want code %v, reason with %q and event %d", i, l, w.code, w.reason, i)
					}
				}
				if w.warnLogged != "" && h.logs.FilterMessageSnippet(w.warnLogged).Len() != 1 {
					t.Errorf("no warning %q logged:\n%s", w.warnLogged, h.allLogs())
				}
				if w.letters > 0 {
					// One line for the letters, with the receiver's answer.
					logged := h.logs.FilterMessageSnippet("dead-letter file").All()
					if len(logged) != 1 || !strings.Contains(fmt.Sprint(logged[0].ContextMap()["reason"]), w.reason) {
						t.Errorf("want one log line with the reason %q:\n%s", w.reason, h.allLogs())
					}
				}
			})
		}
	}
}

// checkErrorClass checks what Write returned against the expected class.
func checkErrorClass(t *testing.T, err error, retry bool, after time.Duration, permanent bool, errHas string) {
	t.Helper()
	if (err != nil) != (retry || permanent) {
		t.Fatalf("Write = %v, want an error: %v", err, retry || permanent)
	}
	if err == nil {
		return
	}
	d, hasAfter := sink.RetryAfterDelay(err)
	switch {
	case sink.IsPermanent(err) != permanent:
		t.Errorf("Write = %v: permanent %v, want %v", err, sink.IsPermanent(err), permanent)
	case after > 0 && (!hasAfter || d < after || d > after+10*time.Second):
		t.Errorf("Write = %v: Retry-After %v (%v), want about %v", err, d, hasAfter, after)
	case after == 0 && hasAfter:
		t.Errorf("Write = %v: a Retry-After of %v the answer did not ask for", err, d)
	case !strings.Contains(err.Error(), errHas):
		t.Errorf("Write = %q, want it to say %q", err, errHas)
	}
}

// TestTooLargeSplits: 413 halves the request until it fits; a single record
// still refused goes to the dead-letter file, the others are delivered.
func TestTooLargeSplits(t *testing.T) {
	f := &fakeReceiver{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req := plogotlp.NewExportRequest()
		_ = req.UnmarshalProto(readBody(r))
		n := req.Logs().LogRecordCount()
		f.count(n)
		first := req.Logs().ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
		uid, _ := first.Attributes().Get("log.record.uid")
		if n > 2 || (n == 1 && uid.Str() == idOf(4)) {
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			return
		}
		w.Header().Set("Content-Type", "application/x-protobuf")
	}))
	t.Cleanup(f.Close)
	h := newHarness(t, f.URL, func(c *Config) { c.Compression = "none" })
	if err := h.sink.Write(t.Context(), mkEvents(8)); err != nil {
		t.Fatal(err)
	}
	// 8 is refused, its halves of 4 too, their halves of 2 pass.
	if got, want := fmt.Sprint(f.requestSizes()), "[8 4 2 2 4 2 2]"; got != want {
		t.Errorf("requests of %s records, want %s", got, want)
	}
	if letters := h.deadLetters(t); len(letters) != 0 {
		t.Errorf("dead letters %+v, want none", letters)
	}
	f.mu.Lock()
	f.sizes = nil
	f.mu.Unlock()
	h.sink.opt.maxEvents = 1 // one record a request: event 4 alone is refused
	if err := h.sink.Write(t.Context(), mkEvents(6)); err != nil {
		t.Fatal(err)
	}
	letters := h.deadLetters(t)
	if len(letters) != 1 || letters[0].Code != 413.0 || letters[0].Event["eventId"] != idOf(4) ||
		!strings.Contains(letters[0].Reason, "too large for the receiver even alone") {
		t.Errorf("dead letters %+v, want event 4 alone with code 413", letters)
	}
}

// TestRetryResendsOnlyWhatFailed: when a Write's second request fails, the
// loop's retry of the same batch sends only from there.
func TestRetryResendsOnlyWhatFailed(t *testing.T) {
	f := newFakeReceiver(t, reply{status: 200}, reply{status: 503}, reply{status: 200})
	h := newHarness(t, f.URL, func(c *Config) { c.BatchMaxEvents = 3 })
	evs := mkEvents(7)
	if err := h.sink.Write(t.Context(), evs); err == nil {
		t.Fatal("Write succeeded through a 503")
	}
	if err := h.sink.Write(t.Context(), evs); err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(f.requestSizes()), "[3 3 3 1]"; got != want {
		t.Errorf("requests of %s records, want %s (3 delivered, 3 failed, then the rest)", got, want)
	}
	// A different batch starts from its beginning.
	if err := h.sink.Write(t.Context(), mkEvents(2)); err != nil {
		t.Fatal(err)
	}
	if got := f.requestSizes(); got[len(got)-1] != 2 {
		t.Errorf("a new batch sent %d records, want 2", got[len(got)-1])
	}
}

// TestRedirectIsAConfigurationProblem: a 3xx is never followed; nothing
// reaches the target, the events stay queued.
func TestRedirectIsAConfigurationProblem(t *testing.T) {
	target := newFakeReceiver(t, reply{status: 200})
	for _, code := range []int{301, 302, 307, 308} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, target.URL+r.URL.Path, code)
			}))
			defer src.Close()
			h := newHarness(t, src.URL, nil)
			err := h.sink.Write(t.Context(), mkEvents(2))
			var re *httpx.RedirectError
			if !errors.As(err, &re) || !sink.IsPermanent(err) || re.Status != code {
				t.Fatalf("Write = %v, want a permanent redirect error", err)
			}
			if !strings.Contains(err.Error(), "set endpoint to the address where the receiver answers itself") {
				t.Errorf("Write = %v, want the hint", err)
			}
			if err := h.sink.Check(t.Context()); err == nil || !strings.Contains(err.Error(), "redirected") {
				t.Errorf("Check = %v, want the redirect", err)
			}
			if _, problems := h.metrics.Counts(); problems == 0 {
				t.Error("no configuration problem counted")
			}
		})
	}
	if n := len(target.requestSizes()); n != 0 {
		t.Fatalf("the redirect target got %d requests", n)
	}
}

func TestNetworkErrorIsRetried(t *testing.T) {
	f := newFakeReceiver(t, reply{status: 200})
	url := f.URL
	f.Close()
	h := newHarness(t, url, nil)
	err := h.sink.Write(t.Context(), mkEvents(1))
	if err == nil || sink.IsPermanent(err) || !strings.Contains(err.Error(), url+"/v1/logs") {
		t.Fatalf("Write = %v, want a retryable error naming the endpoint", err)
	}
}

// TestTheCollectorsRefusals: the real receiver answers a consumer's
// retryable error with 503 (retried) and a permanent one with 500
// (dead-lettered).
func TestTheCollectorsRefusals(t *testing.T) {
	var mu sync.Mutex
	var refusal error
	col := otlptest.Start(t, otlptest.Options{Refuse: func() error { mu.Lock(); defer mu.Unlock(); return refusal }})
	refuse := func(err error) { mu.Lock(); refusal = err; mu.Unlock() }
	for _, enc := range []string{"protobuf", "json"} {
		t.Run(enc, func(t *testing.T) {
			h := newHarness(t, col.URL, func(c *Config) { c.Encoding = enc })
			refuse(errors.New("queue is full"))
			err := h.sink.Write(t.Context(), mkEvents(2))
			if err == nil || sink.IsPermanent(err) || !strings.Contains(err.Error(), `HTTP 503 "queue is full"`) {
				t.Fatalf("Write = %v, want a retryable 503 with the receiver's message", err)
			}
			refuse(consumererror.NewPermanent(errors.New("malformed record")))
			if err := h.sink.Write(t.Context(), mkEvents(2)); err != nil {
				t.Fatalf("Write = %v, want the events dead-lettered", err)
			}
			letters := h.deadLetters(t)
			if len(letters) != 2 || letters[0].Code != 500.0 || !strings.Contains(letters[0].Reason, "Permanent error: malformed record") {
				t.Fatalf("dead letters %+v, want both events with code 500 and the receiver's message", letters)
			}
			refuse(nil)
			if err := h.sink.Check(t.Context()); err != nil {
				t.Fatalf("Check = %v", err)
			}
		})
	}
}
