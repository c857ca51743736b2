// The control socket and its protocol, between a fake daemon and the
// client: the socket file (mode, stale, in the way, removal), the answers,
// a version the client does not speak, and a backfill's stream.

package control_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/serfwd/serfwd/pkg/control"
)

// fakeDaemon answers from fixed values; its Backfill sends events and
// reports how its follower went.
type fakeDaemon struct {
	status   control.Status
	view     control.CheckpointView
	events   []control.JobEvent
	refuse   error
	hold     chan struct{} // when set, Backfill waits on it after the events
	followed chan error    // what Backfill returned
	got      chan control.BackfillRequest
}

func (d *fakeDaemon) Status() (control.Status, error)             { return d.status, nil }
func (d *fakeDaemon) Checkpoint() (control.CheckpointView, error) { return d.view, nil }
func (d *fakeDaemon) Backfill(ctx context.Context, req control.BackfillRequest, follow func(control.JobEvent) error) error {
	err := d.backfill(ctx, req, follow)
	if d.followed != nil {
		d.followed <- err
	}
	return err
}

func (d *fakeDaemon) backfill(ctx context.Context, req control.BackfillRequest, follow func(control.JobEvent) error) error {
	if d.got != nil {
		d.got <- req
	}
	if d.refuse != nil {
		return d.refuse
	}
	for _, ev := range d.events {
		if err := follow(ev); err != nil {
			return err
		}
	}
	if d.hold != nil {
		select {
		case <-d.hold:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// socketIn returns a socket path in a new directory.
func socketIn(t *testing.T) string {
	t.Helper()
	return control.SocketPath(filepath.Join(t.TempDir(), "state.db"))
}

func serve(t *testing.T, path string, d control.Daemon) *control.Server {
	t.Helper()
	srv, err := control.Serve(path, d, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close(context.Background()) })
	return srv
}

func dial(t *testing.T, path string) *control.Client {
	t.Helper()
	c, err := control.Dial(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSocketIsOwnerOnlyAndGoesAway(t *testing.T) {
	path := socketIn(t)
	if path != filepath.Join(filepath.Dir(path), "state.db.sock") {
		t.Fatalf("SocketPath = %s", path)
	}
	srv := serve(t, path, &fakeDaemon{})
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode()&os.ModeSocket == 0 || fi.Mode().Perm() != 0o600 {
		t.Errorf("socket mode %v, want a socket with 0600", fi.Mode())
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("the directory holds %d entries, want only the socket (no private directory left)", len(entries))
	}
	if err := srv.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the socket is still there after Close: %v", err)
	}
	if _, err := control.Dial(context.Background(), path); !errors.Is(err, control.ErrNoDaemon) {
		t.Errorf("Dial after Close = %v, want ErrNoDaemon", err)
	}
}

func TestStaleSocketIsNoDaemonAndIsReplaced(t *testing.T) {
	path := socketIn(t)
	// A daemon killed with -9 leaves its socket behind.
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ln.SetUnlinkOnClose(false)
	ln.Close()
	if _, err := control.Dial(context.Background(), path); !errors.Is(err, control.ErrNoDaemon) {
		t.Fatalf("Dial on a stale socket = %v, want ErrNoDaemon", err)
	}
	want := control.Status{Protocol: 1, PID: 42, Version: "test"}
	serve(t, path, &fakeDaemon{status: want})
	got, err := dial(t, path).Status(context.Background())
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("Status = %+v, %v; want %+v", got, err, want)
	}
}

func TestSomethingElseInTheWayIsLeftAlone(t *testing.T) {
	path := socketIn(t)
	if err := os.WriteFile(path, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := control.Serve(path, &fakeDaemon{}, nil); err == nil {
		t.Fatal("Serve replaced a regular file")
	}
	if data, _ := os.ReadFile(path); string(data) != "precious" {
		t.Fatalf("the file in the way was changed: %q", data)
	}
}

func TestNoSocketIsNoDaemon(t *testing.T) {
	if _, err := control.Dial(context.Background(), socketIn(t)); !errors.Is(err, control.ErrNoDaemon) {
		t.Fatalf("Dial = %v, want ErrNoDaemon", err)
	}
}

func TestAnswersAsTheDaemonGaveThem(t *testing.T) {
	path := socketIn(t)
	cursor := "2026-11-28T10:00:00.000Z"
	d := &fakeDaemon{
		status: control.Status{Protocol: 1, PID: 7, Inputs: []control.InputStatus{{Name: "acme", Cursor: &cursor, LagSeconds: 3600,
			LastError: &control.Problem{Error: "HTTP 503", At: cursor}}}, Sinks: []control.SinkStatus{{Name: "splunk", Events: 94}}},
		view: control.CheckpointView{StatePath: "/x/state.db", Sinks: []control.CheckpointSink{{Name: "splunk", Events: 94, Configured: true}}},
	}
	serve(t, path, d)
	c := dial(t, path)
	st, err := c.Status(context.Background())
	if err != nil || !reflect.DeepEqual(st, d.status) {
		t.Errorf("Status = %+v, %v", st, err)
	}
	v, err := c.Checkpoint(context.Background())
	if err != nil || !reflect.DeepEqual(v, d.view) {
		t.Errorf("Checkpoint = %+v, %v", v, err)
	}
}

func TestAnotherProtocolVersionIsNamed(t *testing.T) {
	path := socketIn(t)
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v2/status", func(w http.ResponseWriter, _ *http.Request) { json.NewEncoder(w).Encode(map[string]int{"protocol": 2}) })
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	defer srv.Close()
	if _, err := dial(t, path).Status(context.Background()); !errors.Is(err, control.ErrProtocol) {
		t.Fatalf("Status from a daemon of protocol 2 = %v, want ErrProtocol", err)
	}
}

// A state path longer than a Unix socket address allows still has its
// socket, owner-only, reached by the client, removed at Close.
func TestSocketOfALongStatePath(t *testing.T) {
	dir := t.TempDir()
	for len(dir) < 200 {
		dir = filepath.Join(dir, "a-long-directory-name")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := control.SocketPath(filepath.Join(dir, "state.db"))
	want := control.Status{Protocol: 1, PID: 7, Version: "long"}
	srv := serve(t, path, &fakeDaemon{status: want})
	if fi, err := os.Lstat(path); err != nil || fi.Mode()&os.ModeSocket == 0 || fi.Mode().Perm() != 0o600 {
		t.Fatalf("socket at a %d-byte path: %v, %v; want a socket of mode 0600", len(path), fi, err)
	}
	got, err := dial(t, path).Status(context.Background())
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("Status over a %d-byte path = %+v, %v", len(path), got, err)
	}
	if err := srv.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := control.Dial(context.Background(), path); !errors.Is(err, control.ErrNoDaemon) {
		t.Errorf("Dial after Close = %v, want ErrNoDaemon", err)
	}
}

// The client never follows a redirect (SPEC §1, for every HTTP client).
func TestClientRefusesRedirects(t *testing.T) {
	path := socketIn(t)
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	followed := make(chan struct{}, 1)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/status", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/v1/elsewhere", http.StatusTemporaryRedirect)
	})
	mux.HandleFunc("/v1/elsewhere", func(w http.ResponseWriter, _ *http.Request) {
		followed <- struct{}{}
		json.NewEncoder(w).Encode(control.Status{Protocol: 1})
	})
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	defer srv.Close()
	if _, err := dial(t, path).Status(context.Background()); err == nil || !strings.Contains(err.Error(), "redirects are never followed") {
		t.Fatalf("Status from a daemon that redirects = %v, want the redirect refused", err)
	}
	select {
	case <-followed:
		t.Fatal("the client followed the redirect")
	default:
	}
}
