// bench_test.go checks that packaging/bench.sh can run: its helper programs
// build, and syslog-ng accepts the http() configuration with a reliable disk
// buffer that the script writes (`bench.sh --check`). The benchmark itself
// is never run by tests: timings are not asserted.

package packaging

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestBenchScriptCheck(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the bench helpers: skipped with -short")
	}
	bash := needTool(t, "bash")
	needTool(t, "syslog-ng")
	cmd := exec.Command(bash, filepath.Join(repoRoot(t), "packaging", "bench.sh"), "--check")
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 3 {
		if os.Getenv("CI") == "true" {
			t.Fatalf("syslog-ng's http() module is missing; .ci/peers.sh installs it and CI must have it:\n%s", stderr.String())
		}
		t.Skipf("syslog-ng's http() module is missing (run .ci/peers.sh as root): %s", stderr.String())
	}
	if err != nil {
		t.Fatalf("bench.sh --check: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	// The config checked is the one the comparison uses: the same
	// envelopes POSTed unchanged, through a reliable disk buffer.
	for _, want := range []string{"http(url(", `body("${MSG}")`, "disk-buffer(reliable(yes)", "flags(flow-control)"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("the syslog-ng config bench.sh writes lacks %q:\n%s", want, stdout.String())
		}
	}
}
