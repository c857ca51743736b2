// Command hecrecv is the local receiver of packaging/bench.sh: a minimal
// Splunk HTTP Event Collector that accepts every request and counts the
// events in it (gzip or plain bodies of concatenated JSON objects), plus
// optional syslog TCP and UDP listeners that count and discard bytes.
// With -fresh it also reads each event's windowEnd and records how long after
// the window's end the event arrived; with -dump it writes every event
// envelope it receives, one a line, until the first reset (so that another
// shipper can send the very same envelopes). GET /stats returns the figures as JSON;
// POST /reset zeroes them. It listens on loopback only and is not part of
// serfwd.
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"syscall"
	"time"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "HEC address")
	addrFile := flag.String("addr-file", "", "write the HEC, syslog TCP and UDP addresses here, one a line")
	syslogTCP := flag.String("syslog-tcp", "", "also accept syslog over TCP here (e.g. 127.0.0.1:0)")
	syslogUDP := flag.String("syslog-udp", "", "also accept syslog over UDP here")
	fresh := flag.Bool("fresh", false, "decode events and record arrival - windowEnd")
	dump := flag.String("dump", "", "write each event envelope received until the first reset to this file, one a line")
	get := flag.String("stats", "", "client mode: print the /stats of the receiver at this address as key=value lines and exit")
	reset := flag.String("reset", "", "client mode: zero the figures of the receiver at this address and exit")
	flag.Parse()
	if *get != "" || *reset != "" {
		if err := client(*get, *reset); err != nil {
			log.Fatal(err)
		}
		return
	}

	st := &stats{fresh: *fresh}
	if *dump != "" {
		f, err := os.Create(*dump)
		if err != nil {
			log.Fatal(err)
		}
		st.dump = f
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	addrs := []string{ln.Addr().String(), "", ""}
	if *syslogTCP != "" {
		addrs[1] = serveSyslogTCP(*syslogTCP, st)
	}
	if *syslogUDP != "" {
		addrs[2] = serveSyslogUDP(*syslogUDP, st)
	}
	if *addrFile != "" {
		data := addrs[0] + "\n" + addrs[1] + "\n" + addrs[2] + "\n"
		if err := os.WriteFile(*addrFile, []byte(data), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	srv := &http.Server{Handler: routes(st), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
		<-sig
		_ = srv.Close()
	}()
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		log.Fatal(err)
	}
}

// client prints a receiver's figures (for shell scripts without curl or jq)
// or resets them.
func client(statsAddr, resetAddr string) error {
	if resetAddr != "" {
		resp, err := http.Post("http://"+resetAddr+"/reset", "text/plain", nil)
		if err != nil {
			return err
		}
		return resp.Body.Close()
	}
	resp, err := http.Get("http://" + statsAddr + "/stats")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		return err
	}
	for k, v := range m {
		if f, ok := v.(float64); ok {
			v = strconv.FormatFloat(f, 'f', -1, 64)
		}
		fmt.Printf("%s=%v\n", k, v)
	}
	return nil
}

