// Configuration problems against a real cluster: an unknown topic, a wrong
// password, missing ACLs and TLS that does not verify are reported as such,
// returned as sink.Permanent, and the data stays queued in the state file
// while the delivery loop retries; once the cause is fixed it is delivered.

package kafka

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/sink"
	"github.com/serfwd/serfwd/pkg/sink/kafka/kafkatest"
)

// problemCluster has the test users, each also granted every topic named
// t.…, and a user without any grant.
func problemCluster(t *testing.T) *kafkatest.Cluster {
	t.Helper()
	users := testUsers(testTopic)
	for i := range users {
		for _, op := range []kmsg.ACLOperation{kmsg.ACLOperationWrite, kmsg.ACLOperationDescribe} {
			users[i].ACLs = append(users[i].ACLs, kfake.ACL{Resource: kmsg.ACLResourceTypeTopic, Name: "t.",
				Pattern: kmsg.ACLResourcePatternTypePrefixed, Operation: op, Allow: true})
		}
	}
	users = append(users, kafkatest.User{Mechanism: "SCRAM-SHA-256", Name: "nobody", Password: "nobody-Pw-1"},
		kafkatest.User{Mechanism: "SCRAM-SHA-256", Name: "describer", Password: "describer-Pw-1", ACLs: []kfake.ACL{
			kafkatest.Allow(kmsg.ACLResourceTypeTopic, testTopic, kmsg.ACLOperationDescribe),
			kafkatest.Allow(kmsg.ACLResourceTypeCluster, "kafka-cluster", kmsg.ACLOperationIdempotentWrite)}})
	return kafkatest.Start(t, kafkatest.Options{Topic: testTopic, Users: users, ClientCert: true})
}

func TestConfigProblemsKeepTheDataQueued(t *testing.T) {
	c := problemCluster(t)
	cases := []struct {
		name   string
		change func(*Config)
		want   string // in the error
	}{
		{"unknown topic", func(cfg *Config) { cfg.Topic = "t.missing" }, `topic "t.missing" does not exist`},
		{"wrong password", func(cfg *Config) { cfg.SASL.Password = "not-the-Pw" }, "refused the credentials"},
		{"wrong mechanism for the user", func(cfg *Config) { cfg.SASL.Mechanism = "scram-sha-512" }, "refused the credentials"},
		{"no grant at all", func(cfg *Config) {
			cfg.SASL = SASL{Mechanism: "scram-sha-256", Username: "nobody", Password: "nobody-Pw-1"}
		}, "grant this principal Write and Describe"},
		{"describe but no write", func(cfg *Config) {
			cfg.SASL = SASL{Mechanism: "scram-sha-256", Username: "describer", Password: "describer-Pw-1"}
		}, "grant this principal Write and Describe"},
		{"unknown CA", func(cfg *Config) { cfg.TLS.CAFile = c.PKI.OtherCAFile }, "certificate does not verify"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if testing.Short() && tc.name == "unknown topic" {
				t.Skip("the producer asks for the topic several times: skipped with -short")
			}
			t.Parallel()
			cfg := clusterConfig(c, "scram-sha-256")
			tc.change(&cfg)
			h := newHarness(t, cfg, time.Minute)
			evs := mkEvents(0, 25)
			err := h.sink.Write(context.Background(), evs)
			if !sink.IsPermanent(err) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Write: %v\nwant a permanent error saying %q", err, tc.want)
			}
			if strings.Contains(err.Error(), string(cfg.SASL.Password)) {
				t.Fatalf("the error shows the password: %v", err)
			}
			if h.metrics.ProblemCount() != 1 {
				t.Fatalf("%d configuration problems reported, want 1", h.metrics.ProblemCount())
			}
			requireStaysQueued(t, h.sink, evs)
		})
	}
}

// requireStaysQueued runs a delivery loop over evs until the sink failed
// twice, and checks that every event is still queued.
func requireStaysQueued(t *testing.T, s sink.Sink, evs []event.Event) {
	t.Helper()
	rig := newLoopRig(t, evs, 10)
	ctx, cancel := context.WithCancel(context.Background())
	done := rig.run(ctx, t, s, 100, nil)
	rig.waitUntil(t, "two failed Writes", func(_, failed int) bool { return failed >= 2 })
	cancel()
	<-done
	if n := rig.queued(t); n != int64(len(evs)) {
		t.Fatalf("%d events queued after the refusals, want all %d", n, len(evs))
	}
}

