// ack.go implements indexer acknowledgment: a channel per sink, bulk polling
// of /services/collector/ack, resending requests whose ack does not come,
// and the acks still outstanding when a Write failed, which the next Write
// polls for instead of sending their events again.

package hec

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/httpx"
	"github.com/serfwd/serfwd/pkg/sink"
)

// waiting is a request Splunk accepted whose ack is still outstanding.
type waiting struct {
	id   int64
	req  []int
	sent time.Time
}

// awaited is a waiting request kept across a failed Write: its events by
// doneKey (the delivery loop's retry may hold them at other positions) and
// when it was sent, so that ack_timeout still counts from then.
type awaited struct {
	id   int64
	keys []string
	sent time.Time
}

// newChannel returns a random UUIDv4 in its text form.
func newChannel() (string, error) {
	var u [16]byte
	if _, err := rand.Read(u[:]); err != nil {
		return "", err
	}
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16]), nil
}

// awaitAcks polls until every waiting request is acknowledged, resending
// those not acknowledged within ack_timeout. A failed poll fails the Write
// (the delivery loop retries it); the outstanding acks are kept for the
// retry, which polls for them again rather than resending their events.
func (s *Sink) awaitAcks(ctx context.Context, b *batch, waits []waiting) error {
	interval := s.pollMin
	timer := time.NewTimer(interval)
	defer timer.Stop()
	for len(waits) > 0 {
		select {
		case <-ctx.Done():
			s.keepAwaiting(b, waits)
			return fmt.Errorf("waiting for %d splunk hec acknowledgments: %w", len(waits), ctx.Err())
		case <-timer.C:
		}
		acked, err := s.queryAcks(ctx, waits)
		if err != nil {
			s.keepAwaiting(b, waits)
			if ctx.Err() != nil {
				return fmt.Errorf("waiting for %d splunk hec acknowledgments: %w", len(waits), ctx.Err())
			}
			return fmt.Errorf("polling %d splunk hec acknowledgments: %w", len(waits), err)
		}
		if waits, err = s.settle(ctx, b, waits, acked); err != nil {
			s.keepAwaiting(b, waits)
			return err
		}
		interval = min(interval*2, s.pollMax)
		timer.Reset(interval)
	}
	return nil
}

// settle marks acknowledged requests done, resends the overdue ones and
// returns what is still outstanding; after a failed resend, what is still
// outstanding with the failed one (sent again by the next Write).
func (s *Sink) settle(ctx context.Context, b *batch, waits []waiting, acked map[int64]bool) ([]waiting, error) {
	var next []waiting
	now := time.Now()
	for j, w := range waits {
		switch {
		case acked[w.id]:
			b.markDone(w.req)
		case now.Sub(w.sent) >= s.opt.ackTimeout:
			s.log.Warn("Splunk did not acknowledge a request within ack_timeout; sending it again",
				zap.Int64("ackId", w.id), zap.Int("events", len(w.req)), zap.Duration("ack_timeout", s.opt.ackTimeout))
			if err := s.send(ctx, b, w.req, &next); err != nil {
				return append(next, waits[j:]...), err
			}
		default:
			next = append(next, w)
		}
	}
	return next, nil
}

// keepAwaiting remembers the requests of b still waiting for their ack,
// for the next Write.
func (s *Sink) keepAwaiting(b *batch, waits []waiting) {
	s.awaiting = s.awaiting[:0]
	for _, w := range waits {
		a := awaited{id: w.id, sent: w.sent, keys: make([]string, 0, len(w.req))}
		for _, i := range w.req {
			if k := b.doneKey(i); k != "" {
				a.keys = append(a.keys, k)
			}
		}
		s.awaiting = append(s.awaiting, a)
	}
}

// resumeAcks takes the acks a failed Write left outstanding: it returns
// them as waiting requests of b and, in todo, the events of b still to
// send (pending ones not awaiting an ack).
func (s *Sink) resumeAcks(b *batch) (waits []waiting, todo []int) {
	pending := s.pending(b)
	if len(s.awaiting) == 0 {
		return nil, pending
	}
	at := make(map[string]int, len(pending))
	for _, i := range pending {
		if k := b.doneKey(i); k != "" {
			at[k] = i
		}
	}
	for _, a := range s.awaiting {
		var req []int
		for _, k := range a.keys {
			if i, ok := at[k]; ok {
				req = append(req, i)
				delete(at, k)
			}
		}
		if len(req) > 0 {
			waits = append(waits, waiting{id: a.id, req: req, sent: a.sent})
		}
	}
	s.awaiting = nil
	taken := make(map[int]bool)
	for _, w := range waits {
		for _, i := range w.req {
			taken[i] = true
		}
	}
	todo = make([]int, 0, len(pending))
	for _, i := range pending {
		if !taken[i] {
			todo = append(todo, i)
		}
	}
	return waits, todo
}

// queryAcks asks Splunk which of the waiting ackIds are indexed.
func (s *Sink) queryAcks(ctx context.Context, waits []waiting) (map[int64]bool, error) {
	var body strings.Builder
	body.WriteString(`{"acks":[`)
	for i, w := range waits {
		if i > 0 {
			body.WriteByte(',')
		}
		body.WriteString(strconv.FormatInt(w.id, 10))
	}
	body.WriteString(`]}`)
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, s.opt.base+pathAck, strings.NewReader(body.String()))
	if err != nil {
		return nil, fmt.Errorf("building hec ack request: %w", err)
	}
	resp, err := s.do(hr)
	if err != nil {
		return nil, s.transportError(ctx, pathAck, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, s.ackRefused(s.readAnswer(resp))
	}
	return decodeAcks(resp.Body)
}

// ackRefused classifies an error reply of the ack endpoint.
func (s *Sink) ackRefused(a answer) error {
	if a.code() == codeAckDisabled || classify(a) == misconfig {
		return s.configProblem(pathAck, a)
	}
	err := s.errorf(pathAck, a)
	if a.hasRetry {
		return sink.RetryAfter(err, a.retryAfter)
	}
	return err
}

// decodeAcks reads {"acks":{"0":true,"1":false}}.
func decodeAcks(r io.Reader) (map[int64]bool, error) {
	var v struct {
		Acks map[string]bool `json:"acks"`
	}
	if err := json.NewDecoder(httpx.LimitReader(r, 16<<20, "the ack answer limit")).Decode(&v); err != nil {
		return nil, fmt.Errorf("decoding hec ack reply: %w", err)
	}
	out := make(map[int64]bool, len(v.Acks))
	for k, ok := range v.Acks {
		if id, err := strconv.ParseInt(k, 10, 64); err == nil {
			out[id] = ok
		}
	}
	return out, nil
}
