// The otlp sink: its constructor, the settings it works with, Write and
// WriteQueued, and the memory of how far a failed Write got.

package otlp

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/redact"
	"github.com/serfwd/serfwd/pkg/sink"
)

// Sink delivers events to one OTLP/HTTP logs receiver.
type Sink struct {
	set       sink.Settings
	opt       options
	log       *zap.Logger
	client    *http.Client
	redact    *redact.Redactor // the header values, kept out of what receivers answer
	origin    origin
	emptyLogs plog.Logs // a request without records: the size every request starts from
	progress  progress
	closeOnce sync.Once
}

// options are the settings the sink works with, resolved from a valid Config.
type options struct {
	url       string // the endpoint with /v1/logs
	json      bool
	gzip      bool
	headers   *map[string]config.Secret // a pointer: %v of an enclosing struct prints an address, not the values
	maxEvents int
	maxBytes  int
	tls       config.TLS
}

// Format prints the settings for every verb without the header values:
// fmt does not reach a Secret's own Format through unexported fields.
func (o options) Format(f fmt.State, _ rune) {
	var names []string
	for name := range o.headerMap() {
		names = append(names, name)
	}
	slices.Sort(names)
	fmt.Fprintf(f, "url=%s json=%t gzip=%t headers=%s (values redacted) batch_max_events=%d batch_max_bytes=%d tls.ca_file=%q insecure_skip_verify=%t",
		o.url, o.json, o.gzip, strings.Join(names, ","), o.maxEvents, o.maxBytes, o.tls.CAFile, o.tls.InsecureSkipVerify)
}

// Format prints the sink as its name and endpoint, for every verb.
func (s *Sink) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "otlp sink %q to %s", s.set.Name, s.opt.url)
}

// headerMap is the configured headers (none: an empty map).
func (o options) headerMap() map[string]config.Secret {
	if o.headers == nil {
		return nil
	}
	return *o.headers
}

// New builds an otlp sink from a valid config. It does not connect.
func New(s sink.Settings, c Config) (sink.Sink, error) {
	return newSink(s, c)
}

func newSink(s sink.Settings, c Config) (*Sink, error) {
	s = s.WithDefaults()
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("sink %q: %w", s.Name, err)
	}
	opt := options{url: c.logsURL(), json: c.Encoding == "json", gzip: c.Compression == "gzip", headers: &c.Headers,
		maxEvents: c.BatchMaxEvents, maxBytes: int(c.BatchMaxBytes), tls: c.TLS}
	client, err := newClient(opt.tls)
	if err != nil {
		return nil, fmt.Errorf("sink %q: %w", s.Name, err)
	}
	k := &Sink{set: s, opt: opt, log: s.Logger, client: client, redact: redact.New(headerSecrets(c.Headers)...),
		origin: origin{version: s.Version, host: s.Hostname}}
	k.emptyLogs, _ = k.origin.newLogs(0)
	if opt.tls.InsecureSkipVerify {
		k.log.Warn("tls.insecure_skip_verify is set: the OTLP receiver's certificate is not verified",
			zap.String("endpoint", sink.URLTarget(opt.url)))
	}
	return k, nil
}

// headerSecrets are the header values with their credential parts
// (redact.Credentials: the token after "Bearer ", a Basic header's
// user:password), since a receiver may echo any of them.
func headerSecrets(h map[string]config.Secret) []string {
	var out []string
	for _, v := range h {
		out = append(out, redact.Credentials(v.Reveal())...)
	}
	return out
}

// Write delivers events whose queueing time is not known: their
// observedTimeUnixNano is the time of this call.
func (s *Sink) Write(ctx context.Context, events []event.Event) error {
	now := time.Now()
	queued := make([]time.Time, len(events))
	for i := range queued {
		queued[i] = now
	}
	return s.WriteQueued(ctx, events, queued)
}

// WriteQueued delivers events (queued[i] is when events[i] was queued);
// it returns nil once every event was accepted by the receiver or written
// to the dead-letter file. A retry of the same batch after a failed Write
// skips the events that Write had delivered.
func (s *Sink) WriteQueued(ctx context.Context, events []event.Event, queued []time.Time) error {
	skip := s.progress.skip(events)
	done := skip
	for _, p := range s.parts(events[skip:], queued[min(skip, len(queued)):]) {
		if err := s.export(ctx, p); err != nil {
			s.progress.note(events, done)
			return err
		}
		done += len(p.events)
	}
	s.progress = progress{}
	return nil
}

// Close drops idle connections; it is idempotent.
func (s *Sink) Close(context.Context) error {
	s.closeOnce.Do(s.client.CloseIdleConnections)
	return nil
}

// progress remembers how many events at the head of a batch a failed Write
// had delivered (or dead-lettered), and which batch: the delivery loop
// retries the same batch, possibly with more events behind it. It lives in
// this process only: after a restart the whole batch is sent again.
type progress struct {
	first string // eventId#revision of the batch's first event
	sent  int
}

func batchKey(events []event.Event) string {
	if len(events) == 0 || events[0].ID() == "" {
		return ""
	}
	return events[0].ID() + "#" + strconv.FormatInt(events[0].Revision(), 10)
}

// note records that the first sent events of events need no sending.
func (p *progress) note(events []event.Event, sent int) {
	*p = progress{first: batchKey(events), sent: sent}
}

// skip is how many events at the head of events were already delivered.
func (p *progress) skip(events []event.Event) int {
	if p.sent == 0 || p.sent > len(events) || p.first == "" || batchKey(events) != p.first {
		return 0
	}
	return p.sent
}
