// Backfill jobs handed to a running daemon (`serfwd backfill` beside
// `serfwd run`): a job re-fetches a range with its own poller over the
// daemon's client (one rate limit) into the daemon's queues, without moving
// the cursor, then waits for the sinks to deliver it; whoever follows it
// hears of its progress. A job belongs to the daemon: it ends with it, not
// with a follower.

package agent

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/control"
	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/internal/crash"
	"github.com/serfwd/serfwd/pkg/poller"
	"github.com/serfwd/serfwd/pkg/serapi"
)

// JobMaxAttempts bounds the fetches of one failing window of a backfill job
// in the daemon. Its requests go through the daemon's patient client (not
// the one-shot policy of `once` and `backfill` alone, which fetch a window
// once), so a few fetches suffice; then the job fails and says so, and the
// range can be sent again.
const JobMaxAttempts = 3

// keptJobs is how many ended jobs the status still lists.
const keptJobs = 10

// jobs are a daemon's backfill jobs.
type jobs struct {
	mu   sync.Mutex
	ctx  context.Context // the daemon's polling; nil when not running
	wg   sync.WaitGroup
	next int
	all  []*job
}

// open lets jobs run until ctx ends.
func (js *jobs) open(ctx context.Context) {
	js.mu.Lock()
	js.ctx = ctx
	js.mu.Unlock()
}

// wait waits for every job to end (after the context given to open ended).
func (js *jobs) wait() { js.wg.Wait() }

// add registers a new job and starts run for it, unless the daemon stops.
func (js *jobs) add(j *job, run func(context.Context, *job)) error {
	js.mu.Lock()
	defer js.mu.Unlock()
	if js.ctx == nil || js.ctx.Err() != nil {
		return errors.New("the daemon is not polling (starting or stopping); try again")
	}
	js.next++
	j.id = js.next
	js.all = append(js.all, j)
	if ended := slices.DeleteFunc(slices.Clone(js.all), func(j *job) bool { return !j.ended() }); len(ended) > keptJobs {
		drop := ended[0]
		js.all = slices.DeleteFunc(js.all, func(j *job) bool { return j == drop })
	}
	ctx := js.ctx
	js.wg.Go(func() { run(ctx, j) })
	return nil
}

// list is the status of every job kept, oldest first.
func (js *jobs) list() []control.JobStatus {
	js.mu.Lock()
	all := slices.Clone(js.all)
	js.mu.Unlock()
	out := make([]control.JobStatus, 0, len(all))
	for _, j := range all {
		out = append(out, j.status())
	}
	return out
}

// job is one backfill job and its followers.
type job struct {
	id       int
	input    string
	from, to time.Time
	total    int
	started  time.Time

	mu     sync.Mutex
	state  string // fetching, delivering, done, failed
	done   int
	events int64
	err    string
	subs   map[chan control.JobEvent]bool
	final  *control.JobEvent
}

func (j *job) ended() bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.final != nil
}

func (j *job) status() control.JobStatus {
	j.mu.Lock()
	defer j.mu.Unlock()
	return control.JobStatus{ID: j.id, Input: j.input, From: event.FormatTime(j.from), To: event.FormatTime(j.to),
		Started: event.FormatTime(j.started), State: j.state, Done: j.done, Total: j.total, Events: j.events, Error: j.err}
}

// subscribe returns a channel of the job's events from now on, closed
// after the last; unsubscribe lets go of it.
func (j *job) subscribe() chan control.JobEvent {
	ch := make(chan control.JobEvent, 64)
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.final != nil {
		ch <- *j.final
		close(ch)
		return ch
	}
	j.subs[ch] = true
	return ch
}

func (j *job) unsubscribe(ch chan control.JobEvent) {
	j.mu.Lock()
	defer j.mu.Unlock()
	delete(j.subs, ch)
}

// publish hands ev to every follower; a follower too slow to take a
// progress or wait event misses it (a later one says more). The last event
// is never missed: it ends each follower's channel.
func (j *job) publish(ev control.JobEvent) {
	j.mu.Lock()
	defer j.mu.Unlock()
	last := ev.Type == control.JobDone
	if last {
		j.final = &ev
	}
	for ch := range j.subs {
		if last {
			sendLast(ch, ev)
			close(ch)
			continue
		}
		select {
		case ch <- ev:
		default:
		}
	}
	if last {
		clear(j.subs)
	}
}

// sendLast puts ev into ch, dropping older events that fill it: the end
// matters more than a step. Only publish sends on ch, so room, once made,
// stays.
func sendLast(ch chan control.JobEvent, ev control.JobEvent) {
	for {
		select {
		case ch <- ev:
			return
		default:
		}
		select {
		case <-ch:
		default:
		}
	}
}

// update changes the job's figures under its lock.
func (j *job) update(fn func(j *job)) {
	j.mu.Lock()
	fn(j)
	j.mu.Unlock()
}

