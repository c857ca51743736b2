// Helpers shared by the packaging tests: the repository's root, the tools a
// test needs (skipped without one, except under CI), running commands,
// building serfwd, and a reader of systemd unit files.

package packaging

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// repoRoot is the repository's top folder (tests run in packaging/).
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatalf("repository root not found above packaging/: %v", err)
	}
	return dir
}

// needTool returns the path of a command the test needs. Without it the test
// skips, except under CI=true, where .ci/peers.sh should have installed it.
func needTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	for _, dir := range []string{"/usr/sbin", "/sbin"} {
		if p := filepath.Join(dir, name); isExecutable(p) {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not installed; .ci/peers.sh installs it (as root) and CI must have it", name)
	}
	t.Skipf("%s is not installed: skipping (run .ci/peers.sh as root to install it)", name)
	return ""
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// runTool runs a command and returns its stdout; a failure ends the test
// with the command's stderr.
func runTool(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	out, errOut, err := runCmd(dir, env, name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\nstdout:\n%s\nstderr:\n%s", name, strings.Join(args, " "), err, out, errOut)
	}
	return out
}

func runCmd(dir string, env []string, name string, args ...string) (stdout, stderr string, err error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if env != nil {
		cmd.Env = env
	}
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}

// buildSerfwd builds the binary into dir and returns its path.
func buildSerfwd(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "serfwd")
	runTool(t, repoRoot(t), nil, "go", "build", "-o", bin, "./cmd/serfwd")
	return bin
}

// envWith returns the environment with the given VAR=value entries replacing
// any of the same names.
func envWith(set ...string) []string {
	drop := map[string]bool{}
	for _, kv := range set {
		drop[strings.SplitN(kv, "=", 2)[0]] = true
	}
	var env []string
	for _, kv := range os.Environ() {
		if !drop[strings.SplitN(kv, "=", 2)[0]] {
			env = append(env, kv)
		}
	}
	return append(env, set...)
}

// unitFile is a systemd unit file read as sections of
// key/value lines; a key may repeat.
type unitFile map[string][][2]string

// parseINI reads systemd unit syntax: [section] headers,
// "key = value" or "key=value" lines, # and ; comments, blank lines.
// A line that is none of these is an error.
func parseINI(t *testing.T, path string) unitFile {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f := unitFile{}
	section := ""
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			section = line[1 : len(line)-1]
			if _, dup := f[section]; dup && section != "" {
				t.Fatalf("%s:%d: section [%s] appears twice", path, i+1, section)
			}
			f[section] = nil
		default:
			key, value, ok := strings.Cut(line, "=")
			if !ok || strings.TrimSpace(key) == "" {
				t.Fatalf("%s:%d: not a key = value line: %q", path, i+1, line)
			}
			f[section] = append(f[section], [2]string{strings.TrimSpace(key), strings.TrimSpace(value)})
		}
	}
	return f
}

// values returns every value of key in section, in file order.
func (f unitFile) values(section, key string) []string {
	var vs []string
	for _, kv := range f[section] {
		if kv[0] == key {
			vs = append(vs, kv[1])
		}
	}
	return vs
}

// value returns the last value of key in section ("" if absent).
func (f unitFile) value(section, key string) string {
	vs := f.values(section, key)
	if len(vs) == 0 {
		return ""
	}
	return vs[len(vs)-1]
}
