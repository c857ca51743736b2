// `serfwd simulate`: it serves the API, rejects bad flags and reports an
// address in use.

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// simOutput is a goroutine-safe buffer for a command's stderr.
type simOutput struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (o *simOutput) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Write(p)
}

func (o *simOutput) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

var simURLPattern = regexp.MustCompile(`"url": "(http://127\.0\.0\.1:\d+)"`)

// startSimulate runs `serfwd simulate args...` in-process and returns its
// base URL, its stderr, and a function that stops it and returns its exit
// status.
func startSimulate(t *testing.T, args ...string) (string, *simOutput, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stderr := &simOutput{}
	done := make(chan int, 1)
	go func() {
		done <- dispatch(ctx, stdio{Stdout: io.Discard, Stderr: stderr}, append([]string{"simulate"}, args...))
	}()
	var once sync.Once
	code := -1
	stop := func() int {
		once.Do(func() { cancel(); code = <-done })
		return code
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := simURLPattern.FindStringSubmatch(stderr.String()); m != nil {
			t.Cleanup(func() { stop() })
			return m[1], stderr, stop
		}
		select {
		case code := <-done:
			t.Fatalf("simulate exited with %d: %s", code, stderr)
		case <-time.After(10 * time.Millisecond):
		}
	}
	cancel()
	t.Fatalf("simulate did not say where it listens: %s", stderr)
	return "", nil, nil
}

func simGet(t *testing.T, base, token, query string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+"/v1/sercustomer/report/summary?"+query, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

type simTokenAnswer struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
}

func simToken(t *testing.T, base, id, secret string) (int, simTokenAnswer) {
	t.Helper()
	resp, err := http.PostForm(base+"/v1/token", url.Values{"grant_type": {"client_credentials"},
		"client_id": {id}, "client_secret": {secret}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok simTokenAnswer
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil {
		t.Fatalf("token answer: %v", err)
	}
	return resp.StatusCode, tok
}

func TestSimulateServes(t *testing.T) {
	const secret = "hunter2 do/not+print&=%41$" // $, space, /, +, &, =, %
	base, stderr, stop := startSimulate(t, "--listen", "127.0.0.1:0", "--client-id", "acme",
		"--client-secret", secret, "--records", "3", "--seed", "9")

	status, tok := simToken(t, base, "acme", secret)
	if status != http.StatusOK || tok.AccessToken == "" || tok.TokenType != "Bearer" || tok.ExpiresIn != 43200 {
		t.Fatalf("token: status %d %+v", status, tok)
	}
	if status, _ := simToken(t, base, "acme", "wrong"); status != http.StatusUnauthorized {
		t.Errorf("wrong secret: status %d, want 401", status)
	}

	const q = "startTimeStamp=2026-03-01T10:00:00.000Z&endTimeStamp=2026-03-01T11:00:00.000Z"
	tests := []struct {
		name, token, query string
		want               int
	}{
		{"report", tok.AccessToken, q, 200},
		{"bad token", "not-a-token", q, 401},
		{"no milliseconds", tok.AccessToken, "startTimeStamp=2026-03-01T10:00:00Z&endTimeStamp=2026-03-01T11:00:00.000Z", 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if status, body := simGet(t, base, tt.token, tt.query); status != tt.want {
				t.Errorf("status %d, want %d: %s", status, tt.want, body)
			}
		})
	}
	_, first := simGet(t, base, tok.AccessToken, q)
	_, second := simGet(t, base, tok.AccessToken, q)
	var rep struct {
		ApplicationUsers []json.RawMessage `json:"applicationUsers"`
	}
	if err := json.Unmarshal(first, &rep); err != nil || len(rep.ApplicationUsers) != 3 {
		t.Errorf("report with --records 3: %d records, %v: %s", len(rep.ApplicationUsers), err, first)
	}
	if !bytes.Equal(first, second) {
		t.Errorf("the same window gave different bodies:\n%s\n%s", first, second)
	}

	if code := stop(); code != exitOK {
		t.Errorf("exit %d, want 0", code)
	}
	out := stderr.String()
	if strings.Contains(out, secret) {
		t.Errorf("the client secret was printed: %s", out)
	}
	if !strings.Contains(out, "curl") || !strings.Contains(out, "client_id=acme") {
		t.Errorf("no example curl in the start line: %s", out)
	}
}

func TestSimulateBadFlags(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		wantIn string
	}{
		{"unknown flag", []string{"--nope"}, "unknown flag --nope"},
		{"config", []string{"--config", "x.yaml"}, "--config is not a flag of simulate"},
		{"bad duration", []string{"--latency", "soon"}, `--latency: "soon" is not a duration`},
		{"bad rate limit", []string{"--rate-limit", "lots"}, "--rate-limit"},
		{"negative count", []string{"--fail-every", "-1"}, "--fail-every"},
		{"argument", []string{"extra"}, "unexpected argument"},
		{"short token lifetime", []string{"--token-lifetime", "10ms"}, "--token-lifetime"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			code := dispatch(context.Background(), stdio{Stdout: io.Discard, Stderr: &stderr},
				append([]string{"simulate", "--listen", "127.0.0.1:0"}, tt.args...))
			if code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			if !strings.Contains(stderr.String(), tt.wantIn) {
				t.Errorf("stderr %q does not mention %q", stderr.String(), tt.wantIn)
			}
		})
	}
}

func TestSimulateAddressInUse(t *testing.T) {
	base, _, _ := startSimulate(t, "--listen", "127.0.0.1:0")
	var stderr bytes.Buffer
	code := dispatch(context.Background(), stdio{Stdout: io.Discard, Stderr: &stderr},
		[]string{"simulate", "--listen", strings.TrimPrefix(base, "http://")})
	if code != exitUsage || !strings.Contains(stderr.String(), "listening on") || !strings.Contains(stderr.String(), "choose another --listen") {
		t.Errorf("exit %d, stderr %q; want 2 (a setup error) and the listen error", code, stderr.String())
	}
}
