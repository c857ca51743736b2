package syslog

// syslog.go is the sink itself: construction from config, Write (encode a
// batch, then send it), Check and Close.

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/sink"
)

// Type is the sink type in the config.
const Type = config.SinkSyslog

// Factory registers the syslog sink.
func Factory() sink.Factory { return sink.Factory{Type: Type, New: New} }

var errClosed = errors.New("syslog sink is closed")

// Sink delivers events as syslog messages.
type Sink struct {
	name    string
	log     *zap.Logger
	metrics sink.Metrics
	opts    options
	fmt     *formatter
	tr      *transport

	mu     sync.Mutex // serializes Write, Close and Check's use of the sink
	closed bool
	out    batch  // reused between writes
	msg    []byte // scratch message
}

var (
	_ sink.Sink    = (*Sink)(nil)
	_ sink.Checker = (*Sink)(nil)
)

// New builds a syslog sink. It does not connect: the first Write does.
func New(s sink.Settings, c config.Sink) (sink.Sink, error) {
	if c.Syslog == nil {
		return nil, fmt.Errorf("sink %q: missing syslog settings", c.Name)
	}
	o, err := resolveOptions(*c.Syslog, s.Hostname)
	if err != nil {
		return nil, fmt.Errorf("sink %q: %w", c.Name, err)
	}
	log := s.Logger
	if log == nil {
		log = zap.NewNop()
	}
	metrics := s.Metrics
	if metrics == nil {
		metrics = sink.NopMetrics{}
	}
	tr := &transport{network: o.network, address: o.address, log: log}
	if o.network == "tls" {
		if tr.tlsConf, err = buildTLSConfig(o); err != nil {
			return nil, fmt.Errorf("sink %q: %w", c.Name, err)
		}
		if o.tls.InsecureSkipVerify {
			log.Warn("TLS CERTIFICATE VERIFICATION IS OFF (insecure_skip_verify): anyone on the path can read and alter these events; set tls.ca_file instead",
				zap.String("address", o.address))
		}
	}
	if o.network == "udp" {
		log.Info("syslog over UDP: messages lost on the way are lost without notice", zap.String("address", o.address))
	}
	return &Sink{
		name: c.Name, log: log, metrics: metrics, opts: o,
		fmt: newFormatter(o, s.Version), tr: tr,
	}, nil
}

// Write sends one message per event and returns once all were written to
// the connection; on error the whole batch is to be retried.
func (s *Sink) Write(ctx context.Context, events []event.Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return sink.Permanent(errClosed)
	}
	if len(events) == 0 {
		return nil
	}
	s.encode(events)
	return s.tr.send(ctx, &s.out)
}

// encode renders and frames the batch into s.out.
func (s *Sink) encode(events []event.Event) {
	s.out.reset()
	shortened := 0
	for i := range events {
		e := &events[i]
		var sh shortening
		var short bool
		s.msg, sh, short = s.fmt.appendMessage(s.msg[:0], e)
		if short {
			shortened++
			s.log.Warn("syslog message longer than max_message_bytes: shortened",
				zap.String("eventId", e.ID()), zap.Int("size", sh.original),
				zap.Int("max_message_bytes", s.opts.maxBytes),
				zap.Int("dropped", sh.drops), zap.Strings("dropped_keys", sh.dropped),
				zap.Bool("truncated", sh.truncated))
		}
		if s.opts.network == "udp" {
			s.out.buf = append(s.out.buf, s.msg...)
		} else {
			s.out.buf = appendFrame(s.out.buf, s.msg, s.opts.framing)
		}
		s.out.ends = append(s.out.ends, len(s.out.buf))
	}
	if shortened > 0 {
		s.metrics.Truncated(s.name, shortened)
	}
}

// Check connects (TLS: with the handshake) and disconnects. Over UDP it can
// only resolve the address and create the socket: UDP has no handshake, so
// an absent receiver goes unnoticed.
func (s *Sink) Check(ctx context.Context) error {
	if err := s.tr.check(ctx); err != nil {
		return fmt.Errorf("checking syslog sink %q: %w", s.name, err)
	}
	return nil
}

// Close closes the connection; it is idempotent.
func (s *Sink) Close(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.tr.closeConn()
	return nil
}
