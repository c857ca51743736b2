// A Write ends early when a broker connection fails in a way only an
// operator can fix (credentials refused, a certificate that does not
// verify): franz-go retries connections until the Write's deadline, so a
// connection hook cancels the running Write with that failure as the cause.
// Brokers answer bad credentials with SASL_AUTHENTICATION_FAILED, or (older
// brokers, and kfake) by closing the connection during the exchange: a
// wrapper around the SASL mechanism tells which connections were inside one,
// and several such closes in a row count as a refusal.

package kafka

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
)

// saslClosesToRefusal is how many connections in a row to one broker must
// end inside a SASL exchange before that counts as a refusal of the
// credentials: a broker that shuts down during one exchange refuses the
// next dial instead.
const saslClosesToRefusal = 3

// connWatch is a kgo.HookBrokerConnect that cancels the running Write.
type connWatch struct {
	topic          string
	mu             sync.Mutex
	cancel         context.CancelCauseFunc // of the running Write; nil between Writes
	authenticating map[string]int          // broker address → SASL exchanges begun and not finished
	saslCloses     map[string]int          // broker address → connections in a row that ended inside one
}

// OnBrokerConnect cancels the running Write when err needs an operator. A
// broker that keeps ending connections inside the SASL exchange (the
// connection was set up: conn is not nil) refuses the credentials.
func (w *connWatch) OnBrokerConnect(meta kgo.BrokerMetadata, _ time.Duration, conn net.Conn, err error) {
	addr := net.JoinHostPort(meta.Host, strconv.Itoa(int(meta.Port)))
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case err == nil:
		delete(w.saslCloses, addr)
		return
	case conn == nil: // the dial failed (a certificate that does not verify among the reasons): no SASL refusal
		delete(w.saslCloses, addr)
	case w.authenticating[addr] > 0:
		w.authenticating[addr]--
		if w.saslCloses == nil {
			w.saslCloses = map[string]int{}
		}
		if w.saslCloses[addr]++; w.saslCloses[addr] >= saslClosesToRefusal && adviceFor(err, w.topic) == "" {
			err = fmt.Errorf("the broker closed %d connections in a row during SASL authentication (%v): %w",
				w.saslCloses[addr], err, kerr.SaslAuthenticationFailed)
		}
	}
	if w.cancel != nil && adviceFor(err, w.topic) != "" {
		w.cancel(err)
	}
}

// begin and finish bracket a SASL exchange with the broker at addr.
func (w *connWatch) begin(addr string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.authenticating == nil {
		w.authenticating = map[string]int{}
	}
	w.authenticating[addr]++
}

func (w *connWatch) finish(addr string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.authenticating[addr] > 0 {
		w.authenticating[addr]--
	}
}

// start returns the context of one Write: ctx bounded by timeout, and
// cancelled with a connection's failure as its cause. end releases it.
func (w *connWatch) start(ctx context.Context, timeout time.Duration) (wctx context.Context, end func()) {
	cctx, cancel := context.WithCancelCause(ctx)
	tctx, stop := context.WithTimeout(cctx, timeout)
	w.mu.Lock()
	w.cancel = cancel
	w.mu.Unlock()
	return tctx, func() {
		w.mu.Lock()
		w.cancel = nil
		w.mu.Unlock()
		stop()
		cancel(nil)
	}
}

// watchedMechanism tells the watch when a SASL exchange begins and ends.
type watchedMechanism struct {
	sasl.Mechanism
	w *connWatch
}

func (m watchedMechanism) Authenticate(ctx context.Context, host string) (sasl.Session, []byte, error) {
	s, first, err := m.Mechanism.Authenticate(ctx, host)
	if err != nil {
		return nil, nil, err
	}
	m.w.begin(host)
	return watchedSession{Session: s, w: m.w, host: host}, first, nil
}

type watchedSession struct {
	sasl.Session
	w    *connWatch
	host string
}

func (s watchedSession) Challenge(b []byte) (bool, []byte, error) {
	done, msg, err := s.Session.Challenge(b)
	if done || err != nil {
		s.w.finish(s.host)
	}
	return done, msg, err
}
