// The daemon's answers on its control socket (pkg/control): its live
// status and the checkpoint view, read from the state file it holds, so
// that `serfwd status` and `checkpoint show` work beside it.

package agent

import (
	"context"
	"os"
	"time"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/control"
	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/poller"
)

// controlShutdown is how long requests in progress get when the socket
// closes.
const controlShutdown = 2 * time.Second

// startControl serves the control socket beside the state file; the
// returned function closes it. A socket that cannot be created is logged:
// collecting matters more than the live view.
func (a *Agent) startControl() (stop func()) {
	srv, err := control.Serve(control.SocketPath(a.cfg.StatePath), daemon{a}, a.log)
	if err != nil {
		a.log.Error("no control socket: serfwd status, checkpoint show and backfill cannot reach this daemon", zap.Error(err))
		return func() {}
	}
	a.log.Info("control socket listening", zap.String("socket", srv.Path()))
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), controlShutdown)
		defer cancel()
		if err := srv.Close(ctx); err != nil {
			a.log.Warn("closing the control socket", zap.Error(err))
		}
	}
}

// daemon is the agent as the control socket sees it.
type daemon struct{ a *Agent }

// Checkpoint implements control.Daemon.
func (d daemon) Checkpoint() (control.CheckpointView, error) {
	return control.BuildCheckpoint(d.a.cfg, d.a.store, time.Now(), d.a.starts)
}

// Status implements control.Daemon.
func (d daemon) Status() (control.Status, error) {
	a, now := d.a, time.Now()
	s := control.Status{Protocol: control.Protocol, Version: a.opts.Version, PID: os.Getpid(),
		Started: event.FormatTime(a.started), Now: event.FormatTime(now), StatePath: a.cfg.StatePath,
		Inputs: []control.InputStatus{}, Sinks: []control.SinkStatus{}, Jobs: a.jobs.list()}
	if addr, _ := a.metricsAddr.Load().(string); addr != "" {
		s.MetricsAddress = &addr
	}
	for _, in := range a.cfg.Inputs {
		is, err := a.inputStatus(in, now)
		if err != nil {
			return s, err
		}
		s.Inputs = append(s.Inputs, is)
	}
	for _, sc := range a.cfg.Sinks {
		ss, err := a.sinkStatus(sc)
		if err != nil {
			return s, err
		}
		s.Sinks = append(s.Sinks, ss)
	}
	return s, nil
}

// inputStatus is one input's line of the status.
func (a *Agent) inputStatus(in config.Input, now time.Time) (control.InputStatus, error) {
	is := control.InputStatus{Name: in.Name}
	next, ok, err := a.store.Cursor(in.Name)
	if err != nil {
		return is, err
	}
	if ok {
		is.Cursor = timePtr(next)
	} else if next, ok = a.starts[in.Name]; !ok {
		next = poller.FirstStart(in, now)
	}
	is.NextStart, is.LagSeconds = event.FormatTime(next), int64(config.Lag(now, next)/time.Second)
	rs, err := a.store.Revisits(in.Name)
	if err != nil {
		return is, err
	}
	is.Revisits = len(rs)
	live := a.obs.inputView(in.Name)
	is.LastSuccess, is.LastError = timePtr(live.LastSuccess), problem(live.LastError)
	return is, nil
}

// sinkStatus is one sink's line of the status.
func (a *Agent) sinkStatus(sc config.Sink) (control.SinkStatus, error) {
	q, err := a.store.Stat(sc.Name)
	if err != nil {
		return control.SinkStatus{}, err
	}
	live := a.obs.sinkView(sc.Name)
	ss := control.SinkStatus{Name: sc.Name, Type: sc.Type, Events: q.Events, Bytes: q.Bytes,
		LastDelivery: timePtr(live.LastDelivery), LastError: problem(live.LastError)}
	if q.Events > 0 {
		ss.Oldest = timePtr(q.Oldest)
	}
	if live.ConfigProblem != "" {
		ss.ConfigProblem = &live.ConfigProblem
	}
	return ss, nil
}

// timePtr renders t, nil for the zero time.
func timePtr(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := event.FormatTime(t)
	return &s
}

// problem renders e, nil when there was none.
func problem(e lastError) *control.Problem {
	if e.At.IsZero() {
		return nil
	}
	return &control.Problem{Error: e.Text, At: event.FormatTime(e.At)}
}
