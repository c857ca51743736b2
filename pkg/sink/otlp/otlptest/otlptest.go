// Package otlptest starts the OpenTelemetry Collector's own OTLP receiver
// (go.opentelemetry.io/collector/receiver/otlpreceiver, HTTP only) inside a
// test, as an independent server implementation for the otlp sink's tests
// and the end-to-end tests, with a consumer that records every request it
// was given and the headers it came with.
package otlptest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"syscall"
	"testing"

	"go.opentelemetry.io/collector/client"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configgrpc"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configtls"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/collector/receiver/otlpreceiver"
	"go.opentelemetry.io/collector/receiver/receivertest"
)

// Options configure the receiver.
type Options struct {
	// CertFile and KeyFile turn TLS on; ClientCAFile then requires a
	// client certificate signed by that CA.
	CertFile, KeyFile, ClientCAFile string
	// MaxTLSVersion caps the TLS version ("1.2"); "" is the default (1.3).
	MaxTLSVersion string
	// Refuse, when set, is asked before each request is consumed; an error
	// it returns is the consumer's answer (consumererror.NewPermanent for a
	// 400, any other error for a 503), and the request is not recorded.
	Refuse func() error
	// Journal, when set, receives every consumed request as one JSON
	// value in the flat form of package journal, before the receiver answers.
	Journal *json.Encoder
}

// Request is one export request the receiver consumed.
type Request struct {
	Logs    plog.Logs
	Headers map[string][]string // as the receiver saw them, keys in lower case
}

// Collector is a running receiver.
type Collector struct {
	URL string // http(s)://127.0.0.1:port, the sink's endpoint

	opts     Options
	mu       sync.Mutex
	requests []Request
}

// Start starts a receiver on a free loopback port and stops it when the
// test ends.
func Start(t testing.TB, o Options) *Collector {
	t.Helper()
	c, stop, err := Run(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return c
}

// Run starts a receiver on a free loopback port; stop shuts it down.
func Run(o Options) (c *Collector, stop func(), err error) {
	c = &Collector{opts: o}
	next, err := consumer.NewLogs(c.consume)
	if err != nil {
		return nil, nil, err
	}
	f := otlpreceiver.NewFactory()
	// The receiver does not tell which port it bound, so a free one is
	// picked first; another process may take it in between: try again.
	for attempt := 1; ; attempt++ {
		addr, err := freeAddr()
		if err != nil {
			return nil, nil, err
		}
		rcv, err := f.CreateLogs(context.Background(), receivertest.NewNopSettings(f.Type()), c.config(f, addr), next)
		if err != nil {
			return nil, nil, err
		}
		err = rcv.Start(context.Background(), componenttest.NewNopHost())
		if err == nil {
			c.URL = "http://" + addr
			if o.CertFile != "" {
				c.URL = "https://" + addr
			}
			return c, func() { _ = rcv.Shutdown(context.Background()) }, nil
		}
		_ = rcv.Shutdown(context.Background())
		if !errors.Is(err, syscall.EADDRINUSE) || attempt == 5 {
			return nil, nil, fmt.Errorf("starting the OTLP receiver on %s: %w", addr, err)
		}
	}
}

// config is the receiver's config: HTTP on addr only, metadata passed to
// the consumer, TLS when asked.
func (c *Collector) config(f receiver.Factory, addr string) *otlpreceiver.Config {
	cfg := f.CreateDefaultConfig().(*otlpreceiver.Config)
	cfg.Protocols.GRPC = configoptional.None[configgrpc.ServerConfig]()
	h := cfg.Protocols.HTTP.GetOrInsertDefault()
	h.ServerConfig.NetAddr.Endpoint = addr
	h.ServerConfig.IncludeMetadata = true
	if c.opts.CertFile != "" {
		tc := configtls.NewDefaultServerConfig()
		tc.CertFile, tc.KeyFile, tc.ClientCAFile = c.opts.CertFile, c.opts.KeyFile, c.opts.ClientCAFile
		tc.MaxVersion = c.opts.MaxTLSVersion
		h.ServerConfig.TLS = configoptional.Some(tc)
	}
	return cfg
}

func (c *Collector) consume(ctx context.Context, ld plog.Logs) error {
	if c.opts.Refuse != nil {
		if err := c.opts.Refuse(); err != nil {
			return err
		}
	}
	headers := map[string][]string{}
	md := client.FromContext(ctx).Metadata
	for k := range md.Keys() {
		headers[strings.ToLower(k)] = md.Get(k)
	}
	cp := plog.NewLogs()
	ld.CopyTo(cp)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.requests = append(c.requests, Request{Logs: cp, Headers: headers})
	if c.opts.Journal != nil {
		return c.opts.Journal.Encode(Flatten(Request{Logs: cp, Headers: headers}))
	}
	return nil
}

// Requests returns the requests consumed so far, in order.
func (c *Collector) Requests() []Request {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Request(nil), c.requests...)
}

// Records returns every log record consumed so far, in order.
func (c *Collector) Records() []plog.LogRecord {
	var out []plog.LogRecord
	for _, r := range c.Requests() {
		for _, rl := range r.Logs.ResourceLogs().All() {
			for _, sl := range rl.ScopeLogs().All() {
				for _, lr := range sl.LogRecords().All() {
					out = append(out, lr)
				}
			}
		}
	}
	return out
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}
