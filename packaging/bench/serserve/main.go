// Command serserve is the SER API of packaging/bench.sh's end-to-end row: it
// fetches the report bodies of some consecutive windows once from an
// upstream SER API (`serfwd simulate`), keeps them in memory and then serves
// them on loopback, with a token endpoint, doing no work per request but
// copying bytes. So the shipper under test fetches over real HTTP from a
// separate process while the data's generation is over before it starts.
// A window it does not hold gets an empty report (and is counted in its
// log). It is a benchmark helper, not part of serfwd.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/serfwd/serfwd/pkg/httpx"
)

// SER API paths and timestamp layout (SPEC §1).
const (
	tokenPath  = "/v1/token"
	reportPath = "/v1/sercustomer/report/summary"
	stampFmt   = "2006-01-02T15:04:05.000Z"
	emptyBody  = `{"applicationUsers":[]}`
)

func main() {
	upstream := flag.String("upstream", "", "base URL of the SER API to fetch the bodies from (required)")
	startFlag := flag.String("start", "", "start of the first window, "+stampFmt+" (required)")
	window := flag.Duration("window", time.Hour, "window length")
	windows := flag.Int("windows", 4, "consecutive windows to fetch")
	listen := flag.String("listen", "127.0.0.1:0", "address to serve on")
	addrFile := flag.String("addr-file", "", "write the base URL here once the bodies are fetched")
	flag.Parse()
	start, err := time.Parse(stampFmt, *startFlag)
	if *upstream == "" || err != nil || *windows <= 0 || *window <= 0 {
		fmt.Fprintln(os.Stderr, "serserve: -upstream, -start (UTC, "+stampFmt+"), a positive -window and -windows are required")
		flag.Usage()
		os.Exit(2)
	}
	bodies, size, err := fetchAll(*upstream, start, *window, *windows)
	if err != nil {
		log.Fatalf("serserve: %v", err)
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatalf("serserve: %v", err)
	}
	base := "http://" + ln.Addr().String()
	log.Printf("serserve: %d windows, %d bytes of report bodies, serving on %s", len(bodies), size, base)
	if *addrFile != "" {
		if err := os.WriteFile(*addrFile, []byte(base+"\n"), 0o644); err != nil {
			log.Fatalf("serserve: %v", err)
		}
	}
	srv := &http.Server{Handler: &server{bodies: bodies}, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
		<-sig
		_ = srv.Close()
	}()
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		log.Fatalf("serserve: %v", err)
	}
}

// windowKey names a window as the report request's query does.
func windowKey(start, end string) string { return start + "/" + end }

// fetchAll gets a token and then each window's body from the upstream API,
// with serfwd's HTTP client (pkg/httpx: redirects never followed).
func fetchAll(base string, start time.Time, window time.Duration, n int) (map[string][]byte, int, error) {
	base = strings.TrimSuffix(base, "/")
	hc, err := httpx.New(httpx.Options{Timeout: time.Minute})
	if err != nil {
		return nil, 0, err
	}
	token, err := fetchToken(hc, base)
	if err != nil {
		return nil, 0, err
	}
	bodies := make(map[string][]byte, n)
	size := 0
	for i := range n {
		s := start.Add(time.Duration(i) * window).UTC().Format(stampFmt)
		e := start.Add(time.Duration(i+1) * window).UTC().Format(stampFmt)
		body, err := fetchReport(hc, base, token, s, e)
		if err != nil {
			return nil, 0, err
		}
		bodies[windowKey(s, e)] = body
		size += len(body)
	}
	return bodies, size, nil
}

func fetchToken(hc *http.Client, base string) (string, error) {
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"bench"}, "client_secret": {"bench"}}
	resp, err := hc.PostForm(base+tokenPath, form)
	if err != nil {
		return "", fmt.Errorf("token: %w", err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || resp.StatusCode != http.StatusOK || tok.AccessToken == "" {
		return "", fmt.Errorf("token: status %d, %v", resp.StatusCode, err)
	}
	return tok.AccessToken, nil
}

func fetchReport(hc *http.Client, base, token, start, end string) ([]byte, error) {
	q := url.Values{"startTimeStamp": {start}, "endTimeStamp": {end}}
	req, err := http.NewRequest(http.MethodGet, base+reportPath+"?"+q.Encode(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("report %s: %w", start, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("report %s: status %d, %v", start, resp.StatusCode, err)
	}
	return body, nil
}

// server answers token and report requests from memory.
type server struct {
	bodies  map[string][]byte
	unknown atomic.Int64 // report requests for windows it does not hold
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	switch r.URL.Path {
	case tokenPath:
		fmt.Fprint(w, `{"access_token":"bench-token","token_type":"Bearer","expires_in":43200}`)
	case reportPath:
		q := r.URL.Query()
		body, ok := s.bodies[windowKey(q.Get("startTimeStamp"), q.Get("endTimeStamp"))]
		if !ok {
			log.Printf("serserve: window %s to %s not held (%d so far): empty report",
				q.Get("startTimeStamp"), q.Get("endTimeStamp"), s.unknown.Add(1))
			body = []byte(emptyBody)
		}
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		_, _ = w.Write(body)
	default:
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"error":"not_found"}`)
	}
}
