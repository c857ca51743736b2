// answer.go reads HEC answers and sorts them into what the sink does next,
// following Splunk's documented status codes.

package hec

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/serfwd/serfwd/pkg/backoff"
)

// HEC status codes (Splunk, "Troubleshoot HTTP Event Collector").
const (
	codeSuccess        = 0
	codeTokenDisabled  = 1
	codeNoData         = 5
	codeInvalidData    = 6
	codeIncorrectIndex = 7
	codeBusy           = 9
	codeNoChannel      = 10
	codeBadChannel     = 11
	codeEventRequired  = 12
	codeEventBlank     = 13
	codeAckDisabled    = 14
	codeHealthy        = 17
)

// answer is a HEC JSON reply.
type answer struct {
	status       int
	Text         string `json:"text"`
	Code         *int   `json:"code"`
	InvalidEvent *int   `json:"invalid-event-number"`
	AckID        *int64 `json:"ackId"`
	retryAfter   time.Duration
	hasRetry     bool
}

// readAnswer reads a reply and redacts the token, in every encoding, from
// its text, cut to a short quote: a proxy or server that echoes credentials
// must not get them logged.
func (s *Sink) readAnswer(resp *http.Response) answer {
	a := decodeAnswer(resp)
	a.Text = s.redact.Quote(a.Text)
	return a
}

// decodeAnswer reads at most 64 KiB of a reply and decodes what it can.
func decodeAnswer(resp *http.Response) answer {
	a := answer{status: resp.StatusCode}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) // let the connection be reused
	if json.Unmarshal(body, &a) != nil || a.Text == "" {
		a.Text = firstLine(string(body))
	}
	a.retryAfter, a.hasRetry = backoff.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	return a
}

// code returns the HEC code, or -1 when the reply had none.
func (a answer) code() int {
	if a.Code == nil {
		return -1
	}
	return *a.Code
}

// String describes the reply for errors and logs: HTTP status, code, text.
func (a answer) String() string {
	s := "HTTP " + strconv.Itoa(a.status)
	if a.Code != nil {
		s += " code " + strconv.Itoa(*a.Code)
	}
	if a.Text != "" {
		s += " " + strconv.Quote(a.Text)
	}
	return s
}

// outcome is what to do after an event request.
type outcome int

const (
	delivered  outcome = iota // 200 code 0
	tooLarge                  // 413: split
	badData                   // 400 code 6/12/13: isolate and dead-letter
	retryLater                // 429, 5xx, unexpected: retry the request later
	misconfig                 // 401, 403, other 4xx: an operator must act
)

// classify sorts an event-endpoint reply.
func classify(a answer) outcome {
	switch {
	case a.status == http.StatusOK && a.code() == codeSuccess:
		return delivered
	case a.status == http.StatusRequestEntityTooLarge:
		return tooLarge
	case a.status == http.StatusBadRequest:
		switch a.code() {
		case codeInvalidData, codeEventRequired, codeEventBlank:
			return badData
		}
		return misconfig
	case a.status == http.StatusTooManyRequests, a.status == http.StatusRequestTimeout, a.status >= 500:
		return retryLater
	case a.status >= 400:
		return misconfig
	}
	return retryLater
}

// hint tells the operator what a configuration problem most likely means.
func hint(a answer) string {
	switch {
	case a.code() == codeIncorrectIndex:
		return "the index is not allowed for this HEC token: add it to the token's allowed indexes in Splunk or change index"
	case a.code() == codeNoChannel || a.code() == codeBadChannel:
		return "this HEC token has indexer acknowledgment enabled: set ack: true, or disable it on the token"
	case a.code() == codeAckDisabled:
		return ackDisabledHint
	case a.status == http.StatusUnauthorized || a.status == http.StatusForbidden:
		return "Splunk refused the HEC token: check token/token_file and that the token is enabled"
	case a.status == http.StatusNotFound:
		return "no HEC endpoint at this url: check url (the base URL, e.g. https://splunk:8088) and that HEC is enabled"
	}
	return "Splunk refused the request: check the splunk_hec settings"
}

const ackDisabledHint = "indexer acknowledgment is not enabled for this HEC token; set ack: false or enable it in Splunk"

// firstLine keeps the first line of a non-JSON body for messages. It does
// not shorten it: readAnswer's redact.Quote removes the token first and only
// then cuts, so a token the cut would split is already gone.
func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	return s
}

// errorf builds a sink error naming the endpoint and the reply.
func (s *Sink) errorf(path string, a answer) error {
	return fmt.Errorf("splunk hec %s: %s", s.opt.base+path, a)
}
