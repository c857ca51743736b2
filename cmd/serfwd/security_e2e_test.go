// security_e2e_test.go: the binary, run through every command and through
// failures that print errors, never shows a secret from its config — in
// stdout, stderr or any file it writes — not even base64- or URL-encoded;
// its state and dead-letter files are 0600; it warns about a config file
// that others can read while it holds inline secrets, and about TLS
// verification turned off; and no command takes a secret as an argument
// (except `simulate --client-secret`, the simulator's own test credential).

package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/control"
	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/serapi/sersim"
)

// Distinctive secrets, one per way a secret reaches serfwd.
const (
	secFileSER   = e2eClientSecret // client_secret_file (newE2E's simulator accepts only it)
	secInlineSER = "SER-inline s3cret/K9+v2&pL=%20$q"
	secEnvSER    = "SER-env s3cret/M4+n8&bR=%7E$z" // client_secret: ${SECURITY_SER_SECRET}
	secHECToken  = "HEC-t0ken 3Jd6/yT+9a&8b=%25$w"
	secHECFile   = "HEC-file t0ken/Hq5+sUe&=%3D$v"
)

var allSecrets = []string{secFileSER, secInlineSER, secEnvSER, secHECToken, secHECFile}

// fakeHEC is a Splunk HEC that answers as mode says: ok, 401, 403 or
// invalid (400 code 6); "echo-401" also echoes the token in its answer, as
// a careless proxy might, so that serfwd must not repeat what it is told.
type fakeHEC struct {
	*httptest.Server
	mode   atomic.Value // string
	events atomic.Int64
}

