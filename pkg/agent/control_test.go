// The daemon's control socket in-process (under the race detector): status
// while it runs, a backfill job delivered through its queues without
// moving the cursor, a refused job, and the socket gone after the stop.

package agent_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/serfwd/serfwd/pkg/agent"
	"github.com/serfwd/serfwd/pkg/control"
	"github.com/serfwd/serfwd/pkg/event"
)

func TestDaemonAnswersOnItsSocket(t *testing.T) {
	sim := startSim(t)
	cfg, dir := loadConfig(t, onceConfig, sim)
	cfg.Inputs[0].Interval = time.Hour
	a, err := agent.New(cfg, agent.Options{Logger: zaptest.NewLogger(t), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close(context.Background())
	ctx, stop := context.WithCancel(context.Background())
	ran, ready := make(chan error, 1), make(chan struct{})
	go func() { ran <- a.Run(ctx, agent.Hooks{Ready: func() { close(ready) }}) }()
	select { // the socket answers once systemd would hear READY=1
	case <-ready:
	case err := <-ran:
		t.Fatalf("Run ended before it was ready: %v", err)
	}
	socket := control.SocketPath(cfg.StatePath)
	c, err := control.Dial(ctx, socket)
	if c == nil {
		t.Fatalf("ready, but no daemon answers on %s: %v", socket, err)
	}
	deadline := time.Now().Add(20 * time.Second)
	start := cfg.Inputs[0].Start.Truncate(time.Hour)
	end := start.Add(3 * time.Hour)
	var st control.Status
	for {
		if st, err = c.Status(ctx); err != nil {
			t.Fatal(err)
		}
		if cur := st.Inputs[0].Cursor; cur != nil && *cur == event.FormatTime(end) && st.Sinks[0].Events == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the daemon did not catch up: %+v", st)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if st.Protocol != control.Protocol || st.PID != os.Getpid() || st.Inputs[0].LastSuccess == nil || st.Inputs[0].Revisits != 0 {
		t.Errorf("status %+v", st)
	}
	before := len(readEvents(t, filepath.Join(dir, "out", "events.ndjson")))

	var events []control.JobEvent
	req := control.BackfillRequest{Input: "acme", From: event.FormatTime(start), To: event.FormatTime(start.Add(2 * time.Hour))}
	final, err := c.Backfill(ctx, req, func(ev control.JobEvent) { events = append(events, ev) })
	if err != nil || final.Error != "" || final.Windows != 2 || final.Left != nil {
		t.Fatalf("Backfill = %+v, %v", final, err)
	}
	if events[0].Type != control.JobAccepted || events[0].Total != 2 {
		t.Errorf("first event %+v", events[0])
	}
	after := readEvents(t, filepath.Join(dir, "out", "events.ndjson"))
	if int64(len(after)-before) != final.Events || final.Events == 0 {
		t.Errorf("the file sink got %d more events, the job says it queued %d", len(after)-before, final.Events)
	}
	if st, _ := c.Status(ctx); *st.Inputs[0].Cursor != event.FormatTime(end) || len(st.Jobs) != 1 || st.Jobs[0].State != "done" {
		t.Errorf("after the job: cursor %s, jobs %+v", *st.Inputs[0].Cursor, st.Jobs)
	}
	_, err = c.Backfill(ctx, control.BackfillRequest{Input: "nope", From: req.From, To: req.To}, func(control.JobEvent) {})
	var refused *control.RequestError
	if !errors.As(err, &refused) {
		t.Errorf("a job for an unknown input: %v, want a RequestError", err)
	}

	stop()
	if err := <-ran; err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(socket); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the socket outlived the daemon: %v", err)
	}
}
