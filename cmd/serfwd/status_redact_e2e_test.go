// The daemon's live view never shows a secret: endpoints that echo secrets
// of other parts of the config (a token endpoint, a report endpoint and a
// HEC each quote secrets they were never given, in several encodings), so
// that only the daemon's own redaction of what it keeps for `status` stands
// between them and the socket; `status`, `status --json`, `checkpoint
// show` through the daemon and the socket's raw JSON are scanned.

package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/control"
	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/serapi/sersim"
	"github.com/serfwd/serfwd/pkg/testnet"
)

// The secrets of this scenario ($, space, /, +, &, =, %).
const (
	liveAcmeSecret = e2eClientSecret
	liveBetaSecret = "beta s3cret/B7+x&q=%7E$"
	liveHECToken   = "live hec/t0ken+Lq&w=%2F$"
)

// echoForms is secret as is, URL-encoded, base64 and JSON-escaped, joined:
// what a careless endpoint might quote back.
func echoForms(secrets ...string) string {
	var forms []string
	for _, s := range secrets {
		js, _ := json.Marshal(s)
		forms = append(forms, s, url.QueryEscape(s), base64.StdEncoding.EncodeToString([]byte(s)), string(js[1:len(js)-1]))
	}
	return strings.Join(forms, " ")
}

// echoingEndpoints starts acme's token endpoint (400, quoting beta's secret
// and the HEC token), beta's SER API (a token, then a 400 report quoting
// acme's secret and the HEC token) and a HEC (401, quoting both SER
// secrets). It returns their base URLs.
func echoingEndpoints(t *testing.T) (acme, beta, hec string) {
	t.Helper()
	serve := func(h http.HandlerFunc) string {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		return srv.URL
	}
	acme = serve(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "bad request "+echoForms(liveBetaSecret, liveHECToken), http.StatusBadRequest)
	})
	beta = serve(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/token" {
			fmt.Fprint(w, `{"access_token":"beta-token","token_type":"Bearer","expires_in":43200}`)
			return
		}
		http.Error(w, "no such window "+echoForms(liveAcmeSecret, liveHECToken), http.StatusBadRequest)
	})
	hec = serve(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		body, _ := json.Marshal(map[string]any{"text": "Invalid token " + echoForms(liveAcmeSecret, liveBetaSecret), "code": 4})
		w.WriteHeader(http.StatusUnauthorized)
		w.Write(body)
	})
	return acme, beta, hec
}

func TestE2ELiveViewNeverShowsASecret(t *testing.T) {
	e := newE2E(t, sersim.Options{}, 1, "", "")
	acme, beta, hec := echoingEndpoints(t)
	for name, secret := range map[string]string{"acme.secret": liveAcmeSecret, "beta.secret": liveBetaSecret, "hec.token": liveHECToken} {
		if err := os.WriteFile(filepath.Join(e.dir, name), []byte(secret+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	input := func(name, base string) string {
		return fmt.Sprintf("  - name: %s\n    token_url: %s/v1/token\n    api_url: %s\n    client_id: %s\n"+
			"    client_secret_file: %s\n    start: %s\n    window: 1h\n    delay: 0s\n    interval: 1h\n    revisit: 0s\n",
			name, base, base, e2eClientID, filepath.Join(e.dir, name+".secret"), event.FormatTime(e.start))
	}
	statePath := filepath.Join(e.dir, "state", "state.db")
	config := func(inputs, hecURL string) {
		t.Helper()
		cfg := fmt.Sprintf("state_path: %s\nshutdown_timeout: 3s\nlog: {level: debug, format: json}\ninputs:\n%s"+
			"sinks:\n  - name: splunk\n    type: splunk_hec\n    url: %s\n    token_file: %s\n    compression: none\n    batch_timeout: 50ms\n",
			statePath, inputs, hecURL, filepath.Join(e.dir, "hec.token"))
		if err := os.WriteFile(e.cfg, []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// Events for the HEC to refuse: `once` from the simulator (as input
	// "seed") while the HEC refuses connections leaves them queued.
	config(strings.Replace(input("seed", e.sim.URL), "seed.secret", "acme.secret", 1), "http://"+testnet.RefusingAddr(t))
	if code, _, stderr := e.run("once"); code != exitFailure || !strings.Contains(stderr, `sink "splunk": 0 delivered`) {
		t.Fatalf("seeding once: exit %d (want 1, the HEC down):\n%s", code, stderr)
	}
	config(input("acme", acme)+input("beta", beta), hec)

	d := startDaemon(t, e)
	// Every echo has reached the daemon's view: both inputs' last errors,
	// the sink's last error and its configuration problem.
	waitFor(t, 60*time.Second, func() bool {
		st := statusJSON(t, e)
		s := sinkStatus(t, st, "splunk")
		return inputStatus(t, st, "acme").LastError != nil && inputStatus(t, st, "beta").LastError != nil &&
			s.LastError != nil && s.ConfigProblem != nil
	})
	outputs := map[string]string{}
	for _, args := range [][]string{{"status"}, {"status", "--json"}, {"checkpoint", "show"}, {"checkpoint", "show", "--json"}} {
		code, stdout, stderr := e.run(args...)
		if code != exitOK {
			t.Fatalf("%v exited %d:\n%s", args, code, stderr)
		}
		outputs[strings.Join(args, " ")] = stdout + stderr
	}
	for _, path := range []string{"/v1/status", "/v1/checkpoint"} {
		outputs["the socket's "+path] = rawSocketGet(t, control.SocketPath(statePath), path)
	}
	outputs["the daemon's log"] = d.log.String()
	d.stop(t)

	// The echoes did arrive: each error names its endpoint's answer.
	st := outputs["the socket's /v1/status"]
	for _, want := range []string{"HTTP 400 from " + strings.TrimPrefix(acme, "http://"), "HTTP 400 from " + strings.TrimPrefix(beta, "http://"), "401"} {
		if !strings.Contains(st, want) {
			t.Errorf("the socket's status lacks %q:\n%s", want, st)
		}
	}
	for where, text := range outputs {
		for _, secret := range []string{liveAcmeSecret, liveBetaSecret, liveHECToken} {
			for form, v := range encodings(secret) {
				if strings.Contains(text, v) {
					t.Errorf("%s holds the secret %q (%s): %s", where, secret, form, excerpt(text, v))
				}
			}
		}
	}
}

// rawSocketGet asks the daemon's socket for path and returns the body as it
// came.
func rawSocketGet(t *testing.T, socket, path string) string {
	t.Helper()
	hc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", socket)
		}}}
	resp, err := hc.Get("http://serfwd" + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s on the socket: %d %v\n%s", path, resp.StatusCode, err, body)
	}
	return string(body)
}
