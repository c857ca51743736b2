// End to end into Kafka: the built binary against the simulator and a kfake
// cluster in the test process (three brokers, TLS, SCRAM with a
// password_file, ACLs): `serfwd run` killed with SIGKILL at random moments
// and restarted loses nothing; check passes and fails as it should;
// validate names Kafka problems by path.

package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/serfwd/serfwd/pkg/serapi/sersim"
	"github.com/serfwd/serfwd/pkg/sink/kafka/kafkatest"
)

const (
	e2eKafkaTopic    = "proofpoint.ser.summary"
	e2eKafkaUser     = "serfwd"
	e2eKafkaPassword = "kafka Pw/e2e+never&printed=%41$" // $, space, /, +, &, =, %
)

// startKafka starts a cluster with the e2e user (SCRAM-SHA-512, the grants
// the README asks for) and writes its password file into dir.
func startKafka(t *testing.T, dir string) (c *kafkatest.Cluster, passwordFile string) {
	t.Helper()
	c = kafkatest.Start(t, kafkatest.Options{Topic: e2eKafkaTopic, Partitions: 3,
		Users: []kafkatest.User{kafkatest.Writer("SCRAM-SHA-512", e2eKafkaUser, e2eKafkaPassword, e2eKafkaTopic)}})
	passwordFile = filepath.Join(dir, "kafka.password")
	if err := os.WriteFile(passwordFile, []byte(e2eKafkaPassword+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return c, passwordFile
}

// kafkaSinkYAML is a kafka sink for c, reading the password from file.
func kafkaSinkYAML(c *kafkatest.Cluster, passwordFile, extra string) string {
	return fmt.Sprintf(`  - name: pipeline
    type: kafka
    brokers: [%s]
    topic: %s
    batch_max_events: 100
    batch_timeout: 100ms
    tls: {enabled: true, ca_file: %q}
    sasl: {mechanism: scram-sha-512, username: %s, password_file: %q}
%s`, strings.Join(c.Addrs, ", "), e2eKafkaTopic, c.PKI.CAFile, e2eKafkaUser, passwordFile, extra)
}

func TestE2EKafkaSurvivesSIGKILL(t *testing.T) {
	dir := t.TempDir()
	c, pwFile := startKafka(t, dir)
	e := newE2E(t, sersim.Options{Latency: 15 * time.Millisecond, RecordsPerWindow: 30}, 300, "    concurrency: 4\n",
		kafkaSinkYAML(c, pwFile, ""))
	produced := c.Kfake().Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Produce}, Observe: true, Count: -1})
	want := e.expected(e.end)
	kills := 0
	for range 8 {
		before := produced.Hits()
		daemon := exec.Command(serfwdBin, "run", "--config", e.cfg)
		var stderr strings.Builder
		daemon.Stderr = &stderr
		if err := daemon.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill it at a random moment once it has produced, while windows
		// are still being fetched, committed and delivered.
		waitFor(t, 90*time.Second, func() bool { return produced.Hits() > before })
		time.Sleep(time.Duration(rand.IntN(250)) * time.Millisecond)
		daemon.Process.Signal(syscall.SIGKILL)
		daemon.Wait()
		e.noSecret(stderr.String())
		noKafkaPassword(t, "the daemon's log", stderr.String())
		kills++
		if len(e.outputLines()) >= len(want) && kafkaHolds(c) >= len(want) {
			break // it finished before the kill: more kills prove nothing
		}
	}
	if kills < 3 {
		t.Fatalf("only %d kills landed before the backfill finished; slow the scenario down", kills)
	}
	if code, _, stderr := e.run("once"); code != exitOK {
		t.Fatalf("once after %d kills exited %d:\n%s", kills, code, tail(stderr, 30))
	}
	t.Logf("%d kills", kills)
	checkKafkaRecords(t, c.ReadAll(e2eKafkaTopic, time.Minute), e.expected(e.end), kills*100)
}

// kafkaHolds counts the records of the e2e topic.
func kafkaHolds(c *kafkatest.Cluster) int { return len(c.ReadAll(e2eKafkaTopic, time.Minute)) }

