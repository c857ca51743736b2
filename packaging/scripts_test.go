// Tests of the maintainer scripts in packaging/scripts/: each run as dpkg and
// rpm call it, against a stand-in systemctl, with and without systemd
// running; and a deb purge that removes the state directory but keeps logs
// and secrets.

package packaging

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestMaintainerScripts runs each script as dpkg and rpm call it, with a
// stand-in systemctl that records its arguments, with and without a running
// systemd (SERFWD_SYSTEMD_RUNDIR stands in for /run/systemd/system).
func TestMaintainerScripts(t *testing.T) {
	sh := needTool(t, "sh")
	const reload, restart, disable = "daemon-reload", "try-restart serfwd.service", "--no-reload disable --now serfwd.service"
	cases := []struct {
		script  string
		args    []string
		systemd bool
		want    []string
	}{
		{"postinstall", []string{"configure", ""}, true, []string{reload}},
		{"postinstall", []string{"configure", "1.0.0"}, true, []string{reload, restart}},
		{"postinstall", []string{"1"}, true, []string{reload}},
		{"postinstall", []string{"2"}, true, []string{reload, restart}},
		{"postinstall", []string{"configure", ""}, false, nil},
		{"postinstall", []string{"2"}, false, nil},
		{"preremove", []string{"remove"}, true, []string{disable}},
		{"preremove", []string{"upgrade", "1.1.0"}, true, nil},
		{"preremove", []string{"0"}, true, []string{disable}},
		{"preremove", []string{"1"}, true, nil},
		{"preremove", []string{"remove"}, false, nil},
		{"postremove", []string{"remove"}, true, []string{reload}},
		{"postremove", []string{"upgrade", "1.1.0"}, true, []string{reload}},
		{"postremove", []string{"0"}, true, []string{reload}},
		{"postremove", []string{"remove"}, false, nil},
	}
	for _, c := range cases {
		name := c.script + " " + strings.Join(c.args, " ")
		if !c.systemd {
			name += " without systemd"
		}
		t.Run(name, func(t *testing.T) {
			calls, out := runScript(t, sh, c.script, c.args, c.systemd, nil)
			if !reflect.DeepEqual(calls, c.want) {
				t.Fatalf("systemctl calls %q, want %q", calls, c.want)
			}
			fresh := c.script == "postinstall" && (c.args[0] == "1" || c.args[0] == "configure" && c.args[1] == "")
			if fresh != strings.Contains(out, "not started") {
				t.Fatalf("fresh install %v, but the script printed:\n%s", fresh, out)
			}
		})
	}
}

// TestPurgeRemovesState checks that a deb purge deletes the state directory
// (under DPKG_ROOT, as dpkg --root sets it) and keeps logs and secrets.
func TestPurgeRemovesState(t *testing.T) {
	sh := needTool(t, "sh")
	root := t.TempDir()
	for _, f := range []string{"var/lib/private/serfwd/state.db", "var/log/private/serfwd/ser-events.ndjson", "etc/serfwd/credentials/acme.secret"} {
		if err := os.MkdirAll(filepath.Join(root, filepath.Dir(f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, f), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("private/serfwd", filepath.Join(root, "var/lib/serfwd")); err != nil {
		t.Fatal(err)
	}
	runScript(t, sh, "postremove", []string{"purge"}, false, []string{"DPKG_ROOT=" + root})
	for _, gone := range []string{"var/lib/serfwd", "var/lib/private/serfwd"} {
		if _, err := os.Lstat(filepath.Join(root, gone)); !os.IsNotExist(err) {
			t.Errorf("%s is still there after purge (%v)", gone, err)
		}
	}
	for _, kept := range []string{"var/log/private/serfwd/ser-events.ndjson", "etc/serfwd/credentials/acme.secret"} {
		if _, err := os.Stat(filepath.Join(root, kept)); err != nil {
			t.Errorf("purge removed %s: %v", kept, err)
		}
	}
}

// runScript runs packaging/scripts/<script>.sh and returns the stand-in
// systemctl's calls and the script's output.
func runScript(t *testing.T, sh, script string, args []string, systemd bool, env []string) (calls []string, out string) {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	log := filepath.Join(dir, "systemctl.log")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	stub := "#!/bin/sh\necho \"$*\" >>" + log + "\n"
	if err := os.WriteFile(filepath.Join(bin, "systemctl"), []byte(stub), 0o755); err != nil {
		t.Fatal(err)
	}
	rundir := filepath.Join(dir, "run-systemd-system")
	if systemd {
		if err := os.Mkdir(rundir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	env = append(env, "PATH="+bin+":"+os.Getenv("PATH"), "SERFWD_SYSTEMD_RUNDIR="+rundir)
	path, err := filepath.Abs(filepath.Join("scripts", script+".sh"))
	if err != nil {
		t.Fatal(err)
	}
	out = runTool(t, dir, envWith(env...), sh, append([]string{path}, args...)...)
	data, err := os.ReadFile(log)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if line != "" {
			calls = append(calls, line)
		}
	}
	return calls, out
}