func routes(st *stats) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/services/collector/health", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, `{"text":"HEC is healthy","code":17}`)
	})
	mux.HandleFunc("/services/collector/", func(w http.ResponseWriter, r *http.Request) {
		n, err := st.readBody(r)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"text":"Invalid data format","code":6,"invalid-event-number":%d}`+"\n", n)
			return
		}
		fmt.Fprintln(w, `{"text":"Success","code":0}`)
	})
	mux.HandleFunc("/stats", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(st.snapshot())
	})
	mux.HandleFunc("/reset", func(w http.ResponseWriter, _ *http.Request) { st.reset() })
	return mux
}

// stats are the receiver's figures.
type stats struct {
	fresh bool
	dump  *os.File // nil when not dumping, or after the first reset

	mu       sync.Mutex
	events   int64
	requests int64
	bytes    int64 // request bodies as sent (compressed when gzip)
	syslog   int64 // syslog bytes received
	first    time.Time
	last     time.Time
	lags     int64   // events whose lag was measured
	maxLag   float64 // seconds
	sumLag   float64
}

// snapshot is what /stats returns; times are Unix seconds.
type snapshot struct {
	Events     int64   `json:"events"`
	Requests   int64   `json:"requests"`
	Bytes      int64   `json:"bytes"`
	Syslog     int64   `json:"syslogBytes"`
	First      float64 `json:"first"`
	Last       float64 `json:"last"`
	Lags       int64   `json:"lags"`
	MaxLagSec  float64 `json:"maxLagSeconds"`
	MeanLagSec float64 `json:"meanLagSeconds"`
}

func unix(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return float64(t.UnixNano()) / 1e9
}

func (s *stats) snapshot() snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := snapshot{Events: s.events, Requests: s.requests, Bytes: s.bytes, Syslog: s.syslog,
		First: unix(s.first), Last: unix(s.last), Lags: s.lags, MaxLagSec: s.maxLag}
	if s.lags > 0 {
		out.MeanLagSec = s.sumLag / float64(s.lags)
	}
	return out
}

func (s *stats) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events, s.requests, s.bytes, s.syslog = 0, 0, 0, 0
	s.first, s.last = time.Time{}, time.Time{}
	s.lags, s.maxLag, s.sumLag = 0, 0, 0
	if s.dump != nil {
		if err := s.dump.Close(); err != nil {
			log.Printf("closing the dump: %v", err)
		}
		s.dump = nil
	}
}

// dumping tells whether received envelopes are written out.
func (s *stats) dumping() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dump != nil
}

// write appends one request's envelopes to the dump, if it is still open.
func (s *stats) write(lines []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dump == nil {
		return nil
	}
	_, err := s.dump.Write(lines)
	return err
}

// counted adds one request's events.
func (s *stats) counted(events, size int64, lags []float64) {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.first.IsZero() {
		s.first = now
	}
	s.last = now
	s.requests++
	s.events += events
	s.bytes += size
	for _, l := range lags {
		s.lags++
		s.sumLag += l
		s.maxLag = max(s.maxLag, l)
	}
}

// readBody counts the JSON objects of one request body.
func (s *stats) readBody(r *http.Request) (int64, error) {
	cr := &countReader{r: r.Body}
	var body io.Reader = cr
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(cr)
		if err != nil {
			return 0, err
		}
		body = zr
	}
	var n int64
	var lags []float64
	var err error
	var lines *bytes.Buffer
	if s.dumping() {
		lines = new(bytes.Buffer)
	}
	if s.fresh {
		n, lags, err = decodeEnvelopes(body)
	} else {
		n, err = countObjects(bufio.NewReaderSize(body, 64<<10), lines)
	}
	if err != nil {
		return n, err
	}
	if lines != nil {
		if err := s.write(lines.Bytes()); err != nil {
			return n, err
		}
	}
	s.counted(n, cr.n, lags)
	return n, nil
}

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// countObjects counts the top-level JSON objects of a stream without
// decoding them; when lines is not nil it also copies each object there,
// followed by a newline.
func countObjects(r *bufio.Reader, lines *bytes.Buffer) (int64, error) {
	var n int64
	depth, inStr, esc := 0, false, false
	for {
		c, err := r.ReadByte()
		if err == io.EOF {
			if depth != 0 || inStr {
				return n, fmt.Errorf("truncated body")
			}
			return n, nil
		}
		if err != nil {
			return n, err
		}
		if lines != nil && (depth > 0 || c == '{') {
			lines.WriteByte(c)
		}
		switch {
		case esc:
			esc = false
		case inStr && c == '\\':
			esc = true
		case c == '"':
			inStr = !inStr
		case inStr:
		case c == '{':
			depth++
		case c == '}':
			if depth--; depth == 0 {
				n++
				if lines != nil {
					lines.WriteByte('\n')
				}
			}
		}
	}
}

// decodeEnvelopes decodes each envelope's event and returns, per event that
// carries a windowEnd, the seconds from that end to now.
func decodeEnvelopes(r io.Reader) (int64, []float64, error) {
	d := json.NewDecoder(r)
	var n int64
	var lags []float64
	now := time.Now()
	for {
		var env struct {
			Event struct {
				WindowEnd string `json:"windowEnd"`
			} `json:"event"`
		}
		if err := d.Decode(&env); err == io.EOF {
			return n, lags, nil
		} else if err != nil {
			return n, lags, err
		}
		n++
		if t, err := time.Parse("2006-01-02T15:04:05.000Z", env.Event.WindowEnd); err == nil {
			lags = append(lags, now.Sub(t).Seconds())
		}
	}
}

// serveSyslogTCP accepts syslog connections and counts the bytes received.
func serveSyslogTCP(addr string, st *stats) string {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		log.Fatal(err)
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go drainConn(c, st)
		}
	}()
	return ln.Addr().String()
}

func drainConn(c net.Conn, st *stats) {
	defer c.Close()
	buf := make([]byte, 64<<10)
	for {
		n, err := c.Read(buf)
		if n > 0 {
			st.mu.Lock()
			st.syslog += int64(n)
			st.mu.Unlock()
		}
		if err != nil {
			return
		}
	}
}

func serveSyslogUDP(addr string, st *stats) string {
	pc, err := net.ListenPacket("udp", addr)
	if err != nil {
		log.Fatal(err)
	}
	go func() {
		buf := make([]byte, 64<<10)
		for {
			n, _, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			st.mu.Lock()
			st.syslog += int64(n)
			st.mu.Unlock()
		}
	}()
	return pc.LocalAddr().String()
}
