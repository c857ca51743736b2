// Progress of a long command on stderr: a bar on a terminal, plain lines
// (every 10 % or 5 s) otherwise, e.g. under systemd or in a pipe; both say
// when the command waits for the rate limit.

package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress is told after each step and whenever a request waits for the
// rate limit (from any goroutine); finish ends the display.
type progress interface {
	update(done, total int)
	waiting(d time.Duration, rate string)
	finish(ok bool)
}

// newProgress returns a bar when w is a terminal, else a line printer.
func newProgress(w io.Writer, desc string, total int) progress {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return newBar(w, desc, total)
	}
	return &lineProgress{w: w, desc: desc, total: total, every: 5 * time.Second, now: time.Now, last: time.Now()}
}

// describeWait renders a rate limit wait: "12s", or "until a request in
// flight answers" (d < 0).
func describeWait(d time.Duration, rate string) string {
	if d < 0 {
		return fmt.Sprintf("waiting for the rate limit (%s) until a request in flight answers", rate)
	}
	return fmt.Sprintf("waiting %s for the rate limit (%s)", d.Round(100*time.Millisecond), rate)
}

// lineProgress prints "desc: done/total windows" at each tenth of the way
// and at least every `every` while steps complete, and one line about a
// rate limit wait between two such lines.
type lineProgress struct {
	mu       sync.Mutex
	w        io.Writer
	desc     string
	total    int
	every    time.Duration
	now      func() time.Time
	last     time.Time
	decile   int
	waitSaid bool
}

func (p *lineProgress) update(done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if total > 0 {
		p.total = total
	}
	d := 10
	if p.total > 0 {
		d = done * 10 / p.total
	}
	if d > p.decile || p.now().Sub(p.last) >= p.every || done == p.total {
		p.decile, p.last, p.waitSaid = d, p.now(), false
		fmt.Fprintf(p.w, "%s: %d/%d windows\n", p.desc, done, p.total)
	}
}

func (p *lineProgress) waiting(d time.Duration, rate string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.waitSaid {
		p.waitSaid = true
		fmt.Fprintf(p.w, "%s: %s\n", p.desc, describeWait(d, rate))
	}
}

func (p *lineProgress) finish(bool) {}

// barProgress draws a progress bar; while a request waits for the rate
// limit, its description says so until the next step.
type barProgress struct {
	bar  *progressbar.ProgressBar
	desc string
}

func newBar(w io.Writer, desc string, total int) *barProgress {
	return &barProgress{desc: desc, bar: progressbar.NewOptions(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionSetItsString("windows"),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }),
	)}
}

func (p *barProgress) update(done, _ int) {
	p.bar.Describe(p.desc)
	_ = p.bar.Set(done)
}

func (p *barProgress) waiting(d time.Duration, rate string) {
	p.bar.Describe(p.desc + " (" + describeWait(d, rate) + ")")
}

func (p *barProgress) finish(ok bool) {
	if ok {
		_ = p.bar.Finish()
		return
	}
	_ = p.bar.Exit() // stops drawing; the completion hook ends the line
}
