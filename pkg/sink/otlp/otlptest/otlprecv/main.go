// Command otlprecv runs the OpenTelemetry Collector's OTLP receiver (HTTP)
// for end-to-end tests in another process: it prints its URL on the first
// line of stdout, writes every request it consumes as one JSON line
// (otlptest.Flat) to the file -out, and stops on SIGTERM or SIGINT.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/serfwd/serfwd/pkg/sink/otlp/otlptest"
)

func main() {
	out := flag.String("out", "", "write consumed requests as JSON lines to `FILE`")
	flag.Parse()
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		fmt.Fprintln(os.Stderr, "otlprecv:", err)
		os.Exit(2)
	}
	// One Write per request: a reader sees it once the receiver answered.
	c, stop, err := otlptest.Run(otlptest.Options{Journal: json.NewEncoder(f)})
	if err != nil {
		fmt.Fprintln(os.Stderr, "otlprecv:", err)
		os.Exit(1)
	}
	fmt.Println(c.URL)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	<-sig
	stop()
	_ = f.Close()
}
