// syslog.go is the sink itself: construction from config, Write (encode a
// batch, then send it), Check and Close.

package syslog

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/sink"
)

// Kind is the syslog entry of the table of sink kinds.
func Kind() sink.Kind { return sink.NewKind(Type, DefaultConfig, New) }

var errClosed = errors.New("syslog sink is closed")

// Sink delivers events as syslog messages.
type Sink struct {
	name    string
	log     *zap.Logger
	metrics sink.Metrics
	opts    options
	fmt     *formatter
	packed  *packedFormatter // WritePacked's renderer, which keeps its renderings
	tr      *transport

	mu     sync.Mutex // serializes Write, Close and Check's use of the sink
	closed bool
	out    batch  // reused between writes
	msg    []byte // scratch message
}

var (
	_ sink.Sink         = (*Sink)(nil)
	_ sink.PackedWriter = (*Sink)(nil)
	_ sink.Checker      = (*Sink)(nil)
)

// New builds a syslog sink from a valid config. It does not connect: the
// first Write does.
func New(s sink.Settings, c Config) (sink.Sink, error) {
	s = s.WithDefaults()
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("sink %q: %w", s.Name, err)
	}
	o := resolve(c, s.Hostname)
	log := s.Logger
	tr := &transport{network: o.network, address: o.address, log: log}
	if o.network == "tls" {
		var err error
		if tr.tlsConf, err = buildTLSConfig(o); err != nil {
			return nil, fmt.Errorf("sink %q: %w", s.Name, err)
		}
		if o.tls.InsecureSkipVerify {
			log.Warn("TLS CERTIFICATE VERIFICATION IS OFF (insecure_skip_verify): anyone on the path can read and alter these events; set tls.ca_file instead",
				zap.String("address", o.address))
		}
	}
	if o.network == "udp" {
		log.Info("syslog over UDP: messages lost on the way are lost without notice", zap.String("address", o.address))
	}
	f := newFormatter(o, s.Version)
	return &Sink{
		name: s.Name, log: log, metrics: s.Metrics, opts: o,
		fmt: f, packed: newPackedFormatter(f), tr: tr,
	}, nil
}

// Write sends one message per event and returns once all were written to
// the connection. It makes one attempt: on error the connection is closed,
// and the delivery loop's retry resends the whole batch on a new one.
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

// WritePacked is Write for the opened packed batches of the queue: it
// renders the messages straight from them.
func (s *Sink) WritePacked(ctx context.Context, batches []*event.Packed) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return sink.Permanent(errClosed)
	}
	if s.encodePacked(batches); len(s.out.ends) == 0 {
		return nil
	}
	return s.tr.send(ctx, &s.out)
}

// encodePacked renders and frames the batches' messages into s.out.
func (s *Sink) encodePacked(batches []*event.Packed) {
	s.out.reset()
	shortened := 0
	v := &s.packed.view
	for _, p := range batches {
		p.Rewind()
		for p.Next(v) {
			msg, sh, short, e := s.packed.appendMessage(s.msg[:0], p, v)
			shortened += s.add(msg, sh, short, e)
		}
	}
	if shortened > 0 {
		s.metrics.Truncated(s.name, shortened)
	}
}

// encode renders and frames the batch into s.out.
func (s *Sink) encode(events []event.Event) {
	s.out.reset()
	shortened := 0
	for i := range events {
		msg, sh, short := s.fmt.appendMessage(s.msg[:0], &events[i])
		shortened += s.add(msg, sh, short, &events[i])
	}
	if shortened > 0 {
		s.metrics.Truncated(s.name, shortened)
	}
}

// add frames the message msg of event e into s.out; when it was shortened
// (short), it logs so and returns 1.
func (s *Sink) add(msg []byte, sh shortening, short bool, e *event.Event) int {
	s.msg = msg
	s.frame()
	if !short {
		return 0
	}
	s.warnShortened(e, sh)
	return 1
}

// frame appends s.msg to s.out, framed for the transport.
func (s *Sink) frame() {
	if s.opts.network == "udp" {
		s.out.buf = append(s.out.buf, s.msg...)
	} else {
		s.out.buf = appendFrame(s.out.buf, s.msg, s.opts.framing)
	}
	s.out.ends = append(s.out.ends, len(s.out.buf))
}

// warnShortened logs a message made to fit max_message_bytes.
func (s *Sink) warnShortened(e *event.Event, sh shortening) {
	s.log.Warn("syslog message longer than max_message_bytes: shortened",
		zap.String("eventId", e.ID()), zap.Int("size", sh.original),
		zap.Int("max_message_bytes", s.opts.maxBytes),
		zap.Int("dropped", sh.drops), zap.Strings("dropped_keys", sh.dropped),
		zap.Bool("truncated", sh.truncated))
}

// Check connects (TLS: with the handshake) and disconnects. Over UDP it can
// only resolve the address and create the socket: UDP has no handshake, so
// an absent receiver goes unnoticed.
func (s *Sink) Check(ctx context.Context) error {
	if err := s.tr.check(ctx); err != nil {
		return fmt.Errorf("checking syslog sink %q: %w%s", s.name, err, plainTextHint(s.tr.network, err))
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
