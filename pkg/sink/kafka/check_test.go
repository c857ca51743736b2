// Check against a real cluster: it passes for a writable topic and fails,
// with advice and without the password, for every refusal Write reports as
// a configuration problem, for a partition without a leader and for
// brokers that do not answer; it sends no record.

package kafka

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/sink/sinktest"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
)

func TestCheck(t *testing.T) {
	c := problemCluster(t)
	closed := sinktest.ClosedTCPAddr(t)
	cases := []struct {
		name   string
		change func(*Config)
		want   string // "" = passes
	}{
		{"writable topic", func(*Config) {}, ""},
		{"acks leader, plain", func(cfg *Config) { cfg.Acks, cfg.SASL.Mechanism, cfg.SASL.Username = "leader", "plain", "plain-user" }, ""},
		{"unknown topic", func(cfg *Config) { cfg.Topic = "t.missing" }, `topic "t.missing" does not exist`},
		{"wrong password", func(cfg *Config) { cfg.SASL.Password = "not-the-Pw" }, "refused the credentials"},
		{"no grant", func(cfg *Config) {
			cfg.SASL = SASL{Mechanism: "scram-sha-256", Username: "nobody", Password: "nobody-Pw-1"}
		}, "grant this principal Write and Describe"},
		{"describe but no write", func(cfg *Config) {
			cfg.SASL = SASL{Mechanism: "scram-sha-256", Username: "describer", Password: "describer-Pw-1"}
		}, "grant this principal Write and Describe"},
		{"unknown CA", func(cfg *Config) { cfg.TLS.CAFile = c.PKI.OtherCAFile }, "certificate does not verify"},
		{"no broker listening", func(cfg *Config) { cfg.Brokers = []string{closed} }, "kafka metadata request"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := clusterConfig(c, "scram-sha-256")
			tc.change(&cfg)
			if cfg.SASL.Mechanism == "plain" {
				cfg.SASL.Password = "plain-Pw-7fQ2#x"
			}
			h := newHarness(t, cfg, 5*time.Second)
			err := h.sink.Check(context.Background())
			t.Logf("Check: %v", err)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("Check: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("Check: %v, want an error saying %q", err, tc.want)
			case err != nil && strings.Contains(err.Error(), string(cfg.SASL.Password)):
				t.Fatalf("Check shows the password: %v", err)
			}
		})
	}
	if recs := c.ReadAll(testTopic, time.Minute); len(recs) != 0 {
		t.Fatalf("Check produced %d records", len(recs))
	}
}

func TestCheckFailsWithoutALeader(t *testing.T) {
	c := startCluster(t)
	c.Kfake().Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Metadata}, Topic: testTopic, Partitions: []int32{2},
		Err: kerr.LeaderNotAvailable, Count: -1})
	h := newHarness(t, clusterConfig(c, "scram-sha-512"), 5*time.Second)
	if err := h.sink.Check(context.Background()); err == nil || !strings.Contains(err.Error(), "partition 2") {
		t.Fatalf("Check with partition 2 leaderless: %v", err)
	}
}
