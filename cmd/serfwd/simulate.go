// serfwd simulate: serve the built-in SER API simulator until stopped.

package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/agent"
	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/serapi"
	"github.com/serfwd/serfwd/pkg/serapi/sersim"
)

// simulateFlags are the flags of `serfwd simulate`.
type simulateFlags struct {
	listen, clientID, clientSecret, rateLimit string
	latency, tokenLifetime, settleAfter       time.Duration
	failEvery, badJSONEvery, resetEvery       int
	records                                   int
	seed                                      uint64
	retryAfter, listsOnly, verbose            bool
}

func cmdSimulate(ctx context.Context, io stdio, args []string) int {
	fs := newFlagSet("simulate", io)
	f := newSimulateFlags(fs)
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	io.redactor().Add(f.clientSecret)
	opts, err := f.options()
	if err != nil {
		fmt.Fprintf(io.Stderr, "serfwd simulate: %v\n", err)
		return exitUsage
	}
	level := "info"
	if f.verbose {
		level = "debug"
	}
	log, err := newLogger(config.Log{Level: level, Format: "console"}, io.Stderr)
	if err != nil {
		fmt.Fprintf(io.Stderr, "serfwd simulate: %v\n", err)
		return exitFailure
	}
	opts.Logger = log.Named("sersim")
	sim, err := sersim.Start(opts)
	if err != nil {
		return setupFailed(io, "simulate", agent.ClassifySetup(err))
	}
	log.Info("SER API simulator listening", zap.String("url", sim.URL),
		zap.String("token_url", sim.TokenURL()), zap.String("api_url", sim.URL),
		zap.String("try", simulateExample(sim, f.clientID, f.clientSecret != "", time.Now())))
	<-ctx.Done()
	if err := sim.Close(); err != nil {
		log.Error("stopping the simulator", zap.Error(err))
		return exitFailure
	}
	log.Info("SER API simulator stopped")
	return exitOK
}

// newSimulateFlags defines the flags on fs.
func newSimulateFlags(fs *flag.FlagSet) *simulateFlags {
	f := &simulateFlags{}
	fs.StringVar(&f.listen, "listen", "127.0.0.1:8089", "`ADDR` to serve on, host:port (port 0 picks a free one)")
	fs.StringVar(&f.clientID, "client-id", "", "accept only this client_id, `ID` (default: any)")
	fs.StringVar(&f.clientSecret, "client-secret", "", "accept only this client_secret, `S` (default: any)")
	fs.DurationVar(&f.latency, "latency", 0, "a `DURATION` added to every answer")
	fs.IntVar(&f.failEvery, "fail-every", 0, "answer every `N`th report request with 500 or 503 (0 = never)")
	fs.IntVar(&f.badJSONEvery, "bad-json-every", 0, "answer every `N`th report request with a non-JSON 200 body (0 = never)")
	fs.IntVar(&f.resetEvery, "reset-every", 0, "close the connection of every `N`th report request without an answer (0 = never)")
	fs.DurationVar(&f.tokenLifetime, "token-lifetime", sersim.DefaultTokenLifetime, "lifetime of issued tokens, a `DURATION`")
	fs.StringVar(&f.rateLimit, "rate-limit", "1000/1m", "report requests allowed per client in a sliding period, `N/PERIOD`, or off")
	fs.BoolVar(&f.retryAfter, "retry-after", false, "send Retry-After with 429 answers")
	fs.IntVar(&f.records, "records", 0, "`N` records in every window (0 = natural: 0 to 15)")
	fs.DurationVar(&f.settleAfter, "settle-after", 0, "keep tempFailure/inProgress counts for this `DURATION` after a window ends (0 = never any)")
	fs.Uint64Var(&f.seed, "seed", 0, "`SEED` of the generated data")
	fs.BoolVar(&f.listsOnly, "lists-only", false, "never send fromEnvelope/fromHeader as a bare string")
	fs.BoolVar(&f.verbose, "verbose", false, "log every request")
	return f
}

// options checks the flags and turns them into simulator options.
func (f *simulateFlags) options() (sersim.Options, error) {
	for name, v := range map[string]int{"fail-every": f.failEvery, "bad-json-every": f.badJSONEvery,
		"reset-every": f.resetEvery, "records": f.records} {
		if v < 0 {
			return sersim.Options{}, fmt.Errorf("--%s: must not be negative", name)
		}
	}
	for name, v := range map[string]time.Duration{"latency": f.latency, "settle-after": f.settleAfter} {
		if v < 0 {
			return sersim.Options{}, fmt.Errorf("--%s: must not be negative", name)
		}
	}
	if f.tokenLifetime < time.Second {
		return sersim.Options{}, fmt.Errorf("--token-lifetime: must be at least 1s")
	}
	o := sersim.Options{
		Addr: f.listen, ClientID: f.clientID, ClientSecret: f.clientSecret,
		TokenLifetime: f.tokenLifetime, RetryAfter: f.retryAfter,
		Seed: f.seed, RecordsPerWindow: f.records, ListsOnly: f.listsOnly, SettleAfter: f.settleAfter,
		Latency: f.latency, FailEvery: f.failEvery, BadJSONEvery: f.badJSONEvery, ResetEvery: f.resetEvery,
	}
	switch strings.ToLower(strings.TrimSpace(f.rateLimit)) {
	case "off", "0", "none":
		o.RateLimit = -1
	default:
		rl, err := config.ParseRateLimit(f.rateLimit)
		if err != nil {
			return sersim.Options{}, fmt.Errorf("--rate-limit: %w", err)
		}
		o.RateLimit, o.RatePeriod = rl.N, rl.Period
	}
	return o, nil
}

// simulateExample is a shell line that fetches a token and the last whole
// hour; it names the secret by a variable, never by its value.
func simulateExample(sim *sersim.Server, clientID string, hasSecret bool, now time.Time) string {
	secret := "any"
	if hasSecret {
		secret = "$SER_CLIENT_SECRET"
	}
	if clientID == "" {
		clientID = "demo"
	}
	end := now.UTC().Truncate(time.Hour)
	w := serapi.Window{Start: end.Add(-time.Hour), End: end}
	return fmt.Sprintf("TOKEN=$(curl -s -d grant_type=client_credentials -d client_id=%s -d client_secret=%s %s | jq -r .access_token); "+
		"curl -s --oauth2-bearer $TOKEN '%s%s?startTimeStamp=%s&endTimeStamp=%s'",
		clientID, secret, sim.TokenURL(), sim.URL, sersim.ReportPath,
		w.Start.Format(serapi.TimeLayout), w.End.Format(serapi.TimeLayout))
}
