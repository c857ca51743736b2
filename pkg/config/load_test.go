// Load and Parse: defaults, value types, *_file secrets, comments, merge keys,
// warnings and Problems.

package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/sink/file"
	"github.com/serfwd/serfwd/pkg/sink/hec"
	"github.com/serfwd/serfwd/pkg/sink/syslog"
)

// writeConfig writes text to a config file in a temporary directory.
func writeConfig(t *testing.T, text string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "serfwd.yaml")
	if err := os.WriteFile(path, []byte(text), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // umask may have narrowed it
		t.Fatal(err)
	}
	return path
}

func mustLoad(t *testing.T, text string, opts ...config.Option) *config.Config {
	t.Helper()
	cfg, err := config.Load(writeConfig(t, text, 0o600), testOptions(opts...)...)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return cfg
}

const minimal = `
inputs:
  - name: acme
    client_id: id
    client_secret: ${SER_CLIENT_SECRET}
sinks:
  - {name: splunk, type: splunk_hec, url: "https://splunk:8088", token: "${SPLUNK_HEC_TOKEN}"}
  - {name: qradar, type: syslog, address: "qradar:6514"}
  - {name: udp, type: syslog, address: "qradar:514", network: udp}
  - {name: archive, type: file, path: /tmp/a.ndjson}
`

