// The Kafka SASL passwords (inline and from password_file) never appear in
// what the binary prints or writes — through every command and through
// refusals that print errors — in any encoding, with debug logging on.

package main

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/serapi/sersim"
	"github.com/serfwd/serfwd/pkg/sink/kafka/kafkatest"
)

// The passwords of the two Kafka sinks: PLAIN inline, SCRAM from a file.
const (
	kafkaInlinePassword = "kafka inline/Pw+Q7z3#k&=%2F$" // $, space, /, +, &, =, %: encoded forms differ
	kafkaFilePassword   = "kafka file/Pw+W2x8&m=%3D$"
)

// kafkaSecretEnv is an e2e scenario with two Kafka sinks, one per way a
// password reaches serfwd.
type kafkaSecretEnv struct {
	*e2eEnv
	kafka  *kafkatest.Cluster
	pwFile string
	keep   map[string]bool // files that hold a password on purpose
}

func newKafkaSecretEnv(t *testing.T) *kafkaSecretEnv {
	t.Helper()
	c := kafkatest.Start(t, kafkatest.Options{Topic: e2eKafkaTopic, Users: []kafkatest.User{
		kafkatest.Writer("PLAIN", "inline-user", kafkaInlinePassword, e2eKafkaTopic),
		kafkatest.Writer("SCRAM-SHA-256", "file-user", kafkaFilePassword, e2eKafkaTopic)}})
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "kafka.password")
	if err := os.WriteFile(pwFile, []byte(kafkaFilePassword+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	brokers := strings.Join(c.Addrs, ", ")
	sinks := "  - name: inline\n    type: kafka\n    brokers: [" + brokers + "]\n    topic: " + e2eKafkaTopic +
		"\n    tls: {enabled: true, ca_file: " + strconv.Quote(c.PKI.CAFile) + "}\n" +
		"    sasl: {mechanism: plain, username: inline-user, password: " + strconv.Quote(kafkaInlinePassword) + "}\n" +
		"  - name: fromfile\n    type: kafka\n    brokers: [" + brokers + "]\n    topic: " + e2eKafkaTopic +
		"\n    tls: {enabled: true, ca_file: " + strconv.Quote(c.PKI.CAFile) + "}\n" +
		"    sasl: {mechanism: scram-sha-256, username: file-user, password_file: " + strconv.Quote(pwFile) + "}\n"
	e := newE2E(t, sersim.Options{RecordsPerWindow: 3}, 3, "", sinks)
	s := &kafkaSecretEnv{e2eEnv: e, kafka: c, pwFile: pwFile, keep: map[string]bool{e.cfg: true, pwFile: true}}
	s.edit("shutdown_timeout: 20s", "shutdown_timeout: 3s")
	return s
}

// edit replaces old with new in the config.
func (s *kafkaSecretEnv) edit(old, new string) {
	s.t.Helper()
	b, err := os.ReadFile(s.cfg)
	if err != nil {
		s.t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		s.t.Fatalf("the config lacks %q", old)
	}
	if err := os.WriteFile(s.cfg, []byte(strings.Replace(string(b), old, new, 1)), 0o600); err != nil {
		s.t.Fatal(err)
	}
}

// requireNoPassword fails if text holds either password in any form.
func (s *kafkaSecretEnv) requireNoPassword(where, text string) {
	s.t.Helper()
	for _, pw := range []string{kafkaInlinePassword, kafkaFilePassword} {
		for form, v := range encodings(pw) {
			if strings.Contains(text, v) {
				s.t.Fatalf("%s holds a Kafka password (%s): %s", where, form, excerpt(text, v))
			}
		}
	}
}

// command runs serfwd and checks its exit code and output.
func (s *kafkaSecretEnv) command(want int, args ...string) {
	s.t.Helper()
	code, stdout, stderr := s.run(args...)
	s.requireNoPassword("output of serfwd "+strings.Join(args, " "), stdout+stderr)
	if code != want {
		s.t.Fatalf("serfwd %s exited %d, want %d:\n%s%s", strings.Join(args, " "), code, want, stdout, tail(stderr, 30))
	}
}

// scanFiles checks every file the test's runs wrote.
func (s *kafkaSecretEnv) scanFiles() {
	s.t.Helper()
	err := filepath.WalkDir(s.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || s.keep[path] {
			return err
		}
		data, err := os.ReadFile(path)
		if err == nil {
			s.requireNoPassword(path, string(data))
		}
		return err
	})
	if err != nil {
		s.t.Fatal(err)
	}
}

func TestE2EKafkaPasswordsNeverShown(t *testing.T) {
	s := newKafkaSecretEnv(t)
	from, to := event.FormatTime(s.start), event.FormatTime(s.end)
	for _, step := range []struct {
		args []string
		want int
	}{
		{[]string{"validate"}, exitOK},
		{[]string{"check"}, exitOK},
		{[]string{"once"}, exitOK},
		{[]string{"checkpoint", "show"}, exitOK},
		{[]string{"checkpoint", "show", "--json"}, exitOK},
		{[]string{"backfill", "--input", "acme", "--from", from, "--to", to}, exitOK},
	} {
		s.command(step.want, step.args...)
	}
	if n := len(s.kafka.ReadAll(e2eKafkaTopic, time.Minute)); n < 2*len(s.expected(s.end)) {
		t.Fatalf("the topic holds %d records: the sinks did not deliver", n)
	}
	// The daemon, until it produced, stopped by SIGTERM.
	produced := s.kafka.Kfake().Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Produce}, Observe: true, Count: -1})
	s.command(exitOK, "checkpoint", "reset", "--all")
	daemon := exec.Command(serfwdBin, "run", "--config", s.cfg)
	var out strings.Builder
	daemon.Stdout, daemon.Stderr = &out, &out
	if err := daemon.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 60*time.Second, func() bool { return produced.Hits() > 0 })
	daemon.Process.Signal(syscall.SIGTERM)
	if err := daemon.Wait(); err != nil {
		t.Fatalf("run after SIGTERM: %v\n%s", err, tail(out.String(), 30))
	}
	s.requireNoPassword("output of serfwd run", out.String())
	s.scanFiles()
}

func TestE2EKafkaPasswordsNeverShownInErrors(t *testing.T) {
	cases := []struct {
		name     string
		old, new string
		args     []string
		want     int
	}{
		{"wrong inline password", kafkaInlinePassword, kafkaInlinePassword + "-wrong", []string{"once"}, exitFailure},
		{"wrong inline password (check)", kafkaInlinePassword, kafkaInlinePassword + "-wrong", []string{"check"}, exitFailure},
		{"unknown topic", "topic: " + e2eKafkaTopic, "topic: no.such.topic", []string{"once"}, exitFailure},
		{"bad values next to the passwords", "mechanism: plain,", "mechanism: plane, key: user, acks: 2,", []string{"validate"}, exitUsage},
		{"bad values next to the passwords (once)", "mechanism: scram-sha-256,", "mechanism: scram, compression: brotli,", []string{"once"}, exitUsage},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := newKafkaSecretEnv(t)
			s.edit(c.old, c.new)
			s.command(c.want, c.args...)
			s.scanFiles()
		})
	}
	// A wrong password in the file: the file itself holds it, the rest not.
	s := newKafkaSecretEnv(t)
	if err := os.WriteFile(s.pwFile, []byte(kafkaFilePassword+"x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s.command(exitFailure, "check")
	s.scanFiles()
}
