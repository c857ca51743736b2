package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/poller"
	"github.com/serfwd/serfwd/pkg/serapi"
	"github.com/serfwd/serfwd/pkg/serapi/sersim"
	"github.com/serfwd/serfwd/pkg/state"
)

func main() {
	sim, _ := sersim.Start(sersim.Options{RecordsPerWindow: 50000, RateLimit: -1})
	defer sim.Close()
	os.RemoveAll("/tmp/memprobe")
	st, err := state.Open("/tmp/memprobe/state.db")
	if err != nil {
		panic(err)
	}
	in := config.DefaultInput()
	in.Name, in.TokenURL, in.APIURL, in.ClientID, in.ClientSecret = "acme", sim.TokenURL(), sim.URL, "x", "y"
	in.Concurrency = 4
	in.Sinks = []string{"a"}
	if os.Getenv("REVISIT") == "0" {
		in.Revisit = 0
	}
	now := time.Now().UTC().Truncate(time.Hour)
	in.Start = now.Add(-5 * time.Hour)
	client, err := serapi.New(in, serapi.Options{})
	if err != nil {
		panic(err)
	}
	p := poller.New(poller.Config{Input: in, Fetcher: client, Store: st, Now: func() time.Time { return now.Add(-time.Hour) }})
	var mu sync.Mutex
	var peak uint64
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			mu.Lock()
			if ms.HeapInuse > peak {
				peak = ms.HeapInuse
				f, _ := os.Create("/tmp/memprobe.heap")
				pprof.Lookup("heap").WriteTo(f, 0)
				f.Close()
			}
			mu.Unlock()
		}
	}()
	n, err := p.CatchUp(context.Background())
	close(done)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Println("windows", n, err, "peak HeapInuse MiB", peak>>20, "Sys MiB", ms.Sys>>20)
}
