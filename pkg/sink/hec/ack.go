// ack.go implements indexer acknowledgment: a channel per sink, bulk polling
// of /services/collector/ack, and resending requests whose ack does not come.
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
// those not acknowledged within ack_timeout.
func (s *Sink) awaitAcks(ctx context.Context, b *batch, waits []waiting) error {
	interval := s.pollMin
	timer := time.NewTimer(interval)
	defer timer.Stop()
	for len(waits) > 0 {
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %d splunk hec acknowledgments: %w", len(waits), ctx.Err())
		case <-timer.C:
		}
		acked, err := s.queryAcks(ctx, waits)
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("waiting for %d splunk hec acknowledgments: %w", len(waits), ctx.Err())
			}
			if sink.IsPermanent(err) {
				return err
			}
			s.log.Warn("polling Splunk HEC acknowledgments failed; polling again", zap.Error(err))
		}
		if waits, err = s.settle(ctx, b, waits, acked); err != nil {
			return err
		}
		interval = min(interval*2, s.pollMax)
		timer.Reset(interval)
	}
	return nil
}

// settle marks acknowledged requests done, resends the overdue ones and
// returns what is still outstanding.
func (s *Sink) settle(ctx context.Context, b *batch, waits []waiting, acked map[int64]bool) ([]waiting, error) {
	var next []waiting
	now := time.Now()
	for _, w := range waits {
		switch {
		case acked[w.id]:
			b.markDone(w.req)
		case now.Sub(w.sent) >= s.opt.ackTimeout:
			s.log.Warn("Splunk did not acknowledge a request within ack_timeout; sending it again",
				zap.Int64("ackId", w.id), zap.Int("events", len(w.req)), zap.Duration("ack_timeout", s.opt.ackTimeout))
			if err := s.send(ctx, b, w.req, &next); err != nil {
				return nil, err
			}
		default:
			next = append(next, w)
		}
	}
	return next, nil
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
	return s.errorf(pathAck, a)
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
