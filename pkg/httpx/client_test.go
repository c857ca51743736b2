// Tests of serfwd's HTTP client against httptest servers: redirects are never
// followed and are reported without the target's credentials, bodies are
// asked for uncoded and inflated only up to the limit, TLS comes from the
// config, a relative proxy URL is refused, and response headers are capped.

package httpx

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/serfwd/serfwd/pkg/config"
)

// recorder is a server that counts every request it gets.
type recorder struct {
	*httptest.Server
	hits atomic.Int64
}

func newRecorder(t *testing.T) *recorder {
	r := &recorder{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		r.hits.Add(1)
		fmt.Fprint(w, `{"code":0}`)
	}))
	t.Cleanup(r.Close)
	return r
}

func newClient(t *testing.T, o Options) *http.Client {
	t.Helper()
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRedirectsAreNeverFollowed(t *testing.T) {
	target := newRecorder(t)
	var seen []int
	var wrapSaw atomic.Int64
	c := newClient(t, Options{Wrap: func(next http.RoundTripper) http.RoundTripper {
		return rtFunc(func(r *http.Request) (*http.Response, error) {
			resp, err := next.RoundTrip(r)
			if err == nil && resp.StatusCode/100 == 3 {
				wrapSaw.Add(1)
			}
			return resp, err
		})
	}})
	for _, code := range []int{300, 301, 302, 303, 304, 305, 307, 308} {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			t.Run(fmt.Sprintf("%s %d", method, code), func(t *testing.T) {
				src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Location", strings.Replace(target.URL, "://", "://user:pw@", 1)+"/secret/path?token=abc")
					w.WriteHeader(code)
					fmt.Fprint(w, "moved")
				}))
				defer src.Close()
				req, _ := http.NewRequest(method, src.URL+"/v1/token?x=1", strings.NewReader("client_secret=s"))
				resp, err := c.Do(req)
				if err == nil {
					resp.Body.Close()
					t.Fatalf("a %d answer came back as a response, status %d", code, resp.StatusCode)
				}
				var re *RedirectError
				if !errors.As(err, &re) {
					t.Fatalf("err = %v, want a *RedirectError", err)
				}
				if re.Status != code || re.From != src.URL || re.To != target.URL {
					t.Fatalf("RedirectError = %+v, want status %d from %s to %s", re, code, src.URL, target.URL)
				}
				msg := Cause(err).Error()
				want := fmt.Sprintf("%s redirected (HTTP %d) to %s; serfwd never follows redirects", src.URL, code, target.URL)
				if msg != want {
					t.Fatalf("message %q\nwant %q", msg, want)
				}
				seen = append(seen, code)
			})
		}
	}
	if n := target.hits.Load(); n != 0 {
		t.Fatalf("the redirect target received %d requests, want none", n)
	}
	if int(wrapSaw.Load()) != len(seen) {
		t.Fatalf("Wrap saw %d 3xx answers, want %d", wrapSaw.Load(), len(seen))
	}
}

func TestRedirectWithoutOrWithRelativeLocation(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/none", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusFound) })
	mux.HandleFunc("/rel", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Location", "/elsewhere?q=1")
		w.WriteHeader(http.StatusTemporaryRedirect)
	})
	src := httptest.NewServer(mux)
	defer src.Close()
	c := newClient(t, Options{})
	_, err := c.Get(src.URL + "/none")
	if got, want := Cause(err).Error(), src.URL+" redirected (HTTP 302) without a usable Location; serfwd never follows redirects"; got != want {
		t.Errorf("no Location: %q, want %q", got, want)
	}
	_, err = c.Get(src.URL + "/rel")
	var re *RedirectError
	if !errors.As(err, &re) || re.To != src.URL {
		t.Errorf("relative Location: %v, want a redirect to %s", err, src.URL)
	}
}

func TestAsksForIdentityAndInflatesWithinTheLimit(t *testing.T) {
	payload := bytes.Repeat([]byte("0123456789"), 10_000) // 100 kB decoded
	var gz, zl bytes.Buffer
	gw := gzip.NewWriter(&gz)
	gw.Write(payload)
	gw.Close()
	zw := zlib.NewWriter(&zl)
	zw.Write(payload)
	zw.Close()
	var accept atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		accept.Store(r.Header.Get("Accept-Encoding"))
		switch r.URL.Path {
		case "/gzip":
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(gz.Bytes())
		case "/deflate":
			w.Header().Set("Content-Encoding", "deflate")
			w.Write(zl.Bytes())
		case "/br":
			w.Header().Set("Content-Encoding", "br")
			w.Write([]byte("whatever"))
		default:
			w.Write(payload)
		}
	}))
	defer srv.Close()
	c := newClient(t, Options{})
	for _, path := range []string{"/plain", "/gzip", "/deflate"} {
		t.Run(path, func(t *testing.T) {
			resp, err := c.Get(srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if got := accept.Load(); got != "identity" {
				t.Fatalf("Accept-Encoding %q, want identity", got)
			}
			got, err := io.ReadAll(LimitReader(resp.Body, int64(len(payload)), "max_body_bytes"))
			if err != nil || !bytes.Equal(got, payload) {
				t.Fatalf("read %d bytes, err %v; want the %d decoded bytes", len(got), err, len(payload))
			}
			resp2, err := c.Get(srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp2.Body.Close()
			got, err = io.ReadAll(LimitReader(resp2.Body, int64(len(payload))-1, "max_body_bytes"))
			var tl *TooLargeError
			if !errors.As(err, &tl) || !errors.Is(err, ErrTooLarge) || len(got) != len(payload)-1 {
				t.Fatalf("one byte over the limit: read %d, err %v; want %d and a *TooLargeError", len(got), err, len(payload)-1)
			}
			if want := "answer larger than max_body_bytes (99999, counted after content decoding)"; err.Error() != want {
				t.Fatalf("message %q, want %q", err, want)
			}
		})
	}
	_, err := c.Get(srv.URL + "/br")
	if err == nil || !strings.Contains(err.Error(), `Content-Encoding "br"`) {
		t.Fatalf("an unknown coding: err = %v", err)
	}
}

// TestGzipBombStopsAtTheLimit sends 64 MiB of zeros gzip-coded (64 kB
// on the wire): reading under a 1 MiB limit must stop there.
func TestGzipBombStopsAtTheLimit(t *testing.T) {
	var bomb bytes.Buffer
	gw, _ := gzip.NewWriterLevel(&bomb, gzip.BestCompression)
	zeros := make([]byte, 1<<20)
	for range 64 {
		gw.Write(zeros)
	}
	gw.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(bomb.Bytes())
	}))
	defer srv.Close()
	resp, err := newClient(t, Options{}).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, LimitReader(resp.Body, 1<<20, "max_body_bytes"))
	if n != 1<<20 || !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "max_body_bytes (1MiB") {
		t.Fatalf("read %d bytes, err %v; want 1 MiB and the limit named", n, err)
	}
}