// TestUnknownTopicDeliversOnceCreated: the data waits in the queue until the
// topic exists, then arrives, each event once.
func TestUnknownTopicDeliversOnceCreated(t *testing.T) {
	c := problemCluster(t)
	cfg := clusterConfig(c, "plain")
	cfg.Topic = "t.later"
	h := newHarness(t, cfg, 20*time.Second)
	evs := mkEvents(0, 30)
	rig := newLoopRig(t, evs, 10)
	stop := make(chan struct{})
	done := rig.run(context.Background(), t, h.sink, 100, stop)
	rig.waitUntil(t, "a failed Write", func(_, failed int) bool { return failed >= 1 })
	if n := rig.queued(t); n != 30 {
		t.Fatalf("%d events queued while the topic is missing, want 30", n)
	}
	if err := c.Kfake().CreateTopic("t.later", 3, nil); err != nil {
		t.Fatal(err)
	}
	close(stop)
	if err := <-done; err != nil {
		t.Fatalf("the loop ended with %v", err)
	}
	recs := byID(t, c.ReadAll("t.later", time.Minute))
	for i := range evs {
		if r := recs[evs[i].ID()]; r == nil || string(r.Value) != wantValue(i) {
			t.Fatalf("event %d: got %v, want value %s", i, r, wantValue(i))
		}
	}
	if len(recs) != len(evs) {
		t.Fatalf("%d records, want %d", len(recs), len(evs))
	}
}

// TestMutualTLSWithoutClientCertificate: a cluster that requires a client
// certificate refuses a sink without one; that is a configuration problem.
func TestMutualTLSWithoutClientCertificate(t *testing.T) {
	c := startCluster(t)
	cfg := clusterConfig(c, "scram-sha-512")
	cfg.TLS.TLS = config.TLS{CAFile: c.PKI.CAFile}
	h := newHarness(t, cfg, 20*time.Second)
	err := h.sink.Write(context.Background(), mkEvents(0, 3))
	if !sink.IsPermanent(err) || !strings.Contains(err.Error(), "tls.cert_file") {
		t.Fatalf("Write without a client certificate: %v, want a configuration problem naming tls.cert_file", err)
	}
}

// refuseTimestamps makes every broker of c answer produce requests with
// INVALID_TIMESTAMP while refusing is set, as a topic whose
// message.timestamp.before.max.ms is shorter than the records' age does.
func refuseTimestamps(c *kafkatest.Cluster, refusing *atomic.Bool) {
	kc := c.Kfake()
	kc.ControlKey(int16(kmsg.Produce), func(kreq kmsg.Request) (kmsg.Response, error, bool) {
		kc.KeepControl()
		if !refusing.Load() {
			return nil, nil, false
		}
		req := kreq.(*kmsg.ProduceRequest)
		resp := req.ResponseKind().(*kmsg.ProduceResponse)
		for _, rt := range req.Topics {
			st := kmsg.NewProduceResponseTopic()
			st.Topic, st.TopicID = rt.Topic, rt.TopicID
			for _, rp := range rt.Partitions {
				sp := kmsg.NewProduceResponseTopicPartition()
				sp.Partition, sp.ErrorCode = rp.Partition, kerr.InvalidTimestamp.Code
				st.Partitions = append(st.Partitions, sp)
			}
			resp.Topics = append(resp.Topics, st)
		}
		return resp, nil, true
	})
}

// TestRefusedTimestampsAreAConfigurationProblem: a topic that refuses old
// record timestamps (a backfilled window's windowStart) is reported with
// what to change on the topic, the data stays queued, and once the topic
// accepts them every event arrives.
func TestRefusedTimestampsAreAConfigurationProblem(t *testing.T) {
	c := startCluster(t)
	var refusing atomic.Bool
	refusing.Store(true)
	refuseTimestamps(c, &refusing)
	h := newHarness(t, clusterConfig(c, "scram-sha-256"), time.Minute)
	evs := mkEvents(0, 30)
	err := h.sink.Write(context.Background(), evs)
	if !sink.IsPermanent(err) || !strings.Contains(err.Error(), "message.timestamp.before.max.ms") ||
		!strings.Contains(err.Error(), "message.timestamp.type=LogAppendTime") {
		t.Fatalf("Write: %v\nwant a permanent error with the topic settings to change", err)
	}
	if n := h.metrics.ProblemCount(); n != 1 {
		t.Fatalf("%d configuration problems reported, want 1", n)
	}
	rig := newLoopRig(t, evs, 10)
	stop := make(chan struct{})
	done := rig.run(context.Background(), t, h.sink, 100, stop)
	rig.waitUntil(t, "a failed Write", func(_, failed int) bool { return failed >= 1 })
	if n := rig.queued(t); n != 30 {
		t.Fatalf("%d events queued while the topic refuses them, want 30", n)
	}
	refusing.Store(false)
	close(stop)
	if err := <-done; err != nil {
		t.Fatalf("the loop ended with %v", err)
	}
	recs := byID(t, c.ReadAll(testTopic, time.Minute))
	for i := range evs {
		if r := recs[evs[i].ID()]; r == nil || string(r.Value) != wantValue(i) {
			t.Fatalf("event %d: got %v, want value %s", i, r, wantValue(i))
		}
	}
}
