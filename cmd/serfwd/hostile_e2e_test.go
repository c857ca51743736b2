// hostile_e2e_test.go: the built binary against a hostile SER API and HEC
// (SPEC §1, §5, §6): redirects of every kind from every endpoint go
// nowhere, bodies built to exhaust memory stay within SPEC §8's bound, and
// endpoints that echo credentials back get them redacted in every
// encoding. The helpers are in hostile_helpers_test.go.

package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/serfwd/serfwd/pkg/control"
	"github.com/serfwd/serfwd/pkg/event"
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
	// many, for an answer of many records that must commit: what the
	// window holds (the input then keeps a revisit list and routes to HEC
	// only, which counts what it receives).
	many *manyAnswer
	// sameRSSAs names a row of a quarter of the records whose peak RSS
	// this one's must stay near (flatRSS): memory does not grow per record.
	sameRSSAs string
}

// flatRSS is how much more a row may peak than the row of a quarter of its
// records. The 56 bytes a record that a window in flight used to keep
// (eventIds for numbering, fingerprints for revisits) would add 48 MiB
// for 900,000 more records.
const flatRSS = 16 << 20

// numbers is a filler of JSON numbers, 1,000 digits each: cut anywhere and
// followed by a digit, it is still a list of numbers.
var numbers = strings.Repeat("7", 999) + ","

var hostileBodies = []hostileBody{
	{"gzip bomb past max_body_bytes, 300 MiB in 1.6 MB",
		bodyOf(`{"padding":[`, numbers, 300<<20, `7],"applicationUsers":[]}`, true),
		exitFailure, "answer larger than max_body_bytes (256MiB, counted after content decoding)", nil, ""},
	{"300 MiB body past max_body_bytes",
		bodyOf(`{"padding":[`, numbers, 300<<20, `7],"applicationUsers":[]}`, false),
		exitFailure, "answer larger than max_body_bytes (256MiB, counted after content decoding)", nil, ""},
	{"200 MB body within max_body_bytes",
		bodyOf(`{"padding":[`, numbers, 200e6, `7],`+oneRecordBody[1:], false),
		exitOK, "", nil, ""},
	// SPEC §1's limits on one string and on nesting, and serfwd's on one
	// record: the window fails naming the limit, whatever follows.
	{"endless string",
		bodyOf(`{"applicationUsers":[{"applicationName":"`, "a", 200<<20, `"}]}`, false),
		exitFailure, "applicationUsers[0]: a JSON string or number longer than the limit of 64 KiB", nil, ""},
	{"endless string, gzipped",
		bodyOf(`{"applicationUsers":[{"applicationName":"`, "a", 200<<20, `"}]}`, true),
		exitFailure, "applicationUsers[0]: a JSON string or number longer than the limit of 64 KiB", nil, ""},
	{"endless number",
		bodyOf(`{"applicationUsers":[{"status":{"success":`, "9", 200<<20, `}}]}`, false),
		exitFailure, "applicationUsers[0]: a JSON string or number longer than the limit of 64 KiB", nil, ""},
	{"deep nesting",
		bodyOf(`{"applicationUsers":[{"x":`, "[", 200<<20, `]}]}`, false),
		exitFailure, "applicationUsers[0]: JSON nested deeper than the limit of 64 levels", nil, ""},
	{"deep nesting outside applicationUsers",
		bodyOf(`{"padding":`, "[", 200<<20, `],"applicationUsers":[]}`, false),
		exitFailure, "padding: JSON nested deeper than the limit of 64 levels", nil, ""},
	{"endless record",
		bodyOf(`{"applicationUsers":[{"x":[`, `"`+strings.Repeat("r", 998)+`",`, 200<<20, `1]}]}`, false),
		exitFailure, "applicationUsers[0]: a record larger than the limit of 1 MiB", nil, ""},
	// A window in flight keeps no memory per record: numbering duplicate
	// identities (SPEC §4), the fingerprints kept for revisits and the
	// comparison of a revisit with them go to disk. 1.2 million tiny
	// records (a 23 MB body) peak as 300,000 do; a whole max_body_bytes of
	// them (11 million) only takes minutes longer (the README's memory
	// paragraph gives a run). 300,000 records of one identity have
	// 300,000 eventIds (ordinals), which a revisit reads back and compares.
	tinyRecords(300_000, distinctNames, ""),
	tinyRecords(1_200_000, distinctNames, "300000 tiny distinct records"),
	revisited(tinyRecords(300_000, oneName, "")),
	// A window that fails after staging 300,000 records drops what it
	// staged a few MiB at a time, each time it is fetched again.
	brokenAfter(tinyRecords(300_000, distinctNames, "")),
}

