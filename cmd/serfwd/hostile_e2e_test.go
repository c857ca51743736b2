package main

// hostile_e2e_test.go: the built binary against a hostile SER API and HEC
// (SPEC §1, §5, §6): redirects of every kind from every endpoint go
// nowhere, bodies built to exhaust memory stay within SPEC §8's bound, and
// endpoints that echo credentials back get them redacted in every
// encoding. The helpers are in hostile_helpers_test.go.

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
)

// hostileRSSLimit is SPEC §8's bound on serfwd's peak RSS, whatever the API sends.
const hostileRSSLimit = 64 << 20

// maxLineBytes bounds every line serfwd prints while a peer is hostile: a
// log line quoting 256 bytes of a body, JSON-escaped, with its fields.
const maxLineBytes = 4 << 10

func TestE2ERedirectsAreNeverFollowed(t *testing.T) {
	for _, from := range []string{"token", "report", "hec"} {
		for _, scheme := range []string{"http", "https"} {
			for _, code := range []int{301, 302, 303, 307, 308} {
				t.Run(fmt.Sprintf("%s %d to %s", from, code, scheme), func(t *testing.T) {
					t.Parallel()
					testRedirect(t, from, scheme, code)
				})
			}
		}
	}
}

// testRedirect makes one endpoint answer code with a Location on a second
// server, and checks that the second server gets nothing, that the cursor
// and the queues show the failure, and what `once` and `check` say.
func testRedirect(t *testing.T, from, scheme string, code int) {
	h := newHostileEnv(t)
	target := startRecorder(t, scheme == "https", h.caFile)
	redirect := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Location", target.URL+"/collect?from="+url.QueryEscape(r.URL.Path))
		w.WriteHeader(code)
	})
	key := map[string]string{"token": "token_url", "report": "api_url", "hec": "url"}[from]
	switch from {
	case "token":
		h.ser.set(redirect, nil)
	case "report":
		h.ser.set(nil, redirect)
	case "hec":
		h.hecFn.Store(redirect)
	}
	said := fmt.Sprintf("redirected (HTTP %d) to %s; serfwd never follows redirects", code, target.URL)

	once := h.run("once")
	if once.code != exitFailure || !strings.Contains(once.stderr, said) || !strings.Contains(once.stderr, "set "+key+" to") {
		t.Fatalf("once exited %d, want %d saying %q and naming %s:\n%s", once.code, exitFailure, said, key, tail(once.stderr, 15))
	}
	if from == "hec" {
		// The window is fetched and committed; its two events stay queued
		// for the HEC sink, whose configuration needs fixing.
		end := h.start.Add(time.Hour)
		h.requireState(&end, map[string]int64{"splunk": 2})
	} else {
		final := firstLine(once.stderr, "serfwd once:")
		if !strings.Contains(final, said) {
			t.Fatalf("once's final message does not say the endpoint redirected: %q", final)
		}
		requireNoRepeats(t, final)
		h.requireState(nil, nil)
	}
	check := h.run("check")
	if check.code != exitFailure || !strings.Contains(check.stdout, said) {
		t.Fatalf("check exited %d, want %d with the redirect in its table:\n%s%s", check.code, exitFailure, check.stdout, tail(check.stderr, 5))
	}
	target.requireUntouched(t)
	h.scanFiles()
}

// hostileBody is a report answer built to exhaust serfwd's memory, and
// what `once` must do with it. Add rows here for new limits (an endless
// string, deep nesting): each is checked for the exit status, the message,
// SPEC §8's peak RSS, short output lines, and the cursor.
type hostileBody struct {
	name     string
	serve    http.HandlerFunc
	wantExit int
	wantErr  string // in once's final message when it fails
}

// numbers is a filler of JSON numbers, 1,000 digits each: cut anywhere and
// followed by a digit, it is still a list of numbers.
var numbers = strings.Repeat("7", 999) + ","

