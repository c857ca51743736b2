// Progress of a long command on stderr: a bar on a terminal, plain lines
// (every 10 % or 5 s) otherwise, e.g. under systemd or in a pipe.

package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress is told after each step; finish ends the display.
type progress interface {
	update(done, total int)
	finish(ok bool)
}

// newProgress returns a bar when w is a terminal, else a line printer.
func newProgress(w io.Writer, desc string, total int) progress {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return newBar(w, desc, total)
	}
	return &lineProgress{w: w, desc: desc, total: total, every: 5 * time.Second, now: time.Now, last: time.Now()}
}

// lineProgress prints "desc: done/total windows" at each tenth of the way
// and at least every `every` while steps complete.
type lineProgress struct {
	w      io.Writer
	desc   string
	total  int
	every  time.Duration
	now    func() time.Time
	last   time.Time
	decile int
}

func (p *lineProgress) update(done, total int) {
	if total > 0 {
		p.total = total
	}
	d := 10
	if p.total > 0 {
		d = done * 10 / p.total
	}
	if d > p.decile || p.now().Sub(p.last) >= p.every || done == p.total {
		p.decile, p.last = d, p.now()
		fmt.Fprintf(p.w, "%s: %d/%d windows\n", p.desc, done, p.total)
	}
}

func (p *lineProgress) finish(bool) {}

// barProgress draws a progress bar.
type barProgress struct {
	bar *progressbar.ProgressBar
}

func newBar(w io.Writer, desc string, total int) *barProgress {
	return &barProgress{bar: progressbar.NewOptions(total,
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

func (p *barProgress) update(done, _ int) { _ = p.bar.Set(done) }

func (p *barProgress) finish(ok bool) {
	if ok {
		_ = p.bar.Finish()
		return
	}
	_ = p.bar.Exit() // stops drawing; the completion hook ends the line
}