// checkKafkaRecords checks that the topic holds every expected event: the
// value byte for byte as the file sink's line, keyed by eventId, with the
// eventId, eventType, revision and input headers and windowStart as the
// timestamp; repeats (batches in flight at a kill) are identical records
// and at most maxRepeats.
func checkKafkaRecords(t *testing.T, recs []*kgo.Record, want []string, maxRepeats int) {
	t.Helper()
	wanted := map[string]bool{}
	for _, l := range want {
		wanted[l] = true
	}
	seen := map[string]int{}
	for _, r := range recs {
		v := string(r.Value)
		if !wanted[v] {
			t.Fatalf("an unexpected record: %.300s", v)
		}
		m := checkFields(t, v)
		hs := map[string]string{}
		for _, h := range r.Headers {
			hs[h.Key] = string(h.Value)
		}
		if string(r.Key) != m["eventId"] || hs["eventId"] != m["eventId"] || hs["eventType"] != m["eventType"] ||
			hs["revision"] != fmt.Sprint(m["revision"]) || hs["input"] != m["input"] || len(r.Headers) != 4 {
			t.Fatalf("record key %q headers %v do not match its event %.300s", r.Key, hs, v)
		}
		if ts := r.Timestamp.UTC().Format("2006-01-02T15:04:05.000Z"); ts != m["windowStart"] {
			t.Fatalf("record timestamp %s, want windowStart %s", ts, m["windowStart"])
		}
		seen[v]++
	}
	for _, l := range want {
		if seen[l] == 0 {
			t.Fatalf("an expected event is missing from Kafka: %.300s", l)
		}
	}
	if repeats := len(recs) - len(seen); repeats > maxRepeats {
		t.Fatalf("%d repeated records, more than the %d of the batches in flight", repeats, maxRepeats)
	} else {
		t.Logf("%d records, %d events, %d repeats", len(recs), len(seen), repeats)
	}
}

func noKafkaPassword(t *testing.T, where, text string) {
	t.Helper()
	for form, v := range encodings(e2eKafkaPassword) {
		if strings.Contains(text, v) {
			t.Fatalf("%s holds the Kafka password (%s): %s", where, form, excerpt(text, v))
		}
	}
}

func TestE2EKafkaCheckAndValidate(t *testing.T) {
	dir := t.TempDir()
	c, pwFile := startKafka(t, dir)
	e := newE2E(t, sersim.Options{RecordsPerWindow: 2}, 2, "", kafkaSinkYAML(c, pwFile, ""))
	code, stdout, stderr := e.run("check")
	if code != exitOK || !hasLine(stdout, "sink", "pipeline", "kafka+tls://", "OK", "topic exists") {
		t.Fatalf("check exited %d:\n%s\n%s", code, stdout, stderr)
	}
	noKafkaPassword(t, "check", stdout+stderr)

	if err := os.WriteFile(pwFile, []byte("not-"+e2eKafkaPassword+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = e.run("check")
	if code != exitFailure || !hasLine(stdout, "sink", "pipeline", "FAIL", "refused the credentials") {
		t.Fatalf("check with a wrong password exited %d:\n%s\n%s", code, stdout, stderr)
	}
	noKafkaPassword(t, "check", stdout+stderr)

	cfg, err := os.ReadFile(e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(cfg), "mechanism: scram-sha-512", "mechanism: scram", 1)
	bad = strings.Replace(bad, "topic: "+e2eKafkaTopic, "topic: \"ser events\"\n    acks: some", 1)
	if err := os.WriteFile(e.cfg, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = e.run("validate")
	for _, want := range []string{
		`sinks[1].topic: "ser events" may hold only letters, digits, '.', '_' and '-'`,
		`sinks[1].acks: "some" is not one of all, leader`,
		`sinks[1].sasl.mechanism: "scram" is not one of plain, scram-sha-256, scram-sha-512`,
	} {
		if code != exitUsage || !strings.Contains(stdout+stderr, want) {
			t.Fatalf("validate exited %d, want 2 and %q:\n%s%s", code, want, stdout, stderr)
		}
	}
}
