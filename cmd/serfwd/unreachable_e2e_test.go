// `once` against an API that fails: refusing connections, accepting them and
// never answering, answering 503. Each time it exits 1 within the bound with
// one line that says what happened, and nothing else on stderr but the
// per-sink summary; the attempts and their timing are what the test's own
// listeners saw, not serfwd's figures.

package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/serapi"
	"github.com/serfwd/serfwd/pkg/serapi/sersim"
	"github.com/serfwd/serfwd/pkg/testnet"
)

// onceGiveUpBound is how long `once` may take to give up on an API that
// fails (README, Operations).
const onceGiveUpBound = 60 * time.Second

// onceSafetyTimeout kills a `once` that hangs far past the bound, so that a
// regression fails the test instead of stalling the run.
const onceSafetyTimeout = 5 * time.Minute

// pointAPIAt rewrites e's config so that the input's token and report URLs
// go to addr instead of the simulator.
func pointAPIAt(t *testing.T, e *e2eEnv, addr string) {
	t.Helper()
	editConfig(t, e, e.sim.URL, "http://"+addr)
}

// editConfig replaces old with new in e's config file.
func editConfig(t *testing.T, e *e2eEnv, old, new string) {
	t.Helper()
	data, err := os.ReadFile(e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("the config lacks %q", old)
	}
	if err := os.WriteFile(e.cfg, []byte(strings.ReplaceAll(string(data), old, new)), 0o600); err != nil {
		t.Fatal(err)
	}
}

// onceFailing runs `once` at the default log level (info) under the safety
// timeout, and checks that it exits 1 with exactly one line on stderr that
// matches want (after the window and addr are filled in: WINDOW, ADDR)
// besides the sink's summary. It returns how long the run took by the
// test's clock.
func onceFailing(t *testing.T, e *e2eEnv, addr, want string) time.Duration {
	t.Helper()
	editConfig(t, e, "log: {level: debug, format: json}", "log: {level: info, format: json}")
	first := serapi.Window{Start: e.start, End: e.start.Add(time.Hour)}.String()
	want = strings.NewReplacer("WINDOW", regexp.QuoteMeta(first), "ADDR", regexp.QuoteMeta(addr)).Replace(want)
	re := regexp.MustCompile(`^serfwd once: input "acme", window ` + want + `$`)

	ctx, cancel := context.WithTimeout(context.Background(), onceSafetyTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, serfwdBin, "once", "--config", e.cfg)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	began := time.Now()
	err := cmd.Run()
	took := time.Since(began)
	if ctx.Err() != nil {
		t.Fatalf("once still ran after %s (killed): %v\n%s", onceSafetyTimeout, err, stderr.String())
	}
	e.noSecret(stderr.String())
	if code := cmd.ProcessState.ExitCode(); code != exitFailure {
		t.Fatalf("once exited %d, want 1:\n%s", code, stderr.String())
	}
	lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")
	summary := `serfwd once: sink "archive": 0 delivered, 0 still queued, 0 dead-lettered`
	if len(lines) != 2 || !re.MatchString(lines[0]) || lines[1] != summary {
		t.Fatalf("stderr, %d lines:\n%s\nwant exactly one line matching\n%s\nand the summary\n%s", len(lines), stderr.String(), re, summary)
	}
	return took
}

func TestE2EOnceGivesUpOnARefusingAPI(t *testing.T) {
	e := newE2E(t, sersim.Options{}, 2, "", "")
	addr := testnet.RefusingAddr(t)
	pointAPIAt(t, e, addr)
	took := onceFailing(t, e, addr, `WINDOW: requesting token: dial tcp ADDR: connect: connection refused on each of 5 attempts over \S+`)
	if took >= onceGiveUpBound {
		t.Errorf("once took %s by the test's clock, want less than %s", took, onceGiveUpBound)
	}
}

// An API that accepts connections and never answers costs one attempt of
// the default 30 s timeout: another would not end within the input's 60 s.
func TestE2EOnceGivesUpOnAHangingAPI(t *testing.T) {
	t.Parallel() // it waits out a whole timeout
	e := newE2E(t, sersim.Options{}, 2, "", "")
	hang := testnet.NewHang(t)
	pointAPIAt(t, e, hang.Addr())
	onceFailing(t, e, hang.Addr(), `WINDOW: requesting token: no answer from ADDR within 30s \(timeout\)`)
	conns := hang.Conns()
	if len(conns) != 1 {
		t.Fatalf("the listener saw %d connections, want 1", len(conns))
	}
	select {
	case <-conns[0].Closed:
	default:
		t.Fatal("serfwd exited without closing its connection")
	}
	// serfwd's timeout starts before the listener accepts (the connect and
	// the accept loop's wake-up fall inside it), so the listener sees a
	// little less than 30 s: a second's allowance, not a race with it.
	if waited := conns[0].ClosedAt.Sub(conns[0].Accepted); waited < 29*time.Second || waited >= onceGiveUpBound {
		t.Errorf("serfwd gave up on the connection after %s by the listener's clock, want its 30s timeout (less than %s)", waited, onceGiveUpBound)
	}
}

// A token endpoint that answers 503: five attempts, within the bound as
// the endpoint itself saw them.
func TestE2EOnceGivesUpOn503(t *testing.T) {
	e := newE2E(t, sersim.Options{}, 2, "", "")
	var mu sync.Mutex
	var seen []time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, time.Now())
		mu.Unlock()
		http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)
	addr := strings.TrimPrefix(srv.URL, "http://")
	pointAPIAt(t, e, addr)
	onceFailing(t, e, addr, `WINDOW: requesting token: HTTP 503 from ADDR on each of 5 attempts over \S+`)
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 5 {
		t.Fatalf("the endpoint saw %d requests, want 5", len(seen))
	}
	if span := seen[4].Sub(seen[0]); span >= onceGiveUpBound {
		t.Errorf("the endpoint saw the attempts over %s, want less than %s", span, onceGiveUpBound)
	}
}