func TestTLSFromConfigAndBadProxy(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "ok") }))
	defer srv.Close()
	if _, err := newClient(t, Options{}).Get(srv.URL); err == nil {
		t.Fatal("a self-signed server was accepted without its CA")
	}
	ca := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(ca, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	resp, err := newClient(t, Options{TLS: config.TLS{CAFile: ca}}).Get(srv.URL)
	if err != nil {
		t.Fatalf("with tls.ca_file: %v", err)
	}
	resp.Body.Close()
	if resp.TLS == nil || resp.TLS.Version < 0x0303 {
		t.Fatalf("TLS state %+v, want TLS 1.2 or newer", resp.TLS)
	}
	if _, err := New(Options{TLS: config.TLS{CAFile: filepath.Join(t.TempDir(), "missing.pem")}}); err == nil {
		t.Fatal("a missing ca_file was accepted")
	}
	if _, err := New(Options{Proxy: "proxy:3128"}); err == nil || !strings.Contains(err.Error(), "proxy") {
		t.Fatalf("a relative proxy URL: err = %v", err)
	}
}

type rtFunc func(*http.Request) (*http.Response, error)

func (f rtFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestResponseHeadersAreCapped(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Junk", strings.Repeat("j", 100<<10))
		fmt.Fprint(w, "ok")
	}))
	defer srv.Close()
	_, err := newClient(t, Options{}).Get(srv.URL)
	if err == nil || !strings.Contains(err.Error(), "header") {
		t.Fatalf("100 KiB of headers: err = %v, want the 64 KiB cap", err)
	}
}

// TestTransportErrorsAreCut: a peer that sends a status line of 30000 bytes
// gets an error of a few hundred, still telling what went wrong; a long
// error keeps its cause for errors.Is/As and for url.Error.Timeout.
func TestTransportErrorsAreCut(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				if _, err := http.ReadRequest(bufio.NewReader(conn)); err == nil {
					fmt.Fprintf(conn, "HTTP/1.1 %s\r\n\r\n", strings.Repeat("Z", 30000))
				}
			}()
		}
	}()
	_, err = newClient(t, Options{}).Get("http://" + ln.Addr().String() + "/")
	if err == nil {
		t.Fatal("Get succeeded")
	}
	msg := err.Error()
	if len(msg) > 400 || !strings.Contains(msg, "malformed HTTP") || !strings.HasSuffix(msg, "ZZZ…") {
		t.Fatalf("error of %d bytes: %.500s", len(msg), msg)
	}

	cause := fmt.Errorf("%s: %w", strings.Repeat("y", 1000), &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded})
	c := newClient(t, Options{Wrap: func(http.RoundTripper) http.RoundTripper {
		return rtFunc(func(*http.Request) (*http.Response, error) { return nil, cause })
	}})
	_, err = c.Get("http://" + ln.Addr().String() + "/")
	var ue *url.Error
	var op *net.OpError
	var ce *CutError
	switch {
	case len(err.Error()) > 400:
		t.Errorf("error of %d bytes", len(err.Error()))
	case !errors.Is(err, cause) || !errors.Is(err, os.ErrDeadlineExceeded) || !errors.As(err, &op) || !errors.As(err, &ce):
		t.Errorf("the cause is lost: %v", err)
	case !errors.As(err, &ue) || !ue.Timeout():
		t.Errorf("a timeout is not one any more: %v", err)
	}
	// A short error stays as it was, type and all.
	short := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	c = newClient(t, Options{Wrap: func(http.RoundTripper) http.RoundTripper {
		return rtFunc(func(*http.Request) (*http.Response, error) { return nil, short })
	}})
	if _, err = c.Get("http://" + ln.Addr().String() + "/"); !errors.As(err, &ue) || ue.Err != short {
		t.Errorf("a short error was changed: %#v", err)
	}
}