var hostileBodies = []hostileBody{
	{"gzip bomb past max_body_bytes, 300 MiB in 1.6 MB",
		bodyOf(`{"padding":[`, numbers, 300<<20, `7],"applicationUsers":[]}`, true),
		exitFailure, "answer larger than max_body_bytes (256MiB, counted after content decoding)"},
	{"300 MiB body past max_body_bytes",
		bodyOf(`{"padding":[`, numbers, 300<<20, `7],"applicationUsers":[]}`, false),
		exitFailure, "answer larger than max_body_bytes (256MiB, counted after content decoding)"},
	{"200 MB body within max_body_bytes",
		bodyOf(`{"padding":[`, numbers, 200e6, `7],`+oneRecordBody[1:], false),
		exitOK, ""},
	// SPEC §1's limits on one string and on nesting, and serfwd's on one
	// record: the window fails naming the limit, whatever follows.
	{"endless string",
		bodyOf(`{"applicationUsers":[{"applicationName":"`, "a", 200<<20, `"}]}`, false),
		exitFailure, "applicationUsers[0]: a JSON string or number longer than the limit of 64 KiB"},
	{"endless string, gzipped",
		bodyOf(`{"applicationUsers":[{"applicationName":"`, "a", 200<<20, `"}]}`, true),
		exitFailure, "applicationUsers[0]: a JSON string or number longer than the limit of 64 KiB"},
	{"endless number",
		bodyOf(`{"applicationUsers":[{"status":{"success":`, "9", 200<<20, `}}]}`, false),
		exitFailure, "applicationUsers[0]: a JSON string or number longer than the limit of 64 KiB"},
	{"deep nesting",
		bodyOf(`{"applicationUsers":[{"x":`, "[", 200<<20, `]}]}`, false),
		exitFailure, "applicationUsers[0]: JSON nested deeper than the limit of 64 levels"},
	{"deep nesting outside applicationUsers",
		bodyOf(`{"padding":`, "[", 200<<20, `],"applicationUsers":[]}`, false),
		exitFailure, "padding: JSON nested deeper than the limit of 64 levels"},
	{"endless record",
		bodyOf(`{"applicationUsers":[{"x":[`, `"`+strings.Repeat("r", 998)+`",`, 200<<20, `1]}]}`, false),
		exitFailure, "applicationUsers[0]: a record larger than the limit of 1 MiB"},
}

func TestE2EHostileBodies(t *testing.T) {
	for _, b := range hostileBodies {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			h := newHostileEnv(t)
			h.ser.set(nil, b.serve)
			once := h.run("once")
			t.Logf("peak RSS of serfwd once: %.1f MiB", float64(once.maxRSS)/(1<<20))
			if once.code != b.wantExit {
				t.Fatalf("once exited %d, want %d:\n%s", once.code, b.wantExit, tail(once.stderr, 10))
			}
			if once.maxRSS <= 0 || once.maxRSS > hostileRSSLimit {
				t.Errorf("serfwd's peak RSS was %d bytes, want at most %d", once.maxRSS, hostileRSSLimit)
			}
			requireShortLines(t, "once's output", once.stderr, maxLineBytes)
			if b.wantExit == exitOK {
				end := h.start.Add(time.Hour)
				h.requireState(&end, nil)
				return
			}
			if final := firstLine(once.stderr, "serfwd once:"); !strings.Contains(final, b.wantErr) {
				t.Fatalf("once's final message %q does not say %q", final, b.wantErr)
			}
			h.requireState(nil, nil)
		})
	}
}

// bodyOf serves prefix, filler repeated up to size bytes, then suffix.
// With gz the answer is gzip-coded whatever the request asked for (made
// once, then served from memory).
func bodyOf(prefix, filler string, size int64, suffix string, gz bool) http.HandlerFunc {
	write := func(w io.Writer) {
		io.WriteString(w, prefix)
		chunk := bytes.Repeat([]byte(filler), max(1, (64<<10)/len(filler)))
		for left := size; left > 0; {
			n := min(left, int64(len(chunk)))
			if _, err := w.Write(chunk[:n]); err != nil {
				return // the client hung up
			}
			left -= n
		}
		io.WriteString(w, suffix)
	}
	if !gz {
		return func(w http.ResponseWriter, _ *http.Request) { write(w) }
	}
	var once sync.Once
	var coded []byte
	return func(w http.ResponseWriter, _ *http.Request) {
		once.Do(func() {
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			write(zw)
			zw.Close()
			coded = buf.Bytes()
		})
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(coded)
	}
}

// echoRow is an endpoint that sends back what it received, encoded in
// some way, as a careless server or proxy might.
type echoRow struct {
	name  string
	token func(w http.ResponseWriter, r *http.Request, body []byte) // nil: a normal token
	hec   func(w http.ResponseWriter, r *http.Request)              // nil: a healthy HEC
}

