// `once` against an API that refuses connections: it gives up within the
// bound, and says so once, with how many attempts over how long.

package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/serapi"
	"github.com/serfwd/serfwd/pkg/serapi/sersim"
)

// onceGiveUpBound is how long `once` may take to give up on an API it
// cannot reach (README, Operations).
const onceGiveUpBound = 60 * time.Second

// pointAPIAt rewrites e's config so that the input's token and report URLs
// go to addr instead of the simulator.
func pointAPIAt(t *testing.T, e *e2eEnv, addr string) {
	t.Helper()
	data, err := os.ReadFile(e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(data), e.sim.URL, "http://"+addr)
	if err := os.WriteFile(e.cfg, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

var gaveUpRE = regexp.MustCompile(`^serfwd once: input "acme": gave up after (\d+) attempts over ([0-9.a-z]+)(?: on window \S+)?: (.*)$`)

func TestE2EOnceGivesUpOnARefusingAPI(t *testing.T) {
	e := newE2E(t, sersim.Options{}, 2, "", "")
	pointAPIAt(t, e, opsClosedPort(t))
	code, _, stderr := e.run("once")
	if code != exitFailure {
		t.Fatalf("once exited %d, want 1:\n%s", code, stderr)
	}
	var found []string
	for _, line := range strings.Split(stderr, "\n") {
		if gaveUpRE.MatchString(line) {
			found = append(found, line)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want one line saying once gave up, got %d:\n%s", len(found), stderr)
	}
	m := gaveUpRE.FindStringSubmatch(found[0])
	took, err := time.ParseDuration(m[2])
	if err != nil {
		t.Fatalf("duration %q: %v", m[2], err)
	}
	if m[1] != "3" || took >= onceGiveUpBound {
		t.Errorf("gave up after %s attempts over %s, want 3 attempts within %s", m[1], took, onceGiveUpBound)
	}
	first := serapi.Window{Start: e.start, End: e.start.Add(time.Hour)}.String()
	if n := strings.Count(found[0], first); n != 1 || !strings.Contains(m[3], "connection refused") {
		t.Errorf("the message names the first window %d times (want once) or lacks the cause:\n%s", n, found[0])
	}
	if strings.Contains(found[0], "fetching window "+first+": fetching window") {
		t.Errorf("the message repeats itself:\n%s", found[0])
	}
}
