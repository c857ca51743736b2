// Which failures are setup errors: the state file's and a listener's, by
// their cause, whether the agent made them or a command hands them over.

package agent_test

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/serfwd/serfwd/pkg/agent"
	"github.com/serfwd/serfwd/pkg/state"
)

func TestClassifySetup(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, inUse := net.Listen("tcp", ln.Addr().String())
	file := filepath.Join(t.TempDir(), "plain-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, underFile := state.Open(filepath.Join(file, "state.db"))
	for _, tc := range []struct {
		name  string
		err   error
		setup bool
	}{
		{"address in use", inUse, true},
		{"state path under a file", underFile, true},
		{"locked", fmt.Errorf("opening: %w", state.ErrLocked), true},
		{"corrupt", fmt.Errorf("opening: %w", state.ErrCorrupt), true},
		{"permission", &fs.PathError{Op: "open", Path: "/x", Err: fs.ErrPermission}, true},
		{"already classified", &agent.SetupError{Err: errors.New("bad sink")}, true},
		{"a listen name that does not resolve", &net.OpError{Op: "listen", Net: "tcp",
			Err: &net.DNSError{Err: "no such host", Name: "nosuchhost.invalid", IsNotFound: true}}, true},
		{"a DNS timeout", &net.OpError{Op: "listen", Net: "tcp",
			Err: &net.DNSError{Err: "i/o timeout", Name: "metrics.example", IsTimeout: true}}, false},
		{"a network failure", errors.New("connection refused"), false},
		{"none", nil, false},
	} {
		got := agent.ClassifySetup(tc.err)
		if agent.IsSetupError(got) != tc.setup || !errors.Is(got, tc.err) {
			t.Errorf("%s: ClassifySetup(%v) = %#v, want a setup error: %v, wrapping the error", tc.name, tc.err, got, tc.setup)
		}
	}
}
