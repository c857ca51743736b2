// `serfwd check` against the simulator and a fake HEC: rows, exit codes, and
// no secret in the output.

package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/redact"
	"github.com/serfwd/serfwd/pkg/serapi/sersim"
	"github.com/serfwd/serfwd/pkg/sink/hec"
	"github.com/serfwd/serfwd/pkg/testnet"
)

const opsHECToken = "hec t0ken/never+printed&4711=%41$x" // $, space, /, +, &, =, %: encoded forms differ

// opsRun runs a serfwd command in-process and returns its exit status and
// output.
func opsRun(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = dispatch(context.Background(), stdio{Stdout: &o, Stderr: &e}, args)
	return code, o.String(), e.String()
}

// opsHEC answers the health endpoint and an empty event post the way
// Splunk does, and refuses other tokens.
func opsHEC(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/services/collector/health":
			fmt.Fprint(w, `{"text":"HEC is healthy","code":17}`)
		case r.Header.Get("Authorization") != "Splunk "+opsHECToken:
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"text":"Invalid token","code":4}`)
		case r.URL.Path == "/services/collector/event":
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"text":"No data","code":5}`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func opsHECSinkYAML(url string) string {
	return fmt.Sprintf("  - name: splunk\n    type: splunk_hec\n    url: %s\n    token: %q\n    compression: none\n", url, opsHECToken)
}

func TestCheck(t *testing.T) {
	hec := opsHEC(t)
	const badSecret = "wrong secret/also+never&printed=%2F$"
	tests := []struct {
		name     string
		hecURL   string
		secret   string // written to the client secret file; "" keeps the right one
		wantCode int
		wantFail []string // names whose row must say FAIL
	}{
		{name: "healthy", hecURL: hec.URL, wantCode: exitOK},
		{name: "hec down", hecURL: "http://" + testnet.RefusingAddr(t), wantCode: exitFailure, wantFail: []string{"splunk"}},
		// A password in the url is refused as a config problem, never shown.
		{name: "password in the hec url", hecURL: "http://splunkuser:url-password-xyz@" + testnet.RefusingAddr(t), wantCode: exitUsage},
		{name: "wrong credentials", hecURL: hec.URL, secret: badSecret, wantCode: exitFailure, wantFail: []string{"acme"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newE2E(t, sersim.Options{}, 2, "", opsHECSinkYAML(tc.hecURL))
			if tc.secret != "" {
				if err := os.WriteFile(filepath.Join(e.dir, "secret"), []byte(tc.secret+"\n"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			code, stdout, stderr := opsRun(t, "check", "--config", e.cfg, "--timeout", "20s")
			t.Logf("stdout:\n%s\nstderr:\n%s", stdout, stderr)
			if code != tc.wantCode {
				t.Fatalf("check exited %d, want %d", code, tc.wantCode)
			}
			for _, s := range []string{e2eClientSecret, badSecret, opsHECToken, "url-password-xyz"} {
				for form, v := range encodings(s) {
					if strings.Contains(stdout+stderr, v) {
						t.Fatalf("check output contains the secret %q (%s)", s, form)
					}
				}
			}
			if tc.wantCode == exitUsage {
				if !strings.Contains(stderr, "url: must not carry user:password") {
					t.Errorf("check does not name the url's problem:\n%s", stderr)
				}
				return
			}
			rows := opsCheckRows(t, stdout)
			for _, name := range []string{"acme", "archive", "splunk"} {
				want := "OK"
				if opsContains(tc.wantFail, name) {
					want = "FAIL"
				}
				if rows[name] != want {
					t.Errorf("row %s: result %q, want %q", name, rows[name], want)
				}
			}
			if tc.wantCode == exitOK && !strings.Contains(stdout, "token ok; window ") {
				t.Errorf("the input row does not describe the report request:\n%s", stdout)
			}
			if st := e.sim.Stats(); tc.secret == "" && st.ReportRequests != 1 {
				t.Errorf("%d report requests, want 1", st.ReportRequests)
			}
			if _, err := os.Stat(filepath.Join(e.dir, "state")); err == nil {
				t.Errorf("check created the state directory")
			}
		})
	}
}

// opsCheckRows maps each row's NAME to its RESULT.
func opsCheckRows(t *testing.T, out string) map[string]string {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "KIND") {
		t.Fatalf("no table header:\n%s", out)
	}
	rows := map[string]string{}
	for _, l := range lines[1:] {
		f := strings.Fields(l)
		if len(f) < 4 {
			t.Fatalf("short row %q", l)
		}
		rows[f[1]] = f[3]
	}
	return rows
}

func opsContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestCheckUsage(t *testing.T) {
	for _, args := range [][]string{
		{"check", "--bogus"},
		{"check", "extra"},
		{"check", "--timeout", "0s"},
		{"check", "--config", filepath.Join(t.TempDir(), "missing.yaml")},
	} {
		if code, _, _ := opsRun(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
}

// TestRedactorKnowsEverySecretOfAConfig: the secrets of a loaded config,
// inputs and any sink kind's settings alike, are found and redacted.
func TestRedactorKnowsEverySecretOfAConfig(t *testing.T) {
	cfg := &config.Config{
		Inputs: []config.Input{{Name: "a", ClientSecret: "client-s3cret", Proxy: "http://px:proxy-pw@proxy:3128"}},
		Sinks:  []config.Sink{{Name: "s", Type: hec.Type, Config: hec.Config{URL: "https://u:hec-url-pw@h:8088", Token: "hec-t0ken"}}},
	}
	red := redact.New(redact.Collect(cfg)...)
	in := `POST "https://u:hec-url-pw@h:8088/services": token hec-t0ken, secret client-s3cret, proxy-pw, hec-url-pw`
	got := red.String(in)
	for _, s := range []string{"client-s3cret", "hec-t0ken", "proxy-pw", "hec-url-pw"} {
		if strings.Contains(got, s) {
			t.Errorf("redacted text still holds %q: %s", s, got)
		}
	}
	if !strings.Contains(got, "https://[REDACTED]@h:8088/services") {
		t.Errorf("userinfo not redacted: %s", got)
	}
}