var echoRows = []echoRow{
	{name: "token 401 echoing the form and headers as JSON", token: func(w http.ResponseWriter, r *http.Request, body []byte) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		form, _ := url.ParseQuery(string(body))
		json.NewEncoder(w).Encode(map[string]any{"error": "invalid_client", "echo": string(body), "form": form, "headers": r.Header})
	}},
	{name: "token 400 echoing the raw form", token: func(w http.ResponseWriter, _ *http.Request, body []byte) {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, "bad request: %s", body)
	}},
	{name: "token 403 echoing base64 and Basic credentials", token: func(w http.ResponseWriter, _ *http.Request, body []byte) {
		w.WriteHeader(http.StatusForbidden)
		form, _ := url.ParseQuery(string(body))
		basic := base64.StdEncoding.EncodeToString([]byte(form.Get("client_id") + ":" + form.Get("client_secret")))
		fmt.Fprintf(w, `{"request":"%s","authorization":"Basic %s"}`, base64.StdEncoding.EncodeToString(body), basic)
	}},
	{name: "token 200 that is not JSON", token: func(w http.ResponseWriter, _ *http.Request, body []byte) {
		fmt.Fprintf(w, "<html>you sent %s</html>", body)
	}},
	{name: "HEC 401 echoing the token, JSON-escaped and base64", hec: func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		auth := r.Header.Get("Authorization")
		w.WriteHeader(http.StatusUnauthorized)
		json.NewEncoder(w).Encode(map[string]any{"text": "Invalid token " + auth + " / " + base64.StdEncoding.EncodeToString([]byte(auth)), "code": 4})
	}},
}

func TestE2EEchoedSecretsAreRedacted(t *testing.T) {
	for _, row := range echoRows {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			h := newHostileEnv(t)
			var echoed atomic.Bool
			if row.token != nil {
				h.ser.set(func(w http.ResponseWriter, r *http.Request) {
					body, _ := io.ReadAll(r.Body)
					form, _ := url.ParseQuery(string(body))
					if form.Get("client_secret") == hostileSecret {
						echoed.Store(true)
					}
					row.token(w, r, body)
				}, nil)
			}
			if row.hec != nil {
				h.hecFn.Store(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.Header.Get("Authorization") == "Splunk "+hostileHECToken {
						echoed.Store(true)
					}
					row.hec(w, r)
				}))
			}
			for _, args := range [][]string{{"once"}, {"check"}, {"validate"}, {"checkpoint", "show"}} {
				r := h.run(args...) // checks stdout and stderr
				if args[0] != "validate" && args[0] != "checkpoint" && r.code != exitFailure {
					t.Errorf("serfwd %s exited %d, want %d:\n%s", args[0], r.code, exitFailure, tail(r.stderr, 10))
				}
			}
			if !echoed.Load() {
				t.Fatal("the endpoint never received the secret to echo: the test proves nothing")
			}
			h.scanFiles()
		})
	}
}

// TestE2EWarnsAboutCleartextURLs: http:// URLs that carry credentials to
// another machine are warned about, also beside other problems.
func TestE2EWarnsAboutCleartextURLs(t *testing.T) {
	h := newHostileEnv(t)
	cfg := strings.NewReplacer(h.ser.URL, "http://ser.example.com", h.hec.URL, "http://splunk.example.com:8088").Replace(readFile(t, h.cfg))
	writeFile(t, h.cfg, cfg)
	r := h.run("validate")
	for _, want := range []string{
		"serfwd: warning: inputs[0].token_url: http:// sends credentials unencrypted to ser.example.com; use https://",
		"serfwd: warning: inputs[0].api_url: http:// sends credentials unencrypted to ser.example.com; use https://",
		"serfwd: warning: sinks[1].url: http:// sends credentials unencrypted to splunk.example.com; use https://",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("validate does not warn %q:\n%s", want, r.stderr)
		}
	}
	if r.code != exitOK {
		t.Fatalf("validate exited %d:\n%s", r.code, r.stderr)
	}
	writeFile(t, h.cfg, strings.Replace(cfg, "window: 1h", "window: 7m", 1))
	r = h.run("validate")
	if r.code != exitUsage || !strings.Contains(r.stderr, "inputs[0].window") || !strings.Contains(r.stderr, "warning: inputs[0].token_url") {
		t.Fatalf("validate with a problem exited %d; want %d with the problem and the warnings:\n%s", r.code, exitUsage, r.stderr)
	}
}