func TestLoadDefaults(t *testing.T) {
	cfg := mustLoad(t, minimal)
	if err := cfg.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	in, h, sl, udp, f := cfg.Inputs[0], as[hec.Config](t, cfg.Sinks[0]), as[syslog.Config](t, cfg.Sinks[1]), as[syslog.Config](t, cfg.Sinks[2]), as[file.Config](t, cfg.Sinks[3])
	checks := []struct {
		name      string
		got, want any
	}{
		{"state_path", cfg.StatePath, "/var/lib/serfwd/state.db"},
		{"shutdown_timeout", cfg.ShutdownTimeout, 30 * time.Second},
		{"log", cfg.Log, config.Log{Level: "info", Format: "json"}},
		{"metrics.listen", cfg.Metrics.Listen, ""},
		{"queue", cfg.Queue.MaxBytesPerSink, config.Size(256 * 1024 * 1024)},
		{"token_url", in.TokenURL, "https://auth.proofpoint.com/v1/token"},
		{"api_url", in.APIURL, "https://ser-api.proofpoint.com"},
		{"client_secret", in.ClientSecret.Reveal(), "env-ser-secret-value"},
		{"start", in.Start, time.Time{}},
		{"lookback", in.Lookback, 24 * time.Hour},
		{"window", in.Window, time.Hour},
		{"interval", in.Interval, 5 * time.Minute},
		{"delay", in.Delay, 10 * time.Minute},
		{"revisit", in.Revisit, 168 * time.Hour},
		{"rate_limit", in.RateLimit, config.RateLimit{N: 1000, Period: time.Minute}},
		{"concurrency", in.Concurrency, 4},
		{"timeout", in.Timeout, 30 * time.Second},
		{"input sinks", in.Sinks, []string{"splunk", "qradar", "udp", "archive"}},
		{"hec token", h.Token.Reveal(), "env-hec-token-value"},
		{"hec sourcetype", h.Sourcetype, ""}, // by format
		{"hec source", h.Source, "serfwd:<input>"},
		{"hec format", h.Format, "event"},
		{"hec batch_max_events", h.BatchMaxEvents, 500},
		{"hec batch_max_bytes", h.BatchMaxBytes, config.Size(1 << 20)},
		{"hec batch_timeout", h.BatchTimeout, time.Second},
		{"hec compression", h.Compression, "gzip"},
		{"hec ack", h.Ack, false},
		{"hec ack_timeout", h.AckTimeout, 5 * time.Minute},
		{"syslog network", sl.Network, "tls"},
		{"syslog framing", sl.Framing, "octet-counting"},
		{"syslog protocol", sl.Protocol, "rfc5424"},
		{"syslog format", sl.Format, "leef"},
		{"syslog facility", sl.Facility, "local0"},
		{"syslog app_name", sl.AppName, "serfwd"},
		{"syslog max_message_bytes", sl.MessageLimit(), 8192},
		{"udp max_message_bytes", udp.MessageLimit(), 2048},
		{"file max_size", f.MaxSize, config.Size(100 << 20)},
		{"file max_backups", f.MaxBackups, 10},
		{"file mode", f.Mode, config.FileMode(0o640)},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestLoadValues(t *testing.T) {
	cfg := mustLoad(t, `
inputs:
  - name: acme
    client_id: "$$literal$dollar"
    client_secret_file: ${CREDENTIALS_DIRECTORY}/acme.secret
    start: 2026-11-01T00:00:00.000Z
    window: 15m
    rate_limit: 100/10s
    sinks: [archive]
  - name: second
    client_id: id
    client_secret: x
    start: "2026-11-01T02:30:00+02:00"
sinks:
  - {name: splunk, type: splunk_hec, url: "https://splunk:8088", token_file: "${TESTDATA}/secrets/splunk.token"}
  - {name: archive, type: file, path: /tmp/a, mode: 0600, max_size: 0}
  - {name: b, type: file, path: /tmp/b, mode: "0644"}
  - {name: c, type: file, path: /tmp/c, mode: 0o600}
  - {name: d, type: syslog, address: "h:514", network: udp, max_message_bytes: 4000}
`)
	checks := []struct {
		name      string
		got, want any
	}{
		{"$$ escape", cfg.Inputs[0].ClientID, "$literal$dollar"},
		{"secret file, LF dropped", cfg.Inputs[0].ClientSecret.Reveal(), "s3cr3t-from-file"},
		{"token file, CRLF dropped", as[hec.Config](t, cfg.Sinks[0]).Token.Reveal(), "hec-from-file"},
		{"start", cfg.Inputs[0].Start, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)},
		{"start rfc3339 in utc", cfg.Inputs[1].Start, time.Date(2026, 11, 1, 0, 30, 0, 0, time.UTC)},
		{"window", cfg.Inputs[0].Window, 15 * time.Minute},
		{"rate_limit", cfg.Inputs[0].RateLimit, config.RateLimit{N: 100, Period: 10 * time.Second}},
		{"explicit sinks kept", cfg.Inputs[0].Sinks, []string{"archive"}},
		{"mode 0600", as[file.Config](t, cfg.Sinks[1]).Mode, config.FileMode(0o600)},
		{"max_size 0", as[file.Config](t, cfg.Sinks[1]).MaxSize, config.Size(0)},
		{"mode \"0644\"", as[file.Config](t, cfg.Sinks[2]).Mode, config.FileMode(0o644)},
		{"mode 0o600", as[file.Config](t, cfg.Sinks[3]).Mode, config.FileMode(0o600)},
		{"udp explicit limit", as[syslog.Config](t, cfg.Sinks[4]).MessageLimit(), 4000},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestLoadSecretFileNewlines(t *testing.T) {
	dir := t.TempDir()
	tests := []struct{ content, want string }{
		{"plain", "plain"},
		{"lf\n", "lf"},
		{"crlf\r\n", "crlf"},
		{"two\n\n", "two\n"},
		{"inner\nline\n", "inner\nline"},
		{" spaces \n", " spaces "},
	}
	for i, tt := range tests {
		path := filepath.Join(dir, "s"+string(rune('a'+i)))
		if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := config.Parse([]byte("sinks: [{name: s, type: splunk_hec, url: 'https://h', token_file: "+path+"}]"), testOptions()...)
		if err != nil {
			t.Fatalf("%q: %v", tt.content, err)
		}
		if got := as[hec.Config](t, cfg.Sinks[0]).Token.Reveal(); got != tt.want {
			t.Errorf("%q: token %q, want %q", tt.content, got, tt.want)
		}
	}
}

func TestLoadCommentsAndKeysAreNotExpanded(t *testing.T) {
	cfg := mustLoad(t, `
# ${UNSET_IN_COMMENT} and ${ broken in a comment
inputs:   # ${ALSO_UNSET}
  - name: acme # trailing ${UNSET}
    client_id: id
    client_secret: ${SER_CLIENT_SECRET}
    proxy: "http://proxy:3128/#${SER_CLIENT_ID}"   # but ${NOT_THIS}
sinks:
  - {name: archive, type: file, path: "/tmp/a-$b-$$c"}
`)
	if got, want := cfg.Inputs[0].Proxy, "http://proxy:3128/#client-id-123"; got != want {
		t.Errorf("proxy = %q, want %q", got, want)
	}
	if got, want := as[file.Config](t, cfg.Sinks[0]).Path, "/tmp/a-$b-$c"; got != want {
		t.Errorf("path = %q, want %q", got, want)
	}
	_, err := config.Parse([]byte("${SER_CLIENT_ID}: x\n"), testOptions()...)
	if err == nil || !strings.Contains(err.Error(), "${SER_CLIENT_ID}: unknown key") {
		t.Errorf("a key was expanded or accepted: %v", err)
	}
}

func TestLoadMergeKeys(t *testing.T) {
	cfg := mustLoad(t, `
inputs:
  - &base
    name: acme
    client_id: id
    client_secret: ${SER_CLIENT_SECRET}
    window: 30m
    concurrency: 2
  - <<: *base
    name: other
    concurrency: 8
sinks:
  - {name: archive, type: file, path: /tmp/a}
`)
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	o := cfg.Inputs[1]
	if o.Name != "other" || o.Window != 30*time.Minute || o.Concurrency != 8 || o.ClientID != "id" {
		t.Errorf("merged input = %+v", o)
	}
}

func TestLoadMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.yaml")
	_, err := config.Load(path)
	if err == nil || !strings.Contains(err.Error(), path) || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("err = %v, want one naming %s", err, path)
	}
	var ps config.Problems
	if errors.As(err, &ps) {
		t.Errorf("a missing file is not a config problem: %v", err)
	}
}

func TestLoadInlineSecretWarning(t *testing.T) {
	const inline = "inputs: [{name: a, client_id: i, client_secret: inline-ser-secret}]\n" +
		"sinks: [{name: s, type: splunk_hec, url: 'https://h', token: inline-hec-token}]\n"
	const viaEnv = "inputs: [{name: a, client_id: i, client_secret: '${SER_CLIENT_SECRET}'}]\n" +
		"sinks: [{name: s, type: file, path: /tmp/x}]\n"
	tests := []struct {
		name  string
		text  string
		mode  os.FileMode
		warns bool
	}{
		{"inline, world-readable", inline, 0o644, true},
		{"inline, group-readable", inline, 0o640, true},
		{"inline, private", inline, 0o600, false},
		{"from the environment, world-readable", viaEnv, 0o644, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConfig(t, tt.text, tt.mode)
			var warnings []string
			if _, err := config.Load(path, testOptions(config.WithWarnings(func(m string) { warnings = append(warnings, m) }))...); err != nil {
				t.Fatal(err)
			}
			if got := len(warnings) > 0; got != tt.warns {
				t.Fatalf("warnings = %q, want some: %v", warnings, tt.warns)
			}
			for _, w := range warnings {
				if !strings.Contains(w, path) || !strings.Contains(w, "inputs[0].client_secret") || !strings.Contains(w, "sinks[0].token") {
					t.Errorf("warning does not name the file and keys: %s", w)
				}
				if strings.Contains(w, "inline-ser-secret") || strings.Contains(w, "inline-hec-token") {
					t.Errorf("warning holds a secret: %s", w)
				}
			}
		})
	}
}

