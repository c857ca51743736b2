// Package sinktest holds what the tests of the sink packages share: a
// recorder of the metrics a sink reports, the dead-letter file read back, a
// config's problems as lines, and local addresses where nothing listens.
// Only tests import it.
package sinktest

import (
	"bufio"
	"encoding/json"
	"errors"
	"net"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/serfwd/serfwd/pkg/config"
)

// Metrics records what a sink reports (sink.Metrics); safe for concurrent
// use.
type Metrics struct {
	mu        sync.Mutex
	dead      int
	truncated int
	problems  []error
}

// DeadLetter counts n dead letters.
func (m *Metrics) DeadLetter(_ string, n int) { m.mu.Lock(); m.dead += n; m.mu.Unlock() }

// Truncated counts n shortened messages.
func (m *Metrics) Truncated(_ string, n int) { m.mu.Lock(); m.truncated += n; m.mu.Unlock() }

// ConfigProblem records a configuration problem.
func (m *Metrics) ConfigProblem(_ string, err error) {
	m.mu.Lock()
	m.problems = append(m.problems, err)
	m.mu.Unlock()
}

// Counts returns the dead letters and configuration problems so far.
func (m *Metrics) Counts() (dead, problems int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.dead, len(m.problems)
}

// Dead is how many dead letters were counted.
func (m *Metrics) Dead() int { d, _ := m.Counts(); return d }

// ProblemCount is how many configuration problems were reported.
func (m *Metrics) ProblemCount() int { _, p := m.Counts(); return p }

// TruncatedCount is how many messages were shortened.
func (m *Metrics) TruncatedCount() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.truncated
}

// Letter is one line of a dead-letter file (SPEC §5).
type Letter struct {
	Time   string         `json:"time"`
	Sink   string         `json:"sink"`
	Code   any            `json:"code"` // a number for HEC codes and HTTP statuses, else a string
	Reason string         `json:"reason"`
	Event  map[string]any `json:"event"`
	Entry  string         `json:"entry"` // base64 of an unreadable queue entry
}

// ReadLetters reads the dead-letter file at path, failing on a line that is
// not JSON; a file that does not exist holds no letters.
func ReadLetters(t testing.TB, path string) []Letter {
	t.Helper()
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []Letter
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l Letter
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("dead-letter line is not JSON: %v\n%s", err, sc.Text())
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// Problems returns the problems of a Validate error as "path: problem"
// lines, paths relative to the config; nil for nil.
func Problems(err error) []string {
	if err == nil {
		return nil
	}
	return strings.Split(config.Within("", err).Error(), "\n")
}

// CheckProblems compares the problems of err (a Validate error) with want,
// exactly and in order, and fails when a problem shows one of secrets.
func CheckProblems(t testing.TB, err error, want []string, secrets ...string) {
	t.Helper()
	got := Problems(err)
	for _, s := range secrets {
		if err != nil && strings.Contains(err.Error(), s) {
			t.Errorf("a problem shows the secret %q: %v", s, err)
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n got %q\nwant %q", got, want)
	}
}

// ClosedTCPAddr is a local TCP address where nothing listens.
func ClosedTCPAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

// ClosedUDPAddr is a local UDP address where nothing listens.
func ClosedUDPAddr(t testing.TB) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	_ = pc.Close()
	return addr
}
