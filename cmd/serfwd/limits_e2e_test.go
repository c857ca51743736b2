// limits_e2e_test.go drives the binary against a SER API whose answers pass
// SPEC §1's limits (an endless string, endless nesting, a record of
// megabytes): the window fails with an error naming the limit, the cursor
// and the queues stay as they were, and the process stays small.

package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// hostileBody writes head, then chunk repeated until the client stops
// reading or total bytes were sent, then tail.
type hostileBody struct {
	head, chunk string
	total       int
	tail        string
}

func (h hostileBody) serve(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, h.head)
	for sent := len(h.head); sent < h.total; sent += len(h.chunk) {
		if _, err := io.WriteString(w, h.chunk); err != nil {
			return // the client gave up: what the limit is for
		}
	}
	io.WriteString(w, h.tail)
}

func TestE2EAnswersPastTheLimitsFailTheWindow(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test: skipped with -short")
	}
	const total = 200 << 20 // far more than serfwd may ever hold
	tests := []struct {
		name string
		body hostileBody
		want string // on stderr; "" for an answer that is fine
	}{
		{"endless string", hostileBody{`{"applicationUsers":[{"applicationName":"`, strings.Repeat("a", 64<<10), total, ""},
			"applicationUsers[0]: a JSON string or number longer than the limit of 64 KiB"},
		{"endless nesting", hostileBody{`{"applicationUsers":[{"x":`, strings.Repeat("[", 64<<10), total, ""},
			"applicationUsers[0]: JSON nested deeper than the limit of 64 levels"},
		{"endless record", hostileBody{`{"applicationUsers":[{"x":[`, `"` + strings.Repeat("r", 1000) + `",`, total, ""},
			"applicationUsers[0]: a record larger than the limit of 1 MiB"},
		// An unknown key of the answer may be of any size: it is skipped
		// as it streams by, in bounded memory.
		{"huge unknown key of the answer", hostileBody{`{"debug":[`, strings.Repeat("[1,2,3],", 8<<10), 100 << 20, `0],"applicationUsers":[]}`}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasSuffix(r.URL.Path, "/token") {
					fmt.Fprint(w, `{"access_token":"t","token_type":"Bearer","expires_in":43200}`)
					return
				}
				tc.body.serve(w)
			}))
			defer api.Close()
			e := limitsEnv(t, api.URL)
			cmd := exec.Command(serfwdBin, "once", "--config", e.cfg)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			hwm := watchPeakRSS(cmd.Process.Pid)
			err := cmd.Wait()
			switch rss := hwm(); {
			case rss > 64<<10:
				t.Fatalf("peak RSS %d KiB, more than 64 MiB", rss)
			case rss == 0 && runtime.GOOS == "linux":
				t.Fatal("the child's peak RSS could not be read from /proc")
			}
			if tc.want == "" {
				if err != nil {
					t.Fatalf("once: %v:\n%.2000s", err, stderr.String())
				}
				if v := inspectState(t, filepath.Join(e.dir, "state.db")); v.cursor.IsZero() {
					t.Fatal("the window was not committed")
				}
				return
			}
			if cmd.ProcessState.ExitCode() != exitFailure {
				t.Fatalf("once: %v, want exit 1:\n%.2000s", err, stderr.String())
			}
			if !strings.Contains(stderr.String(), tc.want) {
				t.Fatalf("stderr does not name the limit (%q):\n%.2000s", tc.want, stderr.String())
			}
			if len(stderr.String()) > 64<<10 {
				t.Fatalf("%d bytes on stderr: the body was quoted at length", len(stderr.String()))
			}
			if _, err := os.Stat(e.out); err == nil {
				t.Fatalf("a sink received events of a window that failed: %q", e.outputLines())
			}
			if v := inspectState(t, filepath.Join(e.dir, "state.db")); !v.cursor.IsZero() || v.staged != 0 {
				t.Fatalf("the state file moved the cursor to %s or kept %d staged batches", v.cursor, v.staged)
			}
		})
	}
}

// limitsEnv writes a config whose one input reads one window from api.
func limitsEnv(t *testing.T, api string) *e2eEnv {
	end, delay := stableEnd()
	dir := t.TempDir()
	e := &e2eEnv{t: t, dir: dir, out: filepath.Join(dir, "events.ndjson"), cfg: filepath.Join(dir, "serfwd.yaml")}
	yaml := fmt.Sprintf(`state_path: %s/state.db
inputs:
  - name: acme
    token_url: %s/v1/token
    api_url: %s
    client_id: id
    client_secret_file: %s/secret
    start: %s
    delay: %s
    timeout: 10m
    revisit: 0s
sinks:
  - {name: archive, type: file, path: %s}
`, dir, api, api, dir, end.Add(-time.Hour).Format("2006-01-02T15:04:05.000Z"), delay, e.out)
	if err := os.WriteFile(e.cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "secret"), []byte("s3cr3t\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return e
}

// watchPeakRSS follows the VmHWM of process pid (its own peak resident set
// since it began: unlike the rusage of a child, it does not include the
// parent's memory at the fork) until the returned function is called, and
// returns the last value read, in KiB.
func watchPeakRSS(pid int) func() int64 {
	var last atomic.Int64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		status := fmt.Sprintf("/proc/%d/status", pid)
		for {
			if data, err := os.ReadFile(status); err == nil {
				for _, l := range strings.Split(string(data), "\n") {
					if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmHWM:" {
						if kb, err := strconv.ParseInt(f[1], 10, 64); err == nil {
							last.Store(kb)
						}
					}
				}
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	return func() int64 {
		close(done)
		<-stopped
		return last.Load()
	}
}
