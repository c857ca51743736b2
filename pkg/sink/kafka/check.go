// check.go implements sink.Checker for `serfwd check`: a metadata request
// for the topic proves that a broker answers (over TLS and SASL when
// configured), that the topic exists with a leader for every partition and
// that the principal may write to it; with acks: all, obtaining a producer
// id proves the cluster's IdempotentWrite permission. No record is sent.

package kafka

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Check reports whether the topic can be written to. A connection refused
// for good (credentials, certificates) ends it at once, as it ends a Write.
func (s *Sink) Check(ctx context.Context) error {
	ctx, end := s.watch.start(ctx, s.timeout)
	defer end()
	err := s.check(ctx)
	if cause := context.Cause(ctx); err != nil && cause != nil && s.configProblem(cause) != nil {
		return s.checkError("connecting", cause)
	}
	return err
}

func (s *Sink) check(ctx context.Context) error {
	req := kmsg.NewPtrMetadataRequest()
	t := kmsg.NewMetadataRequestTopic()
	t.Topic = kmsg.StringPtr(s.topic)
	req.Topics = append(req.Topics, t)
	req.IncludeTopicAuthorizedOperations = true
	resp, err := req.RequestWith(ctx, s.cl)
	if err != nil {
		return s.checkError("metadata request", err)
	}
	if len(resp.Topics) != 1 {
		return fmt.Errorf("kafka: the metadata answer holds %d topics, want %q alone", len(resp.Topics), s.topic)
	}
	if err := s.checkTopic(&resp.Topics[0]); err != nil {
		return err
	}
	if !s.idempotent {
		return nil
	}
	if _, _, err := s.cl.ProducerID(ctx); err != nil {
		return s.checkError("obtaining an idempotent producer id", err)
	}
	return nil
}

// checkTopic checks the topic's part of the metadata answer.
func (s *Sink) checkTopic(t *kmsg.MetadataResponseTopic) error {
	if err := kerr.ErrorForCode(t.ErrorCode); err != nil {
		return s.checkError(fmt.Sprintf("topic %q", s.topic), err)
	}
	if len(t.Partitions) == 0 {
		return fmt.Errorf("kafka: topic %q has no partitions", s.topic)
	}
	for _, p := range t.Partitions {
		if p.Leader < 0 || kerr.ErrorForCode(p.ErrorCode) != nil {
			return fmt.Errorf("kafka: partition %d of topic %q has no leader (%v): events wait until it has one",
				p.Partition, s.topic, kerr.ErrorForCode(p.ErrorCode))
		}
	}
	const unknownOps = math.MinInt32 // the broker did not say
	if ops := t.AuthorizedOperations; ops != unknownOps {
		for _, op := range []kmsg.ACLOperation{kmsg.ACLOperationWrite, kmsg.ACLOperationDescribe} {
			if ops&(1<<op) == 0 {
				return s.checkError(fmt.Sprintf("topic %q", s.topic), fmt.Errorf("%s not allowed: %w", op, kerr.TopicAuthorizationFailed))
			}
		}
	}
	return nil
}

// checkError describes a failed step, with advice when only an operator can
// fix it.
func (s *Sink) checkError(step string, err error) error {
	if p := s.configProblem(err); p != nil {
		err = p
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("kafka %s: no broker answered in time (%w)", step, err)
	}
	return fmt.Errorf("kafka %s: %w", step, err)
}
