// The Poller: what it works with (Fetcher, Streamer, Observer, Config), Run's
// loop of catching up and then sleeping until the next window is due, and
// CatchUp and Backfill with where each starts and which windows it covers.

package poller

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/internal/idtable"
	"github.com/serfwd/serfwd/pkg/serapi"
	"github.com/serfwd/serfwd/pkg/state"
)

// Fetcher fetches one window's report; *serapi.Client is one.
type Fetcher interface {
	Report(ctx context.Context, w serapi.Window) (*serapi.Report, error)
}

// Streamer is a Fetcher that hands over a window's records as they are
// decoded, as *serapi.Client does: the poller then never holds a window's
// records in memory. The answers of a plain Fetcher are replayed record by
// record.
type Streamer interface {
	Stream(ctx context.Context, w serapi.Window, h serapi.StreamHandler) error
}

// Observer receives the poller's figures; metrics implement it.
type Observer interface {
	// Committed is called after a window's events were queued.
	Committed(input string, w serapi.Window, events int, cursorMoved bool)
	// PollDone is called after a pass of Run caught the input up.
	PollDone(input string)
}

type nopObserver struct{}

func (nopObserver) Committed(string, serapi.Window, int, bool) {}
func (nopObserver) PollDone(string)                            {}

// Config is what a Poller is made of; New fills in the defaults.
type Config struct {
	Input         config.Input // Name, Start, Lookback, Window, Interval, Delay, Concurrency, Revisit, Sinks
	Fetcher       Fetcher
	Store         *state.Store
	Logger        *zap.Logger      // default: none
	Observer      Observer         // optional
	MaxQueueBytes int64            // pause while a routed sink's queue holds more; 0 = no limit
	Now           func() time.Time // default time.Now; for tests
	// MaxAttempts bounds the fetches of one window before CatchUp gives up
	// (for `once`); 0 retries forever (the daemon), blocking the cursor.
	MaxAttempts int
	RetryMin    time.Duration // first wait after a failed window (default 2s)
	RetryMax    time.Duration // cap (default 5m)
	// RevisitsPerPass bounds the due revisits fetched after each catch-up
	// (default DefaultRevisitsPerPass), so that a long revisit list never
	// holds back new windows; the rest wait for the next pass.
	RevisitsPerPass int
}

// Poller polls one input.
type Poller struct {
	Config

	nextRevisit time.Time       // when the earliest revisit is due; zero for none
	budget      *idtable.Budget // the memory of the fetches' id tables (fingerprint.go)
	scratch     idtable.Scratch // their files: the state file's scratch files
	// onPause, when set (by tests), is called each time polling waits for
	// room in the queue of the named sink.
	onPause func(sink string)
}

// New returns a Poller for c, with defaults for what c leaves zero.
func New(c Config) *Poller {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Observer == nil {
		c.Observer = nopObserver{}
	}
	if c.Logger == nil {
		c.Logger = zap.NewNop()
	}
	if c.RetryMin <= 0 {
		c.RetryMin = 2 * time.Second
	}
	if c.RetryMax <= 0 {
		c.RetryMax = 5 * time.Minute
	}
	if c.Input.Concurrency <= 0 {
		c.Input.Concurrency = 1
	}
	if c.RevisitsPerPass <= 0 {
		c.RevisitsPerPass = DefaultRevisitsPerPass
	}
	return &Poller{Config: c, budget: tables, scratch: c.Store.Scratch}
}

// ErrStateWrite marks a failure to write the state file: polling stops, as
// going on could not keep the guarantees.
var ErrStateWrite = errors.New("state file write failed")

// Run polls until ctx ends: it catches up, then sleeps until the next window
// is due (at most Interval), and again. It returns nil when ctx ends and an
// error only when the state file fails.
func (p *Poller) Run(ctx context.Context) error {
	for {
		if _, err := p.CatchUp(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		p.Observer.PollDone(p.Input.Name)
		wait := p.Input.Interval
		if next, err := p.nextDue(); err == nil {
			wait = min(wait, max(next.Sub(p.Now()), 0))
		}
		if !p.nextRevisit.IsZero() {
			// At least a second apart, so that a backlog of due revisits
			// is worked off in bounded passes, new windows first each time.
			wait = min(wait, max(p.nextRevisit.Sub(p.Now()), time.Second))
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// nextDue is when the window after the cursor may be fetched.
func (p *Poller) nextDue() (time.Time, error) {
	from, err := p.from()
	if err != nil {
		return time.Time{}, err
	}
	return nextWindow(from, p.Input.Window).End.Add(p.Input.Delay), nil
}

// from is where the next window starts: the cursor, else the configured
// start, else now - lookback, aligned down.
func (p *Poller) from() (time.Time, error) {
	cur, ok, err := p.Store.Cursor(p.Input.Name)
	if err != nil {
		return time.Time{}, fmt.Errorf("reading cursor of input %q: %w", p.Input.Name, err)
	}
	if ok {
		return cur, nil
	}
	return FirstStart(p.Input, p.Now()), nil
}

// FirstStart is where an input without a cursor starts at now: its start,
// else now - lookback, aligned down to its window.
func FirstStart(in config.Input, now time.Time) time.Time {
	if !in.Start.IsZero() {
		return alignDown(in.Start, in.Window)
	}
	return alignDown(now.Add(-in.Lookback), in.Window)
}

// CatchUp fetches and commits every window from the cursor up to
// now - delay and returns how many it committed; then, when revisit is on,
// it revisits the windows on the revisit list that are due (see
// revisitPass). A failing revisit never fails CatchUp; a state file
// failure does.
func (p *Poller) CatchUp(ctx context.Context) (int, error) {
	from, err := p.from()
	if err != nil {
		return 0, err
	}
	until := p.Now().Add(-p.Input.Delay)
	n, events, err := p.process(ctx, from, until, true, nil)
	if n > 0 {
		// The error, if any, goes back to the caller, who reports it.
		if cur, ok, _ := p.Store.Cursor(p.Input.Name); ok {
			from = cur
		}
		p.Logger.Info("poll complete", zap.String("input", p.Input.Name), zap.Int("windows", n),
			zap.Int("events", events), zap.String("cursor", event.FormatTime(from)),
			zap.Duration("lag", config.Lag(p.Now(), from).Round(time.Second)))
	}
	if err != nil {
		return n, err
	}
	return n, p.revisitPass(ctx)
}

// Backfill fetches and queues the aligned windows covering [from, to)
// without moving the cursor; progress (optional) is told after each window.
func (p *Poller) Backfill(ctx context.Context, from, to time.Time, progress func(done, total int)) (int, error) {
	from, to = alignOut(from, to, p.Input.Window)
	n, _, err := p.process(ctx, from, to, false, progress)
	return n, err
}

// Windows lists the windows Backfill(from, to) covers.
func Windows(from, to time.Time, size time.Duration) []serapi.Window {
	from, to = alignOut(from, to, size)
	return plan(from, to, size)
}

// alignOut widens [from, to) to whole windows: from down, to up.
func alignOut(from, to time.Time, size time.Duration) (time.Time, time.Time) {
	if a := alignDown(to, size); !a.Equal(to) {
		to = a.Add(size)
	}
	return alignDown(from, size), to
}
