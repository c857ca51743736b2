// The README's consumer example, run as it is written (brokers and CA file
// swapped for the test cluster's) with kcat against what the sink
// produced: one line per record with the key, the headers and the value.

package kafka

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/serfwd/serfwd/pkg/sink/kafka/kafkatest"
)

const readmePath = "../../../README.md"

// readmeKcat returns the shell command of the README's kcat example.
func readmeKcat(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)<!-- kcat example:[^>]*-->\n```sh\n(.*?)```").FindSubmatch(b)
	if m == nil {
		t.Fatalf("%s has no kcat example after its marker", readmePath)
	}
	return string(m[1])
}

// kcatOrSkip finds kcat, or skips the test (fails it when CI=true).
func kcatOrSkip(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("kcat"); err == nil {
		return
	}
	msg := "kcat not found; install it with .ci/peers.sh (as root)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + " (CI=true: failing instead of skipping)")
	}
	t.Skip(msg)
}

func TestReadmeKcatExampleReadsTheRecords(t *testing.T) {
	kcatOrSkip(t)
	const readerPassword = "reader Pw/4tG8+&=%41$"
	users := append(testUsers(testTopic), kafkatest.User{Mechanism: "SCRAM-SHA-512", Name: "siem-reader", Password: readerPassword,
		ACLs: []kfake.ACL{
			kafkatest.Allow(kmsg.ACLResourceTypeTopic, testTopic, kmsg.ACLOperationRead),
			kafkatest.Allow(kmsg.ACLResourceTypeTopic, testTopic, kmsg.ACLOperationDescribe)}})
	c := kafkatest.Start(t, kafkatest.Options{Topic: testTopic, Users: users})
	cfg := clusterConfig(c, "scram-sha-512")
	cfg.TLS.CertFile, cfg.TLS.KeyFile = "", ""
	h := newHarness(t, cfg, time.Minute)
	evs, want := testBatch(30, "eventId")
	if err := h.sink.Write(context.Background(), evs); err != nil {
		t.Fatalf("Write: %v", err)
	}

	script := readmeKcat(t)
	for old, new := range map[string]string{"kafka-1.example.com:9093": strings.Join(c.Addrs, ","), "/etc/kafka/ca.pem": c.PKI.CAFile} {
		if !strings.Contains(script, old) {
			t.Fatalf("the README's kcat example no longer names %s:\n%s", old, script)
		}
		script = strings.ReplaceAll(script, old, new)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", script)
	cmd.Env = append(os.Environ(), "KAFKA_PASSWORD="+readerPassword)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("the README's kcat example failed: %v\n%s", err, stderr.String())
	}

	var wantLines []string
	for id, r := range want {
		wantLines = append(wantLines, fmt.Sprintf("%s eventId=%s,eventType=%s,revision=%s,input=acme %s", r.key, id, r.eventType, r.revision, r.value))
	}
	got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	sort.Strings(got)
	sort.Strings(wantLines)
	if strings.Join(got, "\n") != strings.Join(wantLines, "\n") {
		t.Fatalf("kcat printed:\n%s\nwant (in any order):\n%s", strings.Join(got, "\n"), strings.Join(wantLines, "\n"))
	}
}