func startFakeHEC(t *testing.T) *fakeHEC {
	h := &fakeHEC{}
	h.mode.Store("ok")
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		auth := r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "application/json")
		switch mode := h.mode.Load().(string); {
		case strings.HasSuffix(r.URL.Path, "/health"):
			fmt.Fprint(w, `{"text":"HEC is healthy","code":17}`)
		case mode == "echo-401":
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, `{"text":"Invalid token %s","code":4}`, strings.TrimPrefix(auth, "Splunk "))
		case mode == "401" || auth != "Splunk "+secHECToken && auth != "Splunk "+secHECFile:
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"text":"Invalid token","code":4}`)
		case mode == "403":
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"text":"Token disabled","code":1}`)
		case mode == "invalid":
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"text":"Invalid data format","code":6,"invalid-event-number":0}`)
		default:
			h.events.Add(1)
			fmt.Fprint(w, `{"text":"Success","code":0}`)
		}
	}))
	t.Cleanup(h.Close)
	return h
}

// secEnv is a config with every secret form, two simulators (each accepts
// only its own input's secret), a fake HEC and a file sink.
type secEnv struct {
	*e2eEnv
	hec  *fakeHEC
	sims map[string]*sersim.Server
}

func newSecEnv(t *testing.T) *secEnv {
	t.Helper()
	e := newE2E(t, sersim.Options{RecordsPerWindow: 3}, 3, "", "")
	s := &secEnv{e2eEnv: e, hec: startFakeHEC(t), sims: map[string]*sersim.Server{}}
	for _, in := range []struct{ name, secret string }{{"beta", secInlineSER}, {"gamma", secEnvSER}} {
		sim, err := sersim.Start(sersim.Options{ClientID: e2eClientID, ClientSecret: in.secret, RecordsPerWindow: 2})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { sim.Close() })
		s.sims[in.name] = sim
	}
	for name, data := range map[string]string{"secret": secFileSER + "\n", "hec.token": secHECFile + "\n"} {
		if err := os.WriteFile(filepath.Join(e.dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s.writeConfig(0o600, "", "")
	return s
}

// writeConfig writes the config with mode; extraInput is added to every
// input, extraTop at the top level (after the defaults it may override).
func (s *secEnv) writeConfig(mode os.FileMode, extraInput, extraHEC string) {
	s.t.Helper()
	start := event.FormatTime(s.start)
	input := func(name, tokenURL, apiURL, secretLine string) string {
		return fmt.Sprintf("  - name: %s\n    token_url: %s\n    api_url: %s\n    client_id: %s\n    %s\n"+
			"    start: %s\n    window: 1h\n    delay: 0s\n    interval: 1h\n    revisit: 0s\n%s",
			name, tokenURL, apiURL, e2eClientID, secretLine, start, extraInput)
	}
	yaml := fmt.Sprintf("state_path: %s\nshutdown_timeout: 3s\nlog: {level: debug, format: json}\ninputs:\n%s%s%s"+
		"sinks:\n  - name: archive\n    type: file\n    path: %s\n    mode: \"0600\"\n"+
		"  - name: splunk\n    type: splunk_hec\n    url: %s\n    token: %s\n    compression: none\n%s"+
		"  - name: splunk2\n    type: splunk_hec\n    url: %s\n    token_file: %s\n",
		filepath.Join(s.dir, "state", "state.db"),
		input("acme", s.sim.TokenURL(), s.sim.URL, "client_secret_file: "+filepath.Join(s.dir, "secret")),
		input("beta", s.sims["beta"].TokenURL(), s.sims["beta"].URL, "client_secret: "+secInlineSER),
		input("gamma", s.sims["gamma"].TokenURL(), s.sims["gamma"].URL, "client_secret: ${SECURITY_SER_SECRET}"),
		s.out, s.hec.URL, secHECToken, extraHEC, s.hec.URL, filepath.Join(s.dir, "hec.token"))
	if err := os.WriteFile(s.cfg, []byte(yaml), 0o600); err != nil {
		s.t.Fatal(err)
	}
	if err := os.Chmod(s.cfg, mode); err != nil {
		s.t.Fatal(err)
	}
}

// command runs serfwd with the secret variable set, and returns what it printed.
func (s *secEnv) command(args ...string) (code int, out string) {
	s.t.Helper()
	cmd := exec.Command(serfwdBin, args...)
	cmd.Env = append(os.Environ(), "SECURITY_SER_SECRET="+secEnvSER, "SERFWD_CONFIG="+s.cfg)
	b, err := cmd.CombinedOutput()
	code = cmd.ProcessState.ExitCode()
	if err != nil && code < 0 {
		s.t.Fatalf("running serfwd %v: %v", args, err)
	}
	s.requireNoSecret(fmt.Sprintf("output of serfwd %s", strings.Join(args, " ")), string(b))
	return code, string(b)
}

// daemon starts serfwd with args, lets it work until ready (handed what it
// printed so far) says it did what the test needs, then sends SIGTERM and
// returns what it printed. A generous safety timeout fails the test when
// ready never comes.
func (s *secEnv) daemon(ready func(out string) bool, args ...string) (code int, out string) {
	s.t.Helper()
	cmd := exec.Command(serfwdBin, args...)
	cmd.Env = append(os.Environ(), "SECURITY_SER_SECRET="+secEnvSER, "SERFWD_CONFIG="+s.cfg)
	buf := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = buf, buf
	if err := cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	for deadline := time.Now().Add(time.Minute); !ready(buf.String()); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			s.t.Fatalf("serfwd %v: what the test waits for did not happen within a minute:\n%s", args, tail(buf.String(), 30))
		}
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		s.t.Fatalf("serfwd %v did not stop within 30s of SIGTERM:\n%s", args, buf.String())
	}
	s.requireNoSecret(fmt.Sprintf("output of serfwd %s", strings.Join(args, " ")), buf.String())
	return cmd.ProcessState.ExitCode(), buf.String()
}

// status asks the daemon for its live view; ok is false while none answers.
func (s *secEnv) status() (st control.Status, ok bool) {
	s.t.Helper()
	cmd := exec.Command(serfwdBin, "status", "--json")
	cmd.Env = append(os.Environ(), "SECURITY_SER_SECRET="+secEnvSER, "SERFWD_CONFIG="+s.cfg)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return st, false
	}
	s.requireNoSecret("output of serfwd status --json", stdout.String()+stderr.String())
	if err := json.Unmarshal([]byte(stdout.String()), &st); err != nil {
		s.t.Fatalf("status --json: %v\n%s", err, stdout.String())
	}
	return st, true
}

// encodings returns the forms in which a secret must not appear, made by
// the standard library's encoders: as is, URL-encoded (query and path
// escaping, lowercase hex too), JSON-escaped (HTML-safe or not), Go-quoted
// and base64 (standard and URL alphabets, at every alignment).
func encodings(secret string) map[string]string {
	forms := map[string]string{"plain": secret, "query-escaped": url.QueryEscape(secret), "path-escaped": url.PathEscape(secret),
		"query-escaped, lowercase hex": lowerPercentHex(url.QueryEscape(secret))}
	js, _ := json.Marshal(secret)
	forms["JSON-escaped"] = string(js[1 : len(js)-1])
	var plainJSON strings.Builder
	enc := json.NewEncoder(&plainJSON)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(secret)
	forms["JSON-escaped, not HTML-safe"] = strings.TrimSpace(plainJSON.String())[1 : len(strings.TrimSpace(plainJSON.String()))-1]
	q := fmt.Sprintf("%q", secret)
	forms["Go-quoted"] = q[1 : len(q)-1]
	for name, enc := range map[string]*base64.Encoding{"std": base64.StdEncoding, "url": base64.URLEncoding} {
		for pad := range 3 {
			for what, text := range map[string]string{"": secret, " of the query-escaped form": url.QueryEscape(secret)} {
				b := enc.EncodeToString([]byte(strings.Repeat("x", pad) + text))
				// Drop the characters that also depend on the bytes around it.
				skip := (pad*4 + 2) / 3
				forms[fmt.Sprintf("base64 (%s)%s at offset %d", name, what, pad)] = b[skip : len(b)-4]
			}
		}
	}
	return forms
}

// lowerPercentHex lowercases the hex digits of %XX escapes.
func lowerPercentHex(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			low := strings.ToLower(string(b[i+1 : i+3]))
			b[i+1], b[i+2] = low[0], low[1]
		}
	}
	return string(b)
}

// requireNoSecret fails if text holds any secret in any form.
func (s *secEnv) requireNoSecret(where, text string) {
	s.t.Helper()
	for _, secret := range allSecrets {
		for form, v := range encodings(secret) {
			if strings.Contains(text, v) {
				s.t.Fatalf("%s holds a secret (%s): %s", where, form, excerpt(text, v))
			}
		}
	}
}

func excerpt(text, v string) string {
	i := strings.Index(text, v)
	return text[max(0, i-200):min(len(text), i+len(v)+100)]
}

// scanFiles checks every file under the test's directory except the
// config and the secret files themselves.
func (s *secEnv) scanFiles() {
	s.t.Helper()
	scanDir(s.t, s.dir, s.requireNoSecret)
}

// scanDir hands check every file below dir except serfwd.yaml and the
// secret files (secret, hec.token), which hold the secrets on purpose.
func scanDir(t *testing.T, dir string, check func(path, text string)) {
	t.Helper()
	keep := map[string]bool{"serfwd.yaml": true, "secret": true, "hec.token": true}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || (keep[d.Name()] && filepath.Dir(path) == dir) {
			return err
		}
		data, err := os.ReadFile(path)
		if err == nil {
			check(path, string(data))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestE2ENoSecretInAnyOutput(t *testing.T) {
	s := newSecEnv(t)
	now := event.FormatTime(time.Now().UTC().Truncate(time.Hour))
	from := event.FormatTime(s.start)
	steps := []struct {
		name string
		args []string
		want int
	}{
		{"version", []string{"version"}, exitOK},
		{"--version", []string{"--version"}, exitOK},
		{"validate", []string{"validate"}, exitOK},
		{"check", []string{"check"}, exitOK},
		{"once", []string{"once"}, exitOK},
		{"checkpoint show", []string{"checkpoint", "show"}, exitOK},
		{"checkpoint show --json", []string{"checkpoint", "show", "--json"}, exitOK},
		{"backfill", []string{"backfill", "--input", "acme", "--from", from, "--to", now}, exitOK},
		{"demo", []string{"demo", "--out", filepath.Join(s.dir, "demo.ndjson")}, exitOK},
		{"help", []string{"help"}, exitOK},
	}
	for _, st := range steps {
		code, out := s.command(st.args...)
		if code != st.want {
			t.Fatalf("serfwd %s exited %d, want %d:\n%s", st.name, code, st.want, tail(out, 30))
		}
	}
	if n := s.hec.events.Load(); n == 0 {
		t.Fatal("the HEC sinks delivered nothing: the token path was not exercised")
	}
	// The daemon, from the start again (the cursors forgotten), until both
	// HEC sinks delivered, stopped by SIGTERM.
	if code, out := s.command("checkpoint", "reset", "--all"); code != exitOK {
		t.Fatalf("checkpoint reset exited %d:\n%s", code, out)
	}
	before := s.hec.events.Load()
	delivered := func(string) bool {
		st, ok := s.status()
		return ok && s.hec.events.Load() > before && sinkStatus(t, st, "splunk").LastDelivery != nil &&
			sinkStatus(t, st, "splunk2").LastDelivery != nil
	}
	if code, out := s.daemon(delivered, "run"); code != exitOK {
		t.Fatalf("run exited %d after SIGTERM:\n%s", code, tail(out, 30))
	}
	// The simulator, until it listens, with credentials on its command line
	// (the one documented exception): it must not print them back.
	listening := func(out string) bool { return strings.Contains(out, "listening") }
	code, out := s.daemon(listening, "simulate", "--listen", "127.0.0.1:0", "--client-id", "x", "--client-secret", secInlineSER)
	if code != exitOK || !strings.Contains(out, "listening") {
		t.Fatalf("simulate exited %d:\n%s", code, out)
	}
	s.scanFiles()
}

func TestE2ENoSecretInErrors(t *testing.T) {
	cases := []struct {
		name  string
		setup func(s *secEnv)
		args  []string
		want  int
	}{
		{"wrong SER credentials", func(s *secEnv) {
			if err := os.WriteFile(filepath.Join(s.dir, "secret"), []byte(secFileSER+"-but-wrong\n"), 0o600); err != nil {
				s.t.Fatal(err)
			}
		}, []string{"once"}, exitFailure},
		{"HEC answers 401", func(s *secEnv) { s.hec.mode.Store("401") }, []string{"once"}, exitFailure},
		{"HEC answers 403", func(s *secEnv) { s.hec.mode.Store("403") }, []string{"once"}, exitFailure},
		{"HEC echoes the token in a 401", func(s *secEnv) {
			s.hec.mode.Store("echo-401")
		}, []string{"once"}, exitFailure},
		{"HEC rejects the data", func(s *secEnv) { s.hec.mode.Store("invalid") }, []string{"once"}, exitOK},
		{"bad values next to secrets", func(s *secEnv) {
			s.writeConfig(0o600, "    window: 7m\n    rate_limit: lots\n", "    batch_max_bytes: huge\n    url2: x\n")
		}, []string{"validate"}, exitUsage},
		{"bad values next to secrets, once", func(s *secEnv) {
			s.writeConfig(0o600, "    concurrency: 0\n", "    compression: zip\n")
		}, []string{"once"}, exitUsage},
		{"check with failures", func(s *secEnv) { s.hec.mode.Store("401") }, []string{"check"}, exitFailure},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := newSecEnv(t)
			c.setup(s)
			code, out := s.command(c.args...)
			if code != c.want {
				t.Fatalf("serfwd %v exited %d, want %d:\n%s", c.args, code, c.want, tail(out, 30))
			}
			s.scanFiles()
		})
	}
}

func TestE2EStateAndDeadLetterFilesAre0600(t *testing.T) {
	s := newSecEnv(t)
	s.hec.mode.Store("invalid") // every event is dead-lettered
	if code, out := s.command("once"); code != exitOK {
		t.Fatalf("once exited %d:\n%s", code, tail(out, 30))
	}
	stateDir := filepath.Join(s.dir, "state")
	files, err := filepath.Glob(filepath.Join(stateDir, "deadletter-*.ndjson"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no dead-letter file in %s (%v)", stateDir, err)
	}
	for _, f := range append(files, filepath.Join(stateDir, "state.db")) {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if perm := fi.Mode().Perm(); perm != 0o600 {
			t.Errorf("%s has mode %04o, want 0600", f, perm)
		}
	}
}

func TestE2EWarnsAboutAReadableConfigWithInlineSecrets(t *testing.T) {
	s := newSecEnv(t)
	warning := regexp.MustCompile(`warning: .*serfwd\.yaml is readable by group or others .*holds secrets inline`)
	for _, mode := range []os.FileMode{0o644, 0o640, 0o600} {
		if err := os.Chmod(s.cfg, mode); err != nil {
			t.Fatal(err)
		}
		for _, cmd := range []string{"validate", "once", "run"} {
			var out string
			if cmd == "run" {
				// Up and answering: its config was read and any warning printed.
				_, out = s.daemon(func(string) bool { _, ok := s.status(); return ok }, cmd)
			} else {
				_, out = s.command(cmd)
			}
			if got, want := warning.MatchString(out), mode != 0o600; got != want {
				t.Errorf("%s with a config of mode %04o: warning printed %v, want %v:\n%s", cmd, mode, got, want, tail(out, 10))
			}
		}
	}
}

func TestE2EWarnsLoudlyWhenTLSVerificationIsOff(t *testing.T) {
	s := newSecEnv(t)
	s.writeConfig(0o600, "    tls: {insecure_skip_verify: true}\n", "    tls: {insecure_skip_verify: true}\n")
	cfg, err := os.ReadFile(s.cfg)
	if err != nil {
		t.Fatal(err)
	}
	syslogSink := "  - name: qradar\n    type: syslog\n    address: 127.0.0.1:1\n    network: tls\n    tls: {insecure_skip_verify: true}\n"
	if err := os.WriteFile(s.cfg, append(cfg, syslogSink...), 0o600); err != nil {
		t.Fatal(err)
	}
	_, out := s.command("once") // the syslog sink cannot connect: the exit status does not matter
	warned := map[string]bool{}
	for _, line := range strings.Split(out, "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) != nil || m["level"] != "warn" {
			continue
		}
		msg, _ := m["msg"].(string)
		if !strings.Contains(strings.ToLower(msg), "insecure_skip_verify") {
			continue
		}
		switch {
		case m["input"] != nil:
			warned["input "+m["input"].(string)] = true
		case m["sink"] != nil:
			warned["sink "+m["sink"].(string)] = true
		}
	}
	for _, who := range []string{"input acme", "input beta", "input gamma", "sink splunk", "sink qradar"} {
		if !warned[who] {
			t.Errorf("no warn-level line about insecure_skip_verify for %s:\n%s", who, tail(out, 40))
		}
	}
	// splunk2 keeps verification on: no warning for it.
	if warned["sink splunk2"] {
		t.Error("a warning about insecure_skip_verify for splunk2, which verifies")
	}
}

// TestNoCommandTakesASecretArgument reads every command's flags: only
// `simulate --client-secret` (the simulator's own test credential) may
// carry a secret on a command line, where other users could read it.
// `--credentials DIR` names a directory, not a secret.
func TestNoCommandTakesASecretArgument(t *testing.T) {
	secretish := regexp.MustCompile(`(?i)^\s*-{1,2}[a-z-]*(secret|token|password|passwd|credentials?|key)(\s|=|$)`)
	for _, c := range commands() {
		cmd := exec.Command(serfwdBin, append(strings.Fields(c.name), "-h")...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("serfwd %s -h: %v\n%s", c.name, err, out)
		}
		for _, line := range strings.Split(string(out), "\n") {
			if !secretish.MatchString(line) || strings.HasPrefix(strings.TrimSpace(line), "--credentials DIR ") {
				continue
			}
			if c.name == "simulate" && strings.Contains(line, "-client-secret") {
				continue
			}
			t.Errorf("serfwd %s takes a secret on its command line: %s", c.name, strings.TrimSpace(line))
		}
	}
}