func TestProblemsError(t *testing.T) {
	ps := config.Problems{{Path: "inputs[0].window", Msg: "bad"}, {Msg: "whole file"}}
	if got, want := ps.Error(), "inputs[0].window: bad\nwhole file"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	var p config.Problem
	if !errors.As(error(ps), &p) || p.Path != "inputs[0].window" {
		t.Errorf("errors.As(Problem) = %+v", p)
	}
	if config.Within("x", config.Problems(nil)) != nil {
		t.Error("no problems must be a nil error")
	}
	if !slices.Equal(strings.Split(ps.Error(), "\n"), []string{ps[0].Error(), ps[1].Error()}) {
		t.Error("one problem per line")
	}
}

// A lenient load (status, checkpoint show) reports only problems of the
// YAML, state_path and names; a secret it cannot resolve is empty.
func TestLenientLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "serfwd.yaml")
	write := func(text string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	noEnv := config.WithLookupEnv(func(string) (string, bool) { return "", false })
	write(`state_path: ` + filepath.Join(dir, "state.db") + `
inputs:
  - name: acme
    client_id: ${SER_CLIENT_ID}
    client_secret_file: ${CREDENTIALS_DIRECTORY}/serfwd_acme.secret
    window: 7m
  - name: beta
    client_id: b
    client_secret_file: ` + filepath.Join(dir, "missing.secret") + `
sinks:
  - name: archive
    type: file
    path: /tmp/x.ndjson
`)
	if _, err := config.LoadAndValidate(path, append(testOptions(), noEnv)...); err == nil {
		t.Fatal("a strict load passed a config whose secrets cannot be read")
	}
	cfg, err := config.LoadAndValidate(path, append(testOptions(), noEnv, config.Lenient())...)
	if err != nil {
		t.Fatalf("lenient load: %v", err)
	}
	if cfg.StatePath != filepath.Join(dir, "state.db") || len(cfg.Inputs) != 2 || cfg.Inputs[1].Name != "beta" ||
		cfg.Inputs[0].ClientSecret != "" || len(cfg.Sinks) != 1 || cfg.Sinks[0].Name != "archive" {
		t.Errorf("lenient load: %+v", cfg)
	}
	// What a view cannot do without is still a problem.
	write("state_path: ${STATE_DIR}/state.db\ninputs: [{name: a/b, client_secret: \"${X}\"}]\nsinks: [{name: archive, type: file, path: /tmp/x}]\n")
	_, err = config.LoadAndValidate(path, append(testOptions(), noEnv, config.Lenient())...)
	var ps config.Problems
	if !errors.As(err, &ps) || len(ps) != 2 || ps[0].Path != "state_path" || ps[1].Path != "inputs[0].name" {
		t.Errorf("lenient load of a config without a state path or a valid name: %v", err)
	}
}
