// fakehec_test.go is a small programmable HTTP Event Collector for the tests:
// it decodes (gzipped) bodies, records envelopes, and answers each request as
// scripted: status, code, invalid-event-number, Retry-After, acknowledgments.

package hec

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
)

const testToken = "0f3c1a2b-5e6d-4c7b-8a9f-hec-secret-token"

// hecRequest is one request to the event endpoint, as the fake saw it.
type hecRequest struct {
	Header    http.Header
	Raw       []byte           // the uncompressed body
	Envelopes []map[string]any // decoded with UseNumber
	Pieces    [][]byte         // the raw bytes of each envelope
	AckID     int64            // assigned when answered 200 in ack mode, else -1
}

// reply is a scripted answer.
type reply struct {
	Status       int
	Code         int
	Text         string
	InvalidEvent int // -1: omit
	RetryAfter   string
	NoAckID      bool
}

// fakeHEC is the test server.
type fakeHEC struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	script   []reply                  // answers for the next event requests
	decide   func(*hecRequest) *reply // computed answer; nil result = default
	requests []*hecRequest            // every event request
	indexed  []map[string]any         // envelopes answered 200 code 0
	nextAck  int64
	ackAfter int            // polls of an id before it reads true
	lost     map[int64]bool // ids never acknowledged
	polls    map[int64]int
	ackQuery [][]int64 // ids of each ack query
	ackReply *reply    // when set, the ack endpoint answers this error
	health   reply
}

func newFakeHEC(t *testing.T, useTLS bool) *fakeHEC {
	f := &fakeHEC{t: t, lost: map[int64]bool{}, polls: map[int64]int{},
		health: reply{Status: 200, Code: codeHealthy, Text: "HEC is healthy", InvalidEvent: -1}}
	mux := http.NewServeMux()
	mux.HandleFunc("/services/collector/event", f.event)
	mux.HandleFunc("/services/collector/ack", f.ack)
	mux.HandleFunc("/services/collector/health", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		h := f.health
		f.mu.Unlock()
		writeReply(w, h, -1)
	})
	f.srv = httptest.NewUnstartedServer(mux)
	f.srv.Config.ErrorLog = log.New(io.Discard, "", 0) // expected TLS handshake failures
	if useTLS {
		f.srv.StartTLS()
	} else {
		f.srv.Start()
	}
	t.Cleanup(f.srv.Close)
	return f
}

// authorized answers 401/403 as Splunk does when the token is wrong.
func authorized(w http.ResponseWriter, r *http.Request) bool {
	auth := r.Header.Get("Authorization")
	switch {
	case auth == "":
		writeReply(w, reply{Status: 401, Code: 2, Text: "Token is required", InvalidEvent: -1}, -1)
	case !strings.HasPrefix(auth, "Splunk "):
		writeReply(w, reply{Status: 401, Code: 3, Text: "Invalid authorization", InvalidEvent: -1}, -1)
	case auth != "Splunk "+testToken:
		writeReply(w, reply{Status: 403, Code: 4, Text: "Invalid token", InvalidEvent: -1}, -1)
	default:
		return true
	}
	return false
}

func (f *fakeHEC) event(w http.ResponseWriter, r *http.Request) {
	if !authorized(w, r) {
		return
	}
	req := f.decode(r)
	if len(req.Raw) == 0 {
		writeReply(w, reply{Status: 400, Code: codeNoData, Text: "No data", InvalidEvent: -1}, -1)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, req)
	rep := reply{Status: 200, Code: 0, Text: "Success", InvalidEvent: -1}
	if len(f.script) > 0 {
		rep, f.script = f.script[0], f.script[1:]
	} else if f.decide != nil {
		if d := f.decide(req); d != nil {
			rep = *d
		}
	}
	if rep.Status == 200 && rep.Code == 0 {
		f.indexed = append(f.indexed, req.Envelopes...)
		if req.Header.Get("X-Splunk-Request-Channel") != "" && !rep.NoAckID {
			req.AckID = f.nextAck
			f.nextAck++
		}
	}
	writeReply(w, rep, req.AckID)
}

// decode reads the body, gunzipping it when marked so, and splits envelopes.
func (f *fakeHEC) decode(r *http.Request) *hecRequest {
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			f.t.Errorf("fake hec: gzip: %v", err)
			return &hecRequest{AckID: -1}
		}
		body = zr
	}
	raw, err := io.ReadAll(body)
	if err != nil {
		f.t.Errorf("fake hec: reading body: %v", err)
	}
	req := &hecRequest{Header: r.Header.Clone(), Raw: raw, AckID: -1}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	for start := int64(0); dec.More(); start = dec.InputOffset() {
		var env map[string]any
		if err := dec.Decode(&env); err != nil {
			f.t.Errorf("fake hec: body is not concatenated JSON envelopes: %v", err)
			break
		}
		req.Envelopes = append(req.Envelopes, env)
		req.Pieces = append(req.Pieces, raw[start:dec.InputOffset()])
	}
	return req
}

func (f *fakeHEC) ack(w http.ResponseWriter, r *http.Request) {
	if !authorized(w, r) {
		return
	}
	var q struct {
		Acks []int64 `json:"acks"`
	}
	if err := json.NewDecoder(r.Body).Decode(&q); err != nil {
		writeReply(w, reply{Status: 400, Code: codeInvalidData, Text: "Invalid data format", InvalidEvent: -1}, -1)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ackQuery = append(f.ackQuery, q.Acks)
	if f.ackReply != nil {
		writeReply(w, *f.ackReply, -1)
		return
	}
	out := map[string]bool{}
	for _, id := range q.Acks {
		f.polls[id]++
		out[strconv.FormatInt(id, 10)] = id < f.nextAck && !f.lost[id] && f.polls[id] > f.ackAfter
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"acks": out})
}

// writeReply renders a HEC JSON answer.
func writeReply(w http.ResponseWriter, rep reply, ackID int64) {
	body := map[string]any{"text": rep.Text, "code": rep.Code}
	if rep.InvalidEvent >= 0 {
		body["invalid-event-number"] = rep.InvalidEvent
	}
	if ackID >= 0 {
		body["ackId"] = ackID
	}
	if rep.RetryAfter != "" {
		w.Header().Set("Retry-After", rep.RetryAfter)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(rep.Status)
	_ = json.NewEncoder(w).Encode(body)
}

// snapshot returns copies of what the fake recorded.
func (f *fakeHEC) snapshot() (reqs []*hecRequest, indexed []map[string]any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*hecRequest(nil), f.requests...), append([]map[string]any(nil), f.indexed...)
}