// revisited makes `once` run again on row's window once it is due for a
// revisit (interval 1s): the fingerprints of every record are read back
// and compared with the same answer, and nothing is sent again.
func revisited(row hostileBody) hostileBody {
	m := *row.many
	m.revisit = true
	row.many, row.serve = &m, m.serve
	row.name += ", revisited"
	return row
}

// brokenAfter makes row's answer end in a syntax error after its records.
func brokenAfter(row hostileBody) hostileBody {
	m := *row.many
	m.garbage = ",!"
	row.many, row.serve = &m, m.serve
	row.name = fmt.Sprintf("%d tiny records, then a syntax error", m.records)
	row.wantExit, row.wantErr = exitFailure, "invalid character '!' looking for beginning of value"
	return row
}

func TestE2EHostileBodies(t *testing.T) {
	var mu sync.Mutex
	peaks := map[string]int64{}
	t.Cleanup(func() { // after every row
		for _, b := range hostileBodies {
			if b.sameRSSAs != "" && peaks[b.name] > 0 && peaks[b.sameRSSAs] > 0 && peaks[b.name] > peaks[b.sameRSSAs]+flatRSS {
				t.Errorf("%s peaked at %.1f MiB, %s at %.1f MiB: memory grows with the records",
					b.name, float64(peaks[b.name])/(1<<20), b.sameRSSAs, float64(peaks[b.sameRSSAs])/(1<<20))
			}
		}
	})
	for _, b := range hostileBodies {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			h := newHostileEnv(t)
			h.ser.set(nil, b.serve)
			var got *hecCount
			if b.many != nil {
				got = h.countingHEC(b.many)
			}
			once := h.run("once")
			t.Logf("peak RSS of serfwd once: %.1f MiB", float64(once.maxRSS)/(1<<20))
			mu.Lock()
			peaks[b.name] = once.maxRSS
			mu.Unlock()
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
				if b.many != nil {
					got.require(t, b.many, h.start)
				}
				if b.many != nil && b.many.revisit {
					h.revisitAgain(b.many, got)
				}
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

// manyAnswer is an answer of many tiny records: record i has only a
// fromHeader, name(i), and the first one tempFailure 1 too, so that the
// window is unsettled and the fingerprints of its records are kept for
// revisits.
type manyAnswer struct {
	records int
	name    func(i int) string
	ordinal func(i int) int // record i's ordinal among those with its identity (SPEC §4)
	garbage string          // when set, ends the answer after the records
	revisit bool            // see revisited
}

func distinctNames(i int) string { return "h" + strconv.FormatInt(int64(i), 36) }
func oneName(int) string         { return "h" }

// tinyRecords is the row of an answer of n tiny records named by name:
// every record distinct, or every record the same identity.
func tinyRecords(n int, name func(int) string, sameRSSAs string) hostileBody {
	m := &manyAnswer{records: n, name: name, ordinal: func(int) int { return 1 }}
	what := fmt.Sprintf("%d tiny distinct records", n)
	if name(0) == name(1) {
		m.ordinal = func(i int) int { return i + 1 }
		what = fmt.Sprintf("%d duplicates of one identity", n)
	}
	return hostileBody{name: what, serve: m.serve, wantExit: exitOK, many: m, sameRSSAs: sameRSSAs}
}

func (m *manyAnswer) serve(w http.ResponseWriter, _ *http.Request) {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(`{"applicationUsers":[`)
	for i := range m.records {
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString(`{"fromHeader":"`)
		bw.WriteString(m.name(i))
		if i == 0 {
			bw.WriteString(`","status":{"tempFailure":1}}`)
		} else {
			bw.WriteString(`"}`)
		}
	}
	if m.garbage != "" {
		bw.WriteString(m.garbage)
	} else {
		bw.WriteString(`],"entitlement":{"annual_throughput":10}}`)
	}
	bw.Flush()
}

// wantIDs are the eventIds of the first, a middle and the last record of
// the window starting at start, computed from SPEC §4's formula.
func (m *manyAnswer) wantIDs(start time.Time) []string {
	var out []string
	for _, i := range []int{0, m.records / 2, m.records - 1} {
		text := "acme\x1f" + event.FormatTime(start) + "\x1f\x1f\x1f\x1f" + m.name(i)
		if n := m.ordinal(i); n > 1 {
			text += "\x1f" + strconv.Itoa(n)
		}
		sum := sha256.Sum256([]byte(text))
		out = append(out, hex.EncodeToString(sum[:]))
	}
	return out
}

// hecCount is what a counting HEC received.
type hecCount struct {
	mu      sync.Mutex
	events  int
	windows int // ser.window events
	counted int // of them, those that count every record
	seen    map[string]bool
}

// countingHEC routes the input to HEC only, with revisits on, and makes
// HEC count the events it accepts and look for the eventIds of m.
func (h *hostileEnv) countingHEC(m *manyAnswer) *hecCount {
	c := &hecCount{seen: map[string]bool{}}
	ids := m.wantIDs(h.start)
	// once delivers every event before it exits; the time it may take is
	// only a safety net.
	cfg := strings.Replace(readFile(h.t, h.cfg), "    revisit: 0s\n", "    revisit: 168h\n    sinks: [splunk]\n", 1)
	if m.revisit {
		cfg = strings.Replace(cfg, "    interval: 1h\n", "    interval: 1s\n", 1)
	}
	writeFile(h.t, h.cfg, strings.Replace(cfg, "shutdown_timeout: 2s", "shutdown_timeout: 20m", 1))
	h.hecFn.Store(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/health") || r.Header.Get("Authorization") != "Splunk "+hostileHECToken {
			healthyHEC(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		c.mu.Lock()
		c.events += bytes.Count(body, []byte(`"eventId":`))
		for _, id := range ids {
			if bytes.Contains(body, []byte(`"eventId":"`+id+`"`)) {
				c.seen[id] = true
			}
		}
		if bytes.Contains(body, []byte(`"eventType":"ser.window"`)) {
			c.windows++
			if bytes.Contains(body, fmt.Appendf(nil, `"records":%d,`, m.records)) {
				c.counted++
			}
		}
		c.mu.Unlock()
		fmt.Fprint(w, `{"text":"Success","code":0}`)
	}))
	return c
}

// require checks that HEC got the window once: every record's event and
// the window event, the eventIds computed here among them.
func (c *hecCount) require(t *testing.T, m *manyAnswer, start time.Time) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.events != m.records+1 || c.windows != 1 || c.counted != 1 {
		t.Errorf("HEC got %d events, %d window events (%d counting %d records); want %d, 1 and 1",
			c.events, c.windows, c.counted, m.records, m.records+1)
	}
	for _, id := range m.wantIDs(start) {
		if !c.seen[id] {
			t.Errorf("HEC never got eventId %s", id)
		}
	}
}

