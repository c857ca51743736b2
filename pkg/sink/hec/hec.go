// hec.go defines the splunk_hec sink, its constructor and factory.

package hec

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/redact"
	"github.com/serfwd/serfwd/pkg/sink"
)

// Kind is the splunk_hec entry of the table of sink kinds.
func Kind() sink.Kind { return sink.NewKind(Type, DefaultConfig, New) }

// Sink delivers events to one Splunk HTTP Event Collector.
type Sink struct {
	set      sink.Settings
	opt      options
	log      *zap.Logger
	client   *http.Client
	layout   *layout         // what every envelope shares
	packed   *packedRenderer // WritePacked's renderer, which keeps its renderings
	bodies   *bodies         // request bodies: a gzip writer and buffers kept
	channel  string          // X-Splunk-Request-Channel when ack is on
	done     doneSet
	awaiting []awaited // acks a failed Write left outstanding
	problems problemReporter
	redact   *redact.Redactor // knows the token, for answers that echo it

	pollMin, pollMax time.Duration // ack polling interval, growing
	closeOnce        sync.Once
}

// New builds a splunk_hec sink from a valid config; host defaults to
// s.Hostname. It does not connect.
func New(s sink.Settings, c Config) (sink.Sink, error) {
	return newSink(s, c)
}

func newSink(s sink.Settings, c Config) (*Sink, error) {
	s = s.WithDefaults()
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("sink %q: %w", s.Name, err)
	}
	opt := resolve(c, s.Hostname)
	client, err := newClient(opt.tls)
	if err != nil {
		return nil, fmt.Errorf("sink %q: %w", s.Name, err)
	}
	k := &Sink{
		set: s, opt: opt, log: s.Logger, client: client, redact: redact.New(opt.token.Reveal()),
		layout:  newLayout(opt),
		pollMin: 500 * time.Millisecond,
		pollMax: 4 * time.Second,
	}
	k.packed, k.bodies = newPackedRenderer(k.layout), newBodies()
	if opt.ack {
		if k.channel, err = newChannel(); err != nil {
			return nil, fmt.Errorf("sink %q: creating ack channel: %w", s.Name, err)
		}
	}
	if opt.tls.InsecureSkipVerify {
		k.log.Warn("tls.insecure_skip_verify is set: the Splunk server's certificate is not verified",
			zap.String("url", opt.base))
	}
	return k, nil
}

// Close drops idle connections; it is idempotent.
func (s *Sink) Close(context.Context) error {
	s.closeOnce.Do(s.client.CloseIdleConnections)
	return nil
}
