// Tests that the client secret and tokens never appear in an error or log
// line, also from a server that echoes what it received, and that turning TLS
// verification off warns.

package serapi

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/serfwd/serfwd/pkg/config"
)

// TestSecretsNeverLeak drives successes and every kind of failure with a
// server that echoes what it received, and checks that neither the client
// secret nor a token appears in any error or log line.
func TestSecretsNeverLeak(t *testing.T) {
	scenarios := []struct {
		name  string
		token func(w http.ResponseWriter, r *http.Request) bool
		rep   func(w http.ResponseWriter, r *http.Request, n int)
		want  string // in the error, when set
	}{
		{"token endpoint echoes the form with 401", func(w http.ResponseWriter, r *http.Request) bool {
			r.ParseForm()
			http.Error(w, "rejected "+r.PostForm.Encode()+" secret="+r.PostForm.Get("client_secret"), 401)
			return true
		}, nil, ""},
		{"token endpoint echoes with 500", func(w http.ResponseWriter, r *http.Request) bool {
			r.ParseForm()
			http.Error(w, r.PostForm.Get("client_secret"), 500)
			return true
		}, nil, ""},
		{"report echoes the bearer with 400", nil, func(w http.ResponseWriter, r *http.Request, _ int) {
			http.Error(w, r.Header.Get("Authorization"), 400)
		}, ""},
		{"report echoes the bearer in a non-JSON 200", nil, func(w http.ResponseWriter, r *http.Request, _ int) {
			fmt.Fprint(w, "x"+r.Header.Get("Authorization"))
		}, ""},
		{"report 401 twice", nil, func(w http.ResponseWriter, r *http.Request, _ int) {
			http.Error(w, r.Header.Get("Authorization"), 401)
		}, ""},
		{"report echoes the bearer as a counter", nil, func(w http.ResponseWriter, r *http.Request, _ int) {
			fmt.Fprintf(w, `{"applicationUsers":[{"status":{"success":%q}}]}`, r.Header.Get("Authorization"))
		}, `applicationUsers[0].status.success: "Bearer [REDACTED]" is not a number`},
		{"report echoes the client secret as a counter", nil, func(w http.ResponseWriter, r *http.Request, _ int) {
			fmt.Fprintf(w, `{"applicationUsers":[{"status":{"total":%q}}]}`, "was "+testSecret)
		}, `applicationUsers[0].status.total: "was [REDACTED]" is not a number`},
		{"report echoes the URL-encoded client secret as a counter", nil, func(w http.ResponseWriter, r *http.Request, _ int) {
			fmt.Fprintf(w, `{"entitlement":{"annual_throughput":%q}}`, url.QueryEscape(testSecret))
		}, `entitlement.annual_throughput: "[REDACTED]" is not a number`},
		{"report echoes the bearer across the quoted length", nil, func(w http.ResponseWriter, r *http.Request, _ int) {
			// 239+19 bytes: a cut at 256 before redacting would keep "Bearer bearer-tok".
			fmt.Fprintf(w, `{"applicationUsers":[{"status":{"total":%q}}]}`, strings.Repeat("x", 239)+r.Header.Get("Authorization"))
		}, `xBearer [REDACTED]" is not a number`},
		{"report echoes the bearer as a key", nil, func(w http.ResponseWriter, r *http.Request, _ int) {
			fmt.Fprintf(w, `{%q:%s}`, r.Header.Get("Authorization"), strings.Repeat("[", 2*MaxDepth))
		}, `Bearer [REDACTED]: JSON nested deeper`},
		{"success", nil, nil, ""},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			f := newFakeSER(t)
			f.onToken = sc.token
			if sc.rep != nil {
				f.report = sc.rep
			}
			core, logs := observer.New(zapcore.DebugLevel)
			c := f.client(func(_ *config.Input, o *Options) { o.Logger = zap.New(core); o.RetryMax = 2; o.BodyRetries = 1 })
			_, err := c.Report(context.Background(), testWindow)
			if sc.rep == nil && sc.token == nil && err != nil {
				t.Fatal(err)
			}
			if sc.want != "" && !strings.Contains(fmt.Sprint(err), sc.want) {
				t.Errorf("error %q does not contain %q", err, sc.want)
			}
			texts := []string{fmt.Sprint(err), fmt.Sprintf("%+v", err)}
			for _, e := range logs.All() {
				texts = append(texts, e.Message, fmt.Sprint(e.ContextMap()))
			}
			for _, txt := range texts {
				for _, bad := range []string{testSecret, "bearer-tok-1", "bearer-tok-2"} {
					if strings.Contains(txt, bad) {
						t.Errorf("%q leaked in %q", bad, txt)
					}
				}
			}
		})
	}
}

func TestInsecureSkipVerifyWarns(t *testing.T) {
	f := newFakeSER(t)
	core, logs := observer.New(zapcore.WarnLevel)
	f.client(func(in *config.Input, o *Options) { in.TLS.InsecureSkipVerify = true; o.Logger = zap.New(core) })
	if logs.FilterMessageSnippet("insecure_skip_verify").Len() != 1 {
		t.Errorf("no warning about insecure_skip_verify: %v", logs.All())
	}
}
