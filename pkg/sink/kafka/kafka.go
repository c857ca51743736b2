// The kafka sink, its constructor and the franz-go client options it
// builds from a valid Config.

package kafka

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"
	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/sink"
)

// deliveryTimeout bounds one Write: records not acknowledged by then fail
// (those in flight once their request is answered or times out), so that a
// cluster that is down turns into a retryable error for the delivery loop
// instead of records waiting inside the producer.
const deliveryTimeout = 30 * time.Second

// Sink delivers events to one Kafka topic.
type Sink struct {
	set        sink.Settings
	log        *zap.Logger
	cl         *kgo.Client
	watch      *connWatch // ends a Write early on a connection only an operator can fix
	topic      string
	key        string // eventId|applicationUserName|none
	maxRecord  int    // max_message_bytes: the largest record batch of one record
	idempotent bool   // acks: all
	timeout    time.Duration
	done       sink.Delivered
	closeOnce  sync.Once
}

// New builds a kafka sink from a valid config. It does not connect: the
// client dials the brokers on the first Write or Check.
func New(s sink.Settings, c Config) (sink.Sink, error) {
	return newSink(s, c, deliveryTimeout)
}

func newSink(s sink.Settings, c Config, timeout time.Duration) (*Sink, error) {
	s = s.WithDefaults()
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("sink %q: %w", s.Name, err)
	}
	watch := &connWatch{topic: c.Topic}
	opts, err := clientOptions(c, s, watch)
	if err != nil {
		return nil, fmt.Errorf("sink %q: %w", s.Name, err)
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("sink %q: building the kafka client: %w", s.Name, err)
	}
	k := &Sink{set: s, log: s.Logger, cl: cl, watch: watch, topic: c.Topic, key: c.Key,
		maxRecord: int(c.MaxMessageBytes), idempotent: c.Acks == "all", timeout: timeout}
	// SASL PLAIN without TLS is a config warning (Config.Warnings), printed
	// when the config is loaded.
	if c.TLS.Enabled && c.TLS.InsecureSkipVerify {
		k.log.Warn("tls.insecure_skip_verify is set: the Kafka brokers' certificates are not verified")
	}
	return k, nil
}

// clientOptions are the franz-go options of a valid config, with watch
// told of connections and SASL exchanges.
func clientOptions(c Config, s sink.Settings, watch *connWatch) ([]kgo.Opt, error) {
	opts := []kgo.Opt{
		kgo.SeedBrokers(c.Brokers...),
		kgo.ClientID(c.ClientID),
		kgo.SoftwareNameAndVersion("serfwd", softwareVersion(s.Version)),
		kgo.DefaultProduceTopic(c.Topic),
		kgo.ProducerBatchCompression(codec(c.Compression)),
		kgo.ProducerBatchMaxBytes(int32(c.MaxMessageBytes)),
		kgo.MaxBufferedRecords(c.BatchMaxEvents),
		kgo.MaxBufferedBytes(int(max(c.BatchMaxBytes, c.MaxMessageBytes))),
		kgo.WithLogger(zapLogger{s.Logger}),
		kgo.WithHooks(watch),
		// Learn a new leader or a new topic within a second, not five.
		kgo.MetadataMinAge(time.Second),
	}
	if c.Acks == "leader" {
		opts = append(opts, kgo.RequiredAcks(kgo.LeaderAck()), kgo.DisableIdempotentWrite())
	} else {
		// A Write must end even when a request is in flight to a broker
		// that went away: its records then fail and the delivery loop
		// sends them again (at least once; the same eventIds).
		opts = append(opts, kgo.RequiredAcks(kgo.AllISRAcks()), kgo.AllowIdempotentProduceCancellation())
	}
	if c.TLS.Enabled {
		tc, err := c.TLS.ClientConfig()
		if err != nil {
			return nil, err
		}
		opts = append(opts, kgo.DialTLSConfig(tc))
	}
	if m := mechanism(c.SASL); m != nil {
		opts = append(opts, kgo.SASL(watchedMechanism{Mechanism: m, w: watch}))
	}
	return opts, nil
}

// codec maps the compression key to franz-go's codec.
func codec(name string) kgo.CompressionCodec {
	switch name {
	case "gzip":
		return kgo.GzipCompression()
	case "snappy":
		return kgo.SnappyCompression()
	case "lz4":
		return kgo.Lz4Compression()
	case "zstd":
		return kgo.ZstdCompression()
	}
	return kgo.NoCompression()
}

// mechanism is the SASL mechanism of the sasl block; nil without one.
func mechanism(s SASL) sasl.Mechanism {
	switch s.Mechanism {
	case "plain":
		return plain.Auth{User: s.Username, Pass: s.Password.Reveal()}.AsMechanism()
	case "scram-sha-256":
		return scram.Auth{User: s.Username, Pass: s.Password.Reveal()}.AsSha256Mechanism()
	case "scram-sha-512":
		return scram.Auth{User: s.Username, Pass: s.Password.Reveal()}.AsSha512Mechanism()
	}
	return nil
}

// softwareVersion is serfwd's version as Kafka accepts it in ApiVersions
// (letters, digits, '.', '-'); "dev" when unknown.
func softwareVersion(v string) string {
	out := make([]byte, 0, len(v))
	for _, c := range []byte(v) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' {
			out = append(out, c)
		}
	}
	if v := strings.Trim(string(out), ".-"); v != "" {
		return v
	}
	return "dev"
}

// Close fails whatever the producer still holds (nothing between Writes)
// and closes the connections; it is idempotent.
func (s *Sink) Close(context.Context) error {
	s.closeOnce.Do(s.cl.Close)
	return nil
}
