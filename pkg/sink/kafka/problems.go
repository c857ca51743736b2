// Which failures only an operator can fix (SPEC §5: unknown topic,
// authentication, authorization, and a topic that refuses the records'
// timestamps or shapes), with the advice that goes with each; every other
// failure is retried by the delivery loop.

package kafka

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/twmb/franz-go/pkg/kerr"
)

// configProblem returns err with advice when it is a refusal that needs an
// operator, and nil when retrying may help.
func (s *Sink) configProblem(err error) error {
	if hint := adviceFor(err, s.topic); hint != "" {
		return fmt.Errorf("%w: %s", err, hint)
	}
	return nil
}

// adviceFor says what the operator should do about err, or "" when err is
// not a configuration problem.
func adviceFor(err error, topic string) string {
	switch {
	case errors.Is(err, kerr.UnknownTopicOrPartition), errors.Is(err, kerr.UnknownTopicID):
		return fmt.Sprintf("topic %q does not exist: create it (serfwd does not create topics)", topic)
	case errors.Is(err, kerr.TopicAuthorizationFailed):
		return fmt.Sprintf("grant this principal Write and Describe on topic %q", topic)
	case errors.Is(err, kerr.ClusterAuthorizationFailed):
		return "grant this principal IdempotentWrite on the cluster (or set acks: leader, which turns idempotence off)"
	case errors.Is(err, kerr.SaslAuthenticationFailed):
		return "the brokers refused the credentials: check sasl.username, the password and sasl.mechanism"
	case errors.Is(err, kerr.UnsupportedSaslMechanism), errors.Is(err, kerr.IllegalSaslState):
		return "the brokers do not accept this sasl.mechanism on this listener"
	case errors.Is(err, kerr.MessageTooLarge), errors.Is(err, kerr.RecordListTooLarge):
		return "the topic's max.message.bytes is lower than max_message_bytes: lower max_message_bytes to it"
	case errors.Is(err, kerr.InvalidTimestamp):
		// A record's timestamp is its windowStart: backfilled and revisited
		// windows are old, and a topic bounding how old a CreateTime may be
		// refuses them every time.
		return fmt.Sprintf("topic %q refuses the records' timestamps (windowStart, old for backfilled or revisited windows): "+
			"raise message.timestamp.before.max.ms (message.timestamp.difference.max.ms before Kafka 3.6) or set message.timestamp.type=LogAppendTime", topic)
	case errors.Is(err, kerr.InvalidRecord):
		return "the topic refuses the records as they are (a compacted topic needs key: eventId)"
	case errors.Is(err, kerr.PolicyViolation), errors.Is(err, kerr.InvalidRequiredAcks):
		return "the brokers' policy refuses these records"
	}
	return tlsAdvice(err)
}

// tlsAdvice covers TLS failures that retrying cannot fix.
func tlsAdvice(err error) string {
	var (
		remote   *net.OpError
		verify   *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		alert    tls.AlertError
		header   tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &verify), errors.As(err, &unknown), errors.As(err, &hostname), errors.As(err, &invalid):
		return "the broker's certificate does not verify: set tls.ca_file to the CA that signed it, or fix the broker address"
	case errors.As(err, &alert), errors.As(err, &remote) && remote.Op == "remote error" && strings.HasPrefix(remote.Err.Error(), "tls: "):
		return "the broker ended the TLS handshake: check tls.cert_file and tls.key_file (mutual TLS)"
	case errors.As(err, &header):
		return "the broker does not speak TLS on this port: use its TLS listener, or set tls.enabled: false"
	}
	return ""
}
