// `serfwd demo`: the zero-setup tour on the built-in simulator, events to
// stdout as NDJSON and a summary to stderr.

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/serapi/sersim"
	"github.com/serfwd/serfwd/pkg/sink"
	"github.com/serfwd/serfwd/pkg/sink/file"
)

// demoHours is how far back the demo reaches, in 1 h windows.
const demoHours = 24

func demoFlags(fs *flag.FlagSet) (out *string) {
	return fs.String("out", "", "also append the events to `FILE` (NDJSON)")
}

func cmdDemo(ctx context.Context, io stdio, args []string) int {
	fs := newFlagSet("demo", io)
	out := demoFlags(fs)
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	sim, err := sersim.Start(sersim.Options{})
	if err != nil {
		fmt.Fprintf(io.Stderr, "serfwd demo: starting the simulator: %v\n", err)
		return exitFailure
	}
	defer sim.Close()
	dir, err := os.MkdirTemp("", "serfwd-demo-")
	if err != nil {
		fmt.Fprintf(io.Stderr, "serfwd demo: %v\n", err)
		return exitFailure
	}
	defer os.RemoveAll(dir)

	cfg := demoConfig(sim, dir, *out) // its credentials are the simulator's public "demo": nothing to redact
	log, _ := newLogger(config.Log{Level: "warn", Format: "console"}, io.Stderr)
	stdout := &streamSink{w: io.Stdout}
	began := time.Now()
	res := runOnce(ctx, cfg, log, map[string]sink.Sink{"stdout": stdout})
	code := res.report(io, "demo", false)
	if code == exitOK {
		fmt.Fprintf(io.Stderr, "serfwd demo: %d hourly windows from the built-in SER simulator (%s), %d events (%d ser.applicationUser, %d ser.window) in %s\n",
			res.windows, sim.URL, stdout.total(), stdout.count[event.TypeApplicationUser], stdout.count[event.TypeWindow], time.Since(began).Round(time.Millisecond))
		if *out != "" {
			fmt.Fprintf(io.Stderr, "serfwd demo: events also appended to %s\n", *out)
		}
		fmt.Fprintln(io.Stderr, "serfwd demo: next: `serfwd simulate` serves the simulator; configs/serfwd.example.yaml shows a real configuration")
	}
	return code
}

// demoConfig is one input on the simulator, the last 24 whole hours, and
// the stdout sink (plus a file sink for --out).
func demoConfig(sim *sersim.Server, dir, out string) *config.Config {
	cfg := config.Default()
	cfg.StatePath = filepath.Join(dir, "state.db")
	in := config.DefaultInput()
	in.Name = "demo"
	in.TokenURL, in.APIURL = sim.TokenURL(), sim.URL
	in.ClientID, in.ClientSecret = "demo", config.Secret("demo")
	in.Window, in.Delay, in.Lookback, in.Revisit = time.Hour, 0, demoHours*time.Hour, 0
	cfg.Inputs = []config.Input{in}
	cfg.Sinks = []config.Sink{{Name: "stdout", Type: "stdout"}}
	if out != "" {
		f := file.DefaultConfig()
		f.Path = out
		cfg.Sinks = append(cfg.Sinks, config.Sink{Name: "out", Type: file.Type, Config: f})
	}
	for _, s := range cfg.Sinks {
		cfg.Inputs[0].Sinks = append(cfg.Inputs[0].Sinks, s.Name)
	}
	return &cfg
}

// streamSink writes events as NDJSON to a stream (the demo's stdout) and
// counts them by type.
type streamSink struct {
	mu    sync.Mutex
	w     io.Writer
	buf   []byte
	count map[string]int
}

func (s *streamSink) Write(_ context.Context, events []event.Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.count == nil {
		s.count = map[string]int{}
	}
	s.buf = s.buf[:0]
	for i := range events {
		s.buf = append(events[i].AppendJSON(s.buf), '\n')
		s.count[events[i].Type()]++
	}
	_, err := s.w.Write(s.buf)
	return err
}

func (s *streamSink) Close(context.Context) error { return nil }

func (s *streamSink) total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.count {
		n += c
	}
	return n
}