// revisitAgain runs `once` again, when m's window is due for a revisit,
// and checks its peak RSS, that nothing more was sent, and that the
// revisit list still holds every record.
func (h *hostileEnv) revisitAgain(m *manyAnswer, got *hecCount) {
	t := h.t
	again := h.run("once")
	t.Logf("peak RSS of serfwd once revisiting: %.1f MiB", float64(again.maxRSS)/(1<<20))
	if again.code != exitOK {
		t.Fatalf("once revisiting exited %d:\n%s", again.code, tail(again.stderr, 10))
	}
	if again.maxRSS <= 0 || again.maxRSS > hostileRSSLimit {
		t.Errorf("serfwd's peak RSS revisiting was %d bytes, want at most %d", again.maxRSS, hostileRSSLimit)
	}
	got.require(t, m, h.start)
	var acme *control.CheckpointInput
	v := h.show()
	for i := range v.Inputs {
		if v.Inputs[i].Name == "acme" {
			acme = &v.Inputs[i]
		}
	}
	if acme == nil || len(acme.Revisits) != 1 || acme.Revisits[0].Records != m.records || acme.Revisits[0].Attempts < 1 {
		t.Fatalf("acme's revisit list after revisiting: %+v; want the window, revisited, with %d records", acme, m.records)
	}
}
