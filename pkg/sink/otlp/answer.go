// Reading a receiver's answer (an ExportLogsServiceResponse, or a
// google.rpc.Status on failure, in protobuf or JSON) and sorting it into
// what the sink does next, by OTLP/HTTP's rules.

package otlp

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/serfwd/serfwd/pkg/backoff"
)

// maxAnswer bounds how much of an answer is read.
const maxAnswer = 64 << 10

// answer is what a receiver said to one export request.
type answer struct {
	status     int
	message    string // the partial success's or the error's message, redacted and cut
	rejected   int64  // partial success: log records the receiver rejected
	retryAfter time.Duration
	hasRetry   bool
}

// readAnswer reads and decodes an answer; a body that does not decode
// leaves message empty, or its first bytes on failure. The message is
// redacted: a receiver or proxy that echoes a header must not get it logged.
func (s *Sink) readAnswer(resp *http.Response) answer {
	a := answer{status: resp.StatusCode}
	a.retryAfter, a.hasRetry = backoff.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) // let the connection be reused
	ct := resp.Header.Get("Content-Type")
	if a.status/100 == 2 {
		var ps partialSuccess
		if decode(body, ct, func(b []byte) (err error) { ps, err = decodeResponseJSON(b); return err },
			func(b []byte) (err error) { ps, err = decodeResponseProto(b); return err }) {
			a.rejected, a.message = ps.rejected, ps.message
		}
	} else {
		var msg string
		if decode(body, ct, func(b []byte) (err error) { msg, err = decodeStatusJSON(b); return err },
			func(b []byte) (err error) { msg, err = decodeStatusProto(b); return err }) && msg != "" {
			a.message = msg
		} else {
			a.message = strings.TrimSpace(string(body))
		}
	}
	a.message = s.redact.Quote(a.message)
	return a
}

// decode decodes body in the form its Content-Type names (protobuf or
// JSON); a body of another type is read as JSON when it looks like JSON,
// else not at all (a proxy's text or HTML page).
func decode(body []byte, contentType string, fromJSON, fromProto func([]byte) error) bool {
	mt, _, _ := mime.ParseMediaType(contentType)
	switch mt {
	case "application/x-protobuf", "application/protobuf":
		return fromProto(body) == nil
	case "application/json":
		return fromJSON(body) == nil
	}
	if b := bytes.TrimSpace(body); len(b) > 0 && b[0] == '{' {
		return fromJSON(b) == nil
	}
	return false
}

// String describes the answer for errors and logs.
func (a answer) String() string {
	s := "HTTP " + strconv.Itoa(a.status)
	if a.message != "" {
		s += " " + strconv.Quote(a.message)
	}
	return s
}

// outcome is what to do after an export request.
type outcome int

const (
	delivered  outcome = iota // 2xx (a partial success included)
	retryLater                // 429, 502, 503, 504, 408: try again with backoff
	tooLarge                  // 413: split the request
	refused                   // other 4xx and 5xx: refused for good (OTLP: not to be retried), dead-letter it
	misconfig                 // 401, 403, 404, 405, 407, 415, 501, 1xx/3xx: an operator must act; data stays queued
)

// classify sorts an answer by its status. The Collector's receiver answers
// 400 for data it cannot read and 500 when its pipeline refused the data
// for good (a permanent consumer error): both are dead-lettered, as OTLP
// says they must not be retried.
func classify(status int) outcome {
	switch status {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable,
		http.StatusGatewayTimeout, http.StatusRequestTimeout:
		return retryLater
	case http.StatusRequestEntityTooLarge:
		return tooLarge
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusMethodNotAllowed,
		http.StatusProxyAuthRequired, http.StatusUnsupportedMediaType, http.StatusNotImplemented:
		return misconfig
	}
	switch status / 100 {
	case 2:
		return delivered
	case 4, 5:
		return refused
	}
	return misconfig
}

// hint tells the operator what a configuration problem most likely means.
func hint(status int) string {
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusProxyAuthRequired:
		return "the receiver refused the credentials: check headers (e.g. authorization)"
	case http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusNotImplemented:
		return "no OTLP/HTTP logs receiver at this endpoint: check endpoint (the base URL, e.g. http://collector:4318; /v1/logs is added)"
	case http.StatusUnsupportedMediaType:
		return "the receiver does not take this encoding: check encoding (protobuf|json) and compression"
	}
	return "the receiver did not answer as an OTLP/HTTP receiver does: check endpoint"
}
