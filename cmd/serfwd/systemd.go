// systemd's notify protocol (Type=notify): readiness, watchdog pings and
// stopping.

package main

import (
	"time"

	"github.com/coreos/go-systemd/v22/daemon"
	"go.uber.org/zap"
)

// notifier speaks systemd's notify protocol when NOTIFY_SOCKET is set
// (Type=notify): READY=1 once the state file is open, WATCHDOG=1 while
// running and draining, STOPPING=1 when shutdown begins. Without systemd it does nothing.
type notifier struct {
	log      *zap.Logger
	watchdog time.Duration // ping period; 0 = no watchdog
}

func newNotifier(log *zap.Logger) *notifier {
	n := &notifier{log: log}
	if d, err := daemon.SdWatchdogEnabled(false); err == nil && d > 0 {
		n.watchdog = d / 2
	}
	return n
}

func (n *notifier) send(state string) {
	if _, err := daemon.SdNotify(false, state); err != nil {
		n.log.Warn("systemd notify failed", zap.String("state", state), zap.Error(err))
	}
}

// keepAlive pings the watchdog every half period from a goroutine until the
// returned function is called (`run` calls it from READY=1 until the queues
// are drained).
func (n *notifier) keepAlive() (stop func()) {
	if n.watchdog <= 0 {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(n.watchdog)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				n.send("WATCHDOG=1")
			}
		}
	}()
	return func() { close(done); <-finished }
}