// Backfill implements control.Daemon: it checks the request, starts the
// job and follows it until it ended or ctx did.
func (d daemon) Backfill(ctx context.Context, req control.BackfillRequest, follow func(control.JobEvent) error) error {
	a := d.a
	j, err := a.newJob(req)
	if err != nil {
		return err
	}
	j.subs = map[chan control.JobEvent]bool{}
	ch := j.subscribe()
	if err := a.jobs.add(j, a.runJob); err != nil {
		return err // not the request's fault: worth trying again (exit 1, not 2)
	}
	a.log.Info("backfill job accepted", zap.Int("job", j.id), zap.String("input", j.input),
		zap.String("from", event.FormatTime(j.from)), zap.String("to", event.FormatTime(j.to)))
	if err := follow(control.JobEvent{Type: control.JobAccepted, Job: j.id, Total: j.total}); err != nil {
		j.unsubscribe(ch)
		return err
	}
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				return nil
			}
			if err := follow(ev); err != nil {
				j.unsubscribe(ch)
				return err
			}
		case <-ctx.Done():
			j.unsubscribe(ch)
			return ctx.Err()
		}
	}
}

// newJob checks a request against the daemon's config: a configured
// input, and a range of its windows that have all closed.
func (a *Agent) newJob(req control.BackfillRequest) (*job, error) {
	in, ok := a.input(req.Input)
	if !ok {
		return nil, &control.RequestError{Msg: fmt.Sprintf("the daemon has no input %q", req.Input)}
	}
	from, err := serapi.ParseTime(req.From)
	if err != nil {
		return nil, &control.RequestError{Msg: fmt.Sprintf("from: %v", err)}
	}
	to, err := serapi.ParseTime(req.To)
	if err != nil {
		return nil, &control.RequestError{Msg: fmt.Sprintf("to: %v", err)}
	}
	if err := config.CheckTime(from); err != nil {
		return nil, &control.RequestError{Msg: fmt.Sprintf("from: %v", err)}
	}
	ws := poller.Windows(from, to, in.Window)
	closed := time.Now().Add(-in.Delay)
	if len(ws) == 0 || ws[len(ws)-1].End.After(closed) {
		return nil, &control.RequestError{Msg: fmt.Sprintf("%s to %s is not a range of closed windows of input %q (windows up to %s have closed)",
			req.From, req.To, in.Name, event.FormatTime(closed))}
	}
	return &job{input: in.Name, from: ws[0].Start, to: ws[len(ws)-1].End, total: len(ws), started: time.Now(), state: "fetching"}, nil
}

// runJob fetches the job's range, then waits for its delivery.
func (a *Agent) runJob(ctx context.Context, j *job) {
	in, _ := a.input(j.input)
	pl := a.newPoller(in)
	pl.MaxAttempts = JobMaxAttempts
	counted := &countingObserver{Observer: pl.Observer}
	pl.Observer = counted
	hooked := serapi.WithWaitHook(ctx, func(d time.Duration) {
		secs := d.Seconds()
		if d < 0 {
			secs = -1
		}
		j.publish(control.JobEvent{Type: control.JobWait, WaitSeconds: secs})
	})
	var n int
	err := crash.Call(fmt.Sprintf("backfill job %d", j.id), func() (err error) {
		n, err = pl.Backfill(hooked, j.from, j.to, func(done, total int) {
			events := counted.events.Load()
			j.update(func(j *job) { j.done, j.events = done, events })
			j.publish(control.JobEvent{Type: control.JobProgress, Done: done, Total: total})
		})
		return err
	})
	if st := stackField(err); st.Type != zapcore.SkipType {
		a.log.Error("backfill job stopped on an internal error", zap.Error(err), st)
	}
	if err != nil && ctx.Err() != nil {
		err = errors.New("the daemon is stopping: the job ended early")
	}
	events := counted.events.Load()
	j.update(func(j *job) { j.state, j.done, j.events = "delivering", n, events })
	j.publish(control.JobEvent{Type: control.JobFetched, OK: err == nil, Windows: n, Events: events})
	left := a.awaitDelivery(ctx, in.Sinks, time.Now())
	final := control.JobEvent{Type: control.JobDone, Windows: n, Events: events, Left: left}
	state := "done"
	if err != nil {
		final.Error, state = a.obs.red.String(err.Error()), "failed"
	}
	j.update(func(j *job) { j.state, j.err = state, final.Error })
	a.log.Info("backfill job ended", zap.Int("job", j.id), zap.String("input", j.input), zap.Int("windows", n),
		zap.Int64("events", events), zap.Any("still_queued", left), zap.Error(err))
	j.publish(final)
}

// awaitDelivery waits, at most shutdown_timeout, until none of sinks holds
// an event queued at or before queuedBy, and returns how many events each
// sink that still does holds. A queue is looked at again each time a
// delivery loop moved one.
func (a *Agent) awaitDelivery(ctx context.Context, sinks []string, queuedBy time.Time) map[string]int64 {
	timer := time.NewTimer(a.cfg.ShutdownTimeout)
	defer timer.Stop()
	for {
		moved := a.obs.queueMoved() // before the look, so that no move is missed
		left := map[string]int64{}
		for _, s := range sinks {
			if q, err := a.store.Stat(s); err == nil && q.Events > 0 && !q.Oldest.After(queuedBy) {
				left[s] = q.Events
			}
		}
		if len(left) == 0 {
			return nil
		}
		select {
		case <-moved:
		case <-timer.C:
			return left
		case <-ctx.Done():
			return left
		}
	}
}
