// Tests that the unit's SystemCallFilter= allows every system call serfwd
// makes: `serfwd demo` runs under strace, and each call is looked up in the
// filter's groups as systemd-analyze expands them.

package packaging

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// TestSyscallFilterAllowsSerfwd runs `serfwd demo` (simulator, HTTP, state
// file, event output) under strace and checks that every system call it
// makes passes the unit's SystemCallFilter=: a call the filter denies would
// fail with EPERM under systemd, or kill the process.
func TestSyscallFilterAllowsSerfwd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs serfwd demo under strace: skipped with -short")
	}
	analyze := needTool(t, "systemd-analyze")
	strace := needTool(t, "strace")
	u := parseINI(t, unitPath)
	allowed, denied := map[string]bool{}, map[string]bool{}
	groups := map[string][]string{}
	for _, v := range u.values("Service", "SystemCallFilter") {
		set := allowed
		if strings.HasPrefix(v, "~") {
			set, v = denied, v[1:]
		}
		for _, name := range strings.Fields(v) {
			for _, sc := range expandSyscalls(t, analyze, name, groups) {
				set[sc] = true
			}
		}
	}
	if len(allowed) == 0 {
		t.Fatal("the unit has no SystemCallFilter allow-list")
	}

	dir := t.TempDir()
	bin := buildSerfwd(t, dir)
	trace := filepath.Join(dir, "trace")
	runTool(t, dir, envWith("TMPDIR="+dir), strace, "-f", "-qq", "-o", trace, bin, "demo")
	data, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	call := regexp.MustCompile(`(?m)^(?:\d+\s+)?([a-z_][a-z0-9_]*)\(`)
	for _, m := range call.FindAllStringSubmatch(string(data), -1) {
		used[m[1]] = true
	}
	if len(used) < 10 {
		t.Fatalf("strace saw only %d system calls; the trace is not read right:\n%.2000s", len(used), data)
	}
	var bad []string
	for sc := range used {
		if !allowed[sc] || denied[sc] {
			bad = append(bad, sc)
		}
	}
	sort.Strings(bad)
	if len(bad) > 0 {
		t.Fatalf("serfwd makes system calls the unit's SystemCallFilter denies: %v", bad)
	}
	t.Logf("%d distinct system calls, all allowed", len(used))
}

// expandSyscalls resolves a syscall or @group to syscall names with
// `systemd-analyze syscall-filter`, following nested groups.
func expandSyscalls(t *testing.T, analyze, name string, groups map[string][]string) []string {
	t.Helper()
	if !strings.HasPrefix(name, "@") {
		return []string{name}
	}
	if cached, ok := groups[name]; ok {
		return cached
	}
	groups[name] = nil // guards against cycles
	out := runTool(t, ".", nil, analyze, "syscall-filter", "--no-pager", name)
	var calls []string
	for i, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		if i == 0 || line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		calls = append(calls, expandSyscalls(t, analyze, line, groups)...)
	}
	if len(calls) == 0 {
		t.Fatalf("systemd-analyze knows no system calls in %s", name)
	}
	groups[name] = calls
	return calls
}
