// The commands' side: reaching the daemon on its control socket, or
// learning that none runs.

package control

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"syscall"
	"time"

	"github.com/serfwd/serfwd/pkg/httpx"
)

// ErrNoDaemon means that no daemon answers on the socket: there is none,
// or the one there was left by a daemon that was killed.
var ErrNoDaemon = errors.New("no serfwd daemon answers")

// ErrProtocol means that the daemon does not speak this serfwd's protocol
// version (it is an older or newer serfwd).
var ErrProtocol = errors.New("the daemon speaks another control protocol version (is it an older or newer serfwd? restart it with this one)")

// dialTimeout bounds connecting to the socket; requestTimeout a status or
// checkpoint answer.
const (
	dialTimeout    = 5 * time.Second
	requestTimeout = 30 * time.Second
)

// Client talks to one daemon.
type Client struct {
	path string
	hc   *http.Client
}

// Dial connects to the daemon whose socket is at path once, to tell a
// running daemon (a Client) from none (ErrNoDaemon) or one the caller may
// not reach (another error, e.g. permission denied).
func Dial(ctx context.Context, path string) (*Client, error) {
	d := net.Dialer{Timeout: dialTimeout}
	dial := func(ctx context.Context, _, _ string) (conn net.Conn, err error) {
		err = viaShortPath(path, func(addr string) error {
			conn, err = d.DialContext(ctx, "unix", addr)
			return err
		})
		return conn, err
	}
	conn, err := dial(ctx, "", "")
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ECONNREFUSED):
		return nil, fmt.Errorf("%w on %s", ErrNoDaemon, path)
	case errors.Is(err, fs.ErrPermission):
		return nil, fmt.Errorf("control socket %s: %w (run this as the daemon's user, or root)", path, dialCause(err))
	case err != nil:
		return nil, fmt.Errorf("control socket %s: %w", path, dialCause(err))
	}
	conn.Close()
	tr := &http.Transport{
		DialContext:       dial,
		DisableKeepAlives: true,
	}
	return &Client{path: path, hc: &http.Client{Transport: tr, CheckRedirect: httpx.RefuseRedirect}}, nil
}

// dialCause is a dial error without the "dial unix PATH:" its *net.OpError
// adds, as the caller names the socket.
func dialCause(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err
	}
	return err
}

// Status asks for the daemon's live view.
func (c *Client) Status(ctx context.Context) (Status, error) {
	var s Status
	return s, c.get(ctx, "/v1/status", &s)
}

// Checkpoint asks for the daemon's checkpoint view.
func (c *Client) Checkpoint(ctx context.Context) (CheckpointView, error) {
	var v CheckpointView
	return v, c.get(ctx, "/v1/checkpoint", &v)
}

func (c *Client) get(ctx context.Context, path string, into any) error {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://serfwd"+path, nil)
	if err != nil {
		return err
	}
	resp, err := c.do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(into); err != nil {
		return fmt.Errorf("control socket %s: reading the answer: %w", c.path, err)
	}
	return nil
}

// Backfill hands a job to the daemon and calls follow with each of its
// events until "done", which it returns. When ctx ends first the job goes
// on in the daemon; Backfill returns ctx's error and the last event seen.
func (c *Client) Backfill(ctx context.Context, r BackfillRequest, follow func(JobEvent)) (JobEvent, error) {
	body, err := json.Marshal(r)
	if err != nil {
		return JobEvent{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://serfwd/v1/backfill", bytes.NewReader(body))
	if err != nil {
		return JobEvent{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.do(req)
	if err != nil {
		return JobEvent{}, err
	}
	defer resp.Body.Close()
	var last JobEvent
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		var ev JobEvent
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			return last, fmt.Errorf("control socket %s: reading the job's progress: %w", c.path, err)
		}
		last = ev
		follow(ev)
		if ev.Type == JobDone {
			return ev, nil
		}
	}
	if ctx.Err() != nil {
		return last, ctx.Err()
	}
	if err := sc.Err(); err != nil {
		return last, fmt.Errorf("control socket %s: following the job: %w", c.path, err)
	}
	return last, fmt.Errorf("control socket %s: the daemon stopped answering before the job ended", c.path)
}

// do sends req and turns error answers into errors.
func (c *Client) do(req *http.Request) (*http.Response, error) {
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctxErr := req.Context().Err(); ctxErr != nil {
			return nil, ctxErr
		}
		return nil, fmt.Errorf("control socket %s: %w", c.path, err)
	}
	if resp.StatusCode == http.StatusOK {
		return resp, nil
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusMethodNotAllowed {
		return nil, fmt.Errorf("control socket %s: %w", c.path, ErrProtocol)
	}
	var e struct {
		Error string `json:"error"`
	}
	if json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&e) != nil || e.Error == "" {
		e.Error = resp.Status
	}
	if resp.StatusCode == http.StatusBadRequest {
		return nil, &RequestError{Msg: e.Error}
	}
	return nil, fmt.Errorf("the daemon: %s", e.Error)
}
