// The agent assembled from a config loaded through the table of sink kinds:
// the table itself, a one-shot pass from the simulator into a file sink,
// a command's own sink, and `check` built from the kinds' descriptions
// with the state path's row.

package agent_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/serfwd/serfwd/pkg/agent"
	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/internal/crash"
	"github.com/serfwd/serfwd/pkg/serapi/sersim"
	"github.com/serfwd/serfwd/pkg/sink"
)

func TestSinkKindsTable(t *testing.T) {
	kinds := agent.SinkKinds()
	// Every sink package offers Kind(); every one is in the table.
	offered, err := filepath.Glob("../sink/*/*.go")
	if err != nil {
		t.Fatal(err)
	}
	var packages []string
	for _, f := range offered {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(src, []byte("\nfunc Kind() sink.Kind {")) {
			packages = append(packages, filepath.Base(filepath.Dir(f)))
		}
	}
	if got := kinds.SinkTypes(); len(got) != len(packages) {
		t.Errorf("the table has %d kinds %v, but %d packages offer Kind(): %v", len(got), got, len(packages), packages)
	}
	// Every key has a default but the ones a user must give: the defaults
	// fail only with "required" (each package tests its exact message).
	for _, typ := range kinds.SinkTypes() {
		def, ok := kinds.DefaultSinkConfig(typ)
		if !ok {
			t.Fatalf("no defaults for %s", typ)
		}
		err := def.Validate()
		if err == nil {
			t.Errorf("%s defaults: Validate() = nil, want the keys a user must give", typ)
		}
		var ps config.Problems
		if !errors.As(config.Within("", err), &ps) {
			t.Errorf("%s defaults: Validate() = %v, not config problems", typ, err)
		}
		for _, p := range ps {
			if !strings.HasPrefix(p.Msg, "required") {
				t.Errorf("%s defaults: %v, want only required keys", typ, p)
			}
		}
		if _, ok := def.(sink.Config); !ok {
			t.Errorf("%s: %T is not a sink.Config", typ, def)
		}
	}
	// Help texts (`serfwd help`, `check --help`) describe every kind.
	for _, k := range kinds.Help() {
		if k.About == "" || k.Check == "" {
			t.Errorf("%s describes itself as %+v: help needs what it delivers to and what check proves", k.Type, k)
		}
	}
}

