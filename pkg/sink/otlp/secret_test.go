// Header values are secret: a receiver that echoes them (whole, the token
// alone, base64- or URL-encoded) in any answer gets none of them into an
// error, a log line or the dead-letter file, and printing the sink's
// settings shows none either.

package otlp

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/config"
)

// testToken is the credential inside testHeaderSecret: it holds $, /, +,
// &, = and % but no space (a bearer credential is one token; the whole
// header value has a space).
const testToken = "otlp-t0ken/Zq8+xW3&=%41$"

// secretForms are the forms in which a header value must not appear.
func secretForms() map[string]string {
	forms := map[string]string{}
	for _, s := range []string{testHeaderSecret, testToken} {
		forms[s] = s
		forms["query-escaped "+s] = url.QueryEscape(s)
		for pad := range 3 {
			b := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("x", pad) + s))
			skip := (pad*4 + 2) / 3 // characters that also hold bits of the bytes before
			forms[fmt.Sprintf("base64 at offset %d of %s", pad, s)] = b[skip : len(b)-4]
		}
	}
	return forms
}

func requireNoSecret(t *testing.T, where, text string) {
	t.Helper()
	for form, v := range secretForms() {
		if strings.Contains(text, v) {
			t.Errorf("%s holds a header value (%s):\n%s", where, form, text)
		}
	}
}

func TestHeaderValuesNeverInOutput(t *testing.T) {
	echoes := map[string]string{
		"whole":   "you sent " + testHeaderSecret,
		"token":   "token " + testToken + " is unknown",
		"base64":  "auth " + base64.StdEncoding.EncodeToString([]byte(testHeaderSecret)),
		"escaped": "header=" + url.QueryEscape(testHeaderSecret),
	}
	for name, echo := range echoes {
		for _, rp := range []reply{
			{status: 401, message: echo}, {status: 400, message: echo}, {status: 503, message: echo},
			{status: 200, rejected: 1, message: echo}, {status: 200, message: echo}, {status: 403, text: echo},
		} {
			t.Run(fmt.Sprintf("%s/%d/%d", name, rp.status, rp.rejected), func(t *testing.T) {
				f := newFakeReceiver(t, rp)
				h := newHarness(t, f.URL, nil)
				err := h.sink.Write(t.Context(), mkEvents(2))
				if err != nil {
					requireNoSecret(t, "the Write error", err.Error())
				}
				if err := h.sink.Check(t.Context()); err != nil {
					requireNoSecret(t, "the Check error", err.Error())
				}
				requireNoSecret(t, "the logs", h.allLogs())
				if data, err := os.ReadFile(h.sink.set.DeadLetter.Path()); err == nil {
					requireNoSecret(t, "the dead-letter file", string(data))
				}
				if rp.status != 503 && h.logs.Len()+len(h.deadLetters(t)) == 0 && err == nil {
					t.Error("the echo reached no output: the test proves nothing")
				}
			})
		}
	}
}

func TestSettingsPrintWithoutHeaderValues(t *testing.T) {
	f := newFakeReceiver(t, reply{status: 200})
	h := newHarness(t, f.URL, nil)
	c := DefaultConfig()
	c.Headers = map[string]config.Secret{"authorization": testHeaderSecret}
	for _, v := range []any{c, &c, h.sink.opt, c.Headers, h.sink} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%d", "%x"} {
			requireNoSecret(t, "fmt "+verb, fmt.Sprintf(verb, v))
		}
	}
	h.sink.log.Info("settings", zap.Any("config", c), zap.Any("options", h.sink.opt))
	requireNoSecret(t, "zap.Any", h.allLogs())
}