// startSim starts the simulator for the test.
func startSim(t *testing.T) *sersim.Server {
	t.Helper()
	sim, err := sersim.Start(sersim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	return sim
}

// loadConfig writes text (with @DIR@, @API@ and @TOKEN@ filled in) and
// loads it through the agent.
func loadConfig(t *testing.T, text string, sim *sersim.Server) (*config.Config, string) {
	t.Helper()
	dir := t.TempDir()
	start := time.Now().UTC().Truncate(time.Hour).Add(-3 * time.Hour)
	r := strings.NewReplacer("@DIR@", dir, "@API@", sim.URL, "@TOKEN@", sim.TokenURL(), "@START@", event.FormatTime(start))
	path := filepath.Join(dir, "serfwd.yaml")
	if err := os.WriteFile(path, []byte(r.Replace(text)), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := agent.LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	return cfg, dir
}

const onceConfig = `
state_path: @DIR@/state/state.db
shutdown_timeout: 10s
inputs:
  - {name: acme, client_id: id, client_secret: s, api_url: "@API@", token_url: "@TOKEN@", start: "@START@", delay: 0s, revisit: 0s}
sinks:
  - {name: archive, type: file, path: "@DIR@/out/events.ndjson"}
  - {name: console, type: file, path: "@DIR@/unused.ndjson"}
`

func TestOnceDeliversThroughTheTable(t *testing.T) {
	sim := startSim(t)
	cfg, dir := loadConfig(t, onceConfig, sim)
	own := &recordingSink{}
	a, err := agent.New(cfg, agent.Options{Logger: zaptest.NewLogger(t), Version: "test", Extra: map[string]sink.Sink{"console": own}})
	if err != nil {
		t.Fatal(err)
	}
	res := a.Once(t.Context(), 3)
	a.Close(context.Background())
	if res.Err != nil || len(res.Left) != 0 || res.Windows < 3 {
		t.Fatalf("Once = %+v, want at least 3 windows, all delivered", res)
	}
	lines := readEvents(t, filepath.Join(dir, "out", "events.ndjson"))
	windows := 0
	for _, l := range lines {
		if l["eventType"] == event.TypeWindow {
			windows++
		}
	}
	if windows != res.Windows || len(lines) != own.count() {
		t.Errorf("file sink: %d events, %d ser.window; the command's own sink %d events; %d windows fetched",
			len(lines), windows, own.count(), res.Windows)
	}
	if _, err := os.Stat(filepath.Join(dir, "unused.ndjson")); err == nil {
		t.Error("the sink the command supplied was built from its config as well")
	}
	want := []agent.SinkTally{
		{Name: "archive", Delivered: int64(len(lines)), DeadLetterPath: filepath.Join(dir, "state", "deadletter-archive.ndjson")},
		{Name: "console", Delivered: int64(len(lines)), DeadLetterPath: filepath.Join(dir, "state", "deadletter-console.ndjson")},
	}
	if !slices.Equal(res.Sinks, want) {
		t.Errorf("tallies %+v, want %+v", res.Sinks, want)
	}
}

func TestCheckDescribesEachSink(t *testing.T) {
	sim := startSim(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	cfg, dir := loadConfig(t, `
state_path: @DIR@/state.db
inputs:
  - {name: acme, client_id: id, client_secret: s, api_url: "@API@", token_url: "@TOKEN@", delay: 0s}
sinks:
  - {name: archive, type: file, path: "@DIR@/events.ndjson"}
  - {name: qradar, type: syslog, network: tcp, address: "`+closed+`"}
`, sim)
	got := agent.Check(t.Context(), cfg, agent.Options{Logger: zaptest.NewLogger(t)}, 20*time.Second)
	want := []agent.CheckResult{
		{Kind: "input", Name: "acme", Target: sim.URL},
		{Kind: "sink", Name: "archive", Target: filepath.Join(dir, "events.ndjson"), Detail: "writable"},
		{Kind: "sink", Name: "qradar", Target: "tcp://" + closed, Failed: true},
		{Kind: "state", Name: "state_path", Target: filepath.Join(dir, "state.db"), Detail: "directory writable (as uid " + strconv.Itoa(os.Geteuid()) + "); no state file yet: serfwd run creates it"},
	}
	if len(got) != len(want) {
		t.Fatalf("Check = %+v", got)
	}
	for i, w := range want {
		g := got[i]
		if g.Kind != w.Kind || g.Name != w.Name || g.Target != w.Target || g.Failed != w.Failed || (w.Detail != "" && g.Detail != w.Detail) {
			t.Errorf("row %d = %+v, want %+v", i, g, w)
		}
	}
	if !strings.HasPrefix(got[0].Detail, "token ok; window ") {
		t.Errorf("input row: %q", got[0].Detail)
	}
	if _, err := os.Stat(filepath.Join(dir, "state.db")); err == nil {
		t.Error("check opened the state file")
	}
}

// recordingSink counts what it is given.
type recordingSink struct {
	mu sync.Mutex
	n  int
}

func (s *recordingSink) Write(_ context.Context, evs []event.Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n += len(evs)
	return nil
}

func (s *recordingSink) Close(context.Context) error { return nil }

func (s *recordingSink) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

// readEvents decodes the JSON objects of an NDJSON file.
func readEvents(t *testing.T, path string) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for dec := json.NewDecoder(bytes.NewReader(data)); dec.More(); {
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, m)
	}
	return out
}

// panickingSink's Write panics, as a bug in a sink would.
type panickingSink struct{}

func (panickingSink) Write(context.Context, []event.Event) error { panic("sink bug") }
func (panickingSink) Close(context.Context) error                { return nil }

// TestSinkPanicStopsTheDaemonWithAnError: a panic in a delivery loop stops
// Run with an error (exit 1 under systemd, restarted), not the process
// with Go's exit status 2 that RestartPreventExitStatus=2 leaves down; the
// events stay queued for that sink.
func TestSinkPanicStopsTheDaemonWithAnError(t *testing.T) {
	sim := startSim(t)
	cfg, _ := loadConfig(t, onceConfig, sim)
	a, err := agent.New(cfg, agent.Options{Logger: zaptest.NewLogger(t), Version: "test", Extra: map[string]sink.Sink{"console": panickingSink{}}})
	if err != nil {
		t.Fatal(err)
	}
	err = a.Run(t.Context(), agent.Hooks{})
	a.Close(context.Background())
	var ce *crash.Error
	if !errors.As(err, &ce) || ce.Value != "sink bug" || ce.What != `delivery to sink "console"` {
		t.Fatalf("Run = %v, want the sink's panic as a *crash.Error", err)
	}
	if agent.IsSetupError(err) {
		t.Errorf("a panic is reported as a setup error (exit 2): %v", err)
	}
}

// downSink refuses every batch as a destination that is down would.
type downSink struct{}

func (downSink) Write(context.Context, []event.Event) error { return errors.New("connection refused") }
func (downSink) Close(context.Context) error                { return nil }

// TestBackfillDrainsOnlyItsInputsSinks: a one-shot backfill of one input
// runs and drains the sinks that input feeds; another input's sink that is
// down (events queued for it) neither holds it up nor is reported as left.
func TestBackfillDrainsOnlyItsInputsSinks(t *testing.T) {
	sim := startSim(t)
	cfg, dir := loadConfig(t, `
state_path: @DIR@/state/state.db
shutdown_timeout: 1s
inputs:
  - {name: acme, client_id: id, client_secret: s, api_url: "@API@", token_url: "@TOKEN@", start: "@START@", delay: 0s, revisit: 0s, sinks: [archive]}
  - {name: beta, client_id: id, client_secret: s, api_url: "@API@", token_url: "@TOKEN@", start: "@START@", delay: 0s, revisit: 0s, sinks: [console]}
sinks:
  - {name: archive, type: file, path: "@DIR@/out/events.ndjson"}
  - {name: console, type: file, path: "@DIR@/unused.ndjson"}
`, sim)
	opts := agent.Options{Logger: zaptest.NewLogger(t), Version: "test", Extra: map[string]sink.Sink{"console": downSink{}}}
	a, err := agent.New(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close(context.Background())
	if res := a.Once(t.Context(), 3); res.Left["console"] == 0 || res.Left["archive"] != 0 {
		t.Fatalf("Once left %v, want events queued for the console sink only", res.Left)
	}
	from := cfg.Inputs[0].Start.Truncate(time.Hour)
	res := a.Backfill(t.Context(), "acme", from, from.Add(2*time.Hour), 3, nil, nil)
	if res.Err != nil || res.Windows != 2 || len(res.Left) != 0 {
		t.Fatalf("Backfill = %+v, want 2 windows delivered and nothing reported left", res)
	}
	if n := len(readEvents(t, filepath.Join(dir, "out", "events.ndjson"))); int64(n) <= res.Events {
		t.Errorf("the archive holds %d events after a backfill that queued %d more", n, res.Events)
	}
}

// TestBackfillPanicIsAnError: a panic where a backfill commits (here its
// progress callback) ends the backfill with a *crash.Error, not the process.
func TestBackfillPanicIsAnError(t *testing.T) {
	sim := startSim(t)
	cfg, _ := loadConfig(t, onceConfig, sim)
	a, err := agent.New(cfg, agent.Options{Logger: zaptest.NewLogger(t), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close(context.Background())
	from := cfg.Inputs[0].Start.Truncate(time.Hour)
	res := a.Backfill(t.Context(), "acme", from, from.Add(2*time.Hour), 3, func(int, int) { panic("progress bug") }, nil)
	var ce *crash.Error
	if !errors.As(res.Err, &ce) || ce.Value != "progress bug" || ce.What != `backfill of input "acme"` {
		t.Fatalf("Backfill = %+v, want the panic as a *crash.Error", res)
	}
}
