// Tests of the redactor: every encoded form of a secret is replaced, also in
// what the standard library's encoders make of it; secrets added while in
// use; the longer of two overlapping secrets wins; excerpts, quotes and
// writers redact and stay short; and formatting a Redactor never prints its
// secrets.

package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
)

// secret holds the characters whose encoded forms differ from the raw one.
const secret = `p$ss w/rd+&=%x`

func TestRedactsEveryForm(t *testing.T) {
	r := New(secret)
	cases := []struct{ name, in, want string }{
		{"raw", "secret is " + secret + ".", "secret is [REDACTED]."},
		{"form body", "grant_type=client_credentials&client_secret=p%24ss+w%2Frd%2B%26%3D%25x&client_id=a",
			"grant_type=client_credentials&client_secret=[REDACTED]&client_id=a"},
		{"query, lowercase hex", "?s=p%24ss+w%2frd%2b%26%3d%25x", "?s=[REDACTED]"},
		{"path escaping", "/v1/p$ss%20w%2Frd+&=%25x/x", "/v1/[REDACTED]/x"},
		{"strict escaping", "p%24ss%20w%2Frd%2B%26%3D%25x", "[REDACTED]"},
		{"JSON, Go's HTML-safe", `{"echo":"p$ss w/rd+\u0026=%x"}`, `{"echo":"[REDACTED]"}`},
		{"JSON, slash escaped", `{"echo":"p$ss w\/rd+&=%x"}`, `{"echo":"[REDACTED]"}`},
		{"JSON, uppercase hex", `{"echo":"p$ss w\/rd+\u0026=%x"}`, `{"echo":"[REDACTED]"}`},
		{"base64 at offset 0", "Basic YWI6cCRzcyB3L3JkKyY9JXg=", "Basic YWI6[REDACTED]"},
		{"base64 at offset 1", "Basic YWJjOnAkc3Mgdy9yZCsmPSV4", "Basic YWJjO[REDACTED]"},
		{"base64 at offset 2", "Basic YWJjZDpwJHNzIHcvcmQrJj0leA== end", "Basic YWJjZD[REDACTED] end"},
		{"base64 alone", "cCRzcyB3L3JkKyY9JXg=", "[REDACTED]"},
		{"URL userinfo", `dial https://user:hunter2@example.com/x`, `dial https://[REDACTED]@example.com/x`},
		{"twice", secret + secret, "[REDACTED][REDACTED]"},
		{"nothing", "nothing to hide here", "nothing to hide here"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := r.String(c.in); got != c.want {
				t.Errorf("String(%q)\n got %q\nwant %q", c.in, got, c.want)
			}
			if got := string(r.Bytes([]byte(c.in))); got != c.want {
				t.Errorf("Bytes(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

// TestEncodersOfTheStandardLibrary feeds the redactor what independent
// encoders make of texts that hold the secret, and checks that no
// encoding of it survives: for base64, no character that encodes only
// secret bits.
func TestEncodersOfTheStandardLibrary(t *testing.T) {
	secrets := []string{secret, "s3cr3t-with-\"quote\"-and-\\backslash", "ünïcødé–sécret/€", "\t tab\x01ctl"}
	r := New(secrets...)
	for _, s := range secrets {
		jsonText, _ := json.Marshal(map[string]string{"echo": s, "other": "x"})
		var noHTML bytes.Buffer
		enc := json.NewEncoder(&noHTML)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(map[string]string{"echo": s})
		texts := map[string]string{
			"form":       url.Values{"client_secret": {s}, "client_id": {"id"}}.Encode(),
			"query":      "https://h/x?" + url.Values{"t": {s}}.Encode(),
			"path":       "https://h/" + url.PathEscape(s) + "/x",
			"json":       string(jsonText),
			"json plain": noHTML.String(),
			"%q":         fmt.Sprintf("error: %q", s),
			"%+q":        fmt.Sprintf("error: %+q", s),
			"form body, base64": base64.StdEncoding.EncodeToString([]byte(
				url.Values{"client_id": {"id"}, "client_secret": {s}, "grant_type": {"client_credentials"}}.Encode())),
		}
		for pad := range 3 {
			plain := strings.Repeat("i", pad) + ":" + s + ":tail"
			texts[fmt.Sprintf("base64 std %d", pad)] = base64.StdEncoding.EncodeToString([]byte(plain))
			texts[fmt.Sprintf("base64 url %d", pad)] = base64.URLEncoding.EncodeToString([]byte(plain))
			texts[fmt.Sprintf("base64 raw %d", pad)] = base64.RawStdEncoding.EncodeToString([]byte(plain))
		}
		for name, text := range texts {
			got := r.String(text)
			if !strings.Contains(got, Marker) {
				t.Errorf("%s of %q: nothing redacted in %q", name, s, got)
			}
			if strings.Contains(got, s) {
				t.Errorf("%s of %q: the raw secret survives in %q", name, s, got)
			}
			if strings.HasPrefix(name, "base64") {
				checkNoSecretBits(t, got, s)
			}
		}
	}
}

// checkNoSecretBits decodes what is left of a base64 text around the
// marker and checks that no three consecutive bytes of the secret remain.
func checkNoSecretBits(t *testing.T, got, s string) {
	t.Helper()
	for _, part := range strings.Split(got, Marker) {
		for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
			trimmed := strings.TrimRight(part, "=")
			for cut := len(trimmed) - len(trimmed)%4; cut >= 0; cut -= 4 {
				dec, err := enc.DecodeString(trimmed[:cut])
				if err != nil {
					continue
				}
				for i := 0; i+3 <= len(s); i++ {
					if bytes.Contains(dec, []byte(s[i:i+3])) && !strings.Contains(":tail", s[i:i+3]) {
						t.Errorf("base64 remainder %q still decodes to secret bytes %q", part, s[i:i+3])
					}
				}
			}
		}
	}
}

func TestAddWhileInUseAndNil(t *testing.T) {
	r := New()
	if got := r.String("a " + secret); got != "a "+secret {
		t.Fatalf("a redactor without secrets changed the text: %q", got)
	}
	r.Add("", "x", "demo", secret, secret)
	if got := r.String("x demo"); got != "x demo" {
		t.Fatalf("values shorter than MinSecretLen were redacted: %q", got)
	}
	if got := r.String("a " + secret); got != "a [REDACTED]" {
		t.Fatalf("after Add: %q", got)
	}
	var nilR *Redactor
	if got := nilR.String("https://u:pw@h/ " + secret); got != "https://[REDACTED]@h/ "+secret {
		t.Fatalf("nil redactor: %q", got)
	}
	nilR.Add("x") // must not panic
}

func TestLongerFormWins(t *testing.T) {
	// "abcdef" is a secret and so is a longer one that contains it: the
	// longer is replaced as a whole.
	r := New("abcdef", "xxabcdefyy")
	if got := r.String("1 xxabcdefyy 2 abcdef"); got != "1 [REDACTED] 2 [REDACTED]" {
		t.Fatalf("got %q", got)
	}
}

func TestExcerpt(t *testing.T) {
	r := New(secret)
	long := strings.Repeat("a", 250) + secret + strings.Repeat("b", 5000)
	got := r.Excerpt([]byte(long))
	if len(got) > MaxQuote+len("…") || !strings.HasSuffix(got, "…") {
		t.Fatalf("excerpt of %d bytes (%q…), want at most %d and a cut mark", len(got), got[:20], MaxQuote)
	}
	if strings.Contains(got, "p$ss") || !strings.HasPrefix(got, strings.Repeat("a", 250)+"[RED") {
		t.Fatalf("a secret split by the cut is not redacted first: %q", got[240:])
	}
	if got := r.Excerpt([]byte("bin\x00\xff\nline é")); got != "bin...line é" {
		t.Fatalf("non-printable bytes: %q", got)
	}
	if got := r.Quote(strings.Repeat("é", 200)); len(got) > MaxQuote+len("…") || !strings.HasSuffix(got, "é…") {
		t.Fatalf("cut inside a character: %q", got[len(got)-8:])
	}
}

// TestExcerptOfACutBody: a body cut at ExcerptSource (by Excerpt, Quote or
// the caller) ends in the start of a copy of a secret; redacting the copies
// before it shortens the text so that the start would come into view.
func TestExcerptOfACutBody(t *testing.T) {
	long := strings.Repeat("Zq7-", 52) + "ab" // 210 bytes
	r := New(long)
	body := strings.Repeat(long, 20) // 19 copies and 106 bytes of one in the first 4 KiB
	want := strings.Repeat(Marker, 19)
	for name, got := range map[string]string{
		"Excerpt":          r.Excerpt([]byte(body)),
		"Excerpt of 4 KiB": r.Excerpt([]byte(body[:ExcerptSource])),
		"Quote":            r.Quote(body),
		"Quote of 4 KiB":   r.Quote(body[:ExcerptSource]),
	} {
		if got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	// Whole text that is not cut keeps its end, even where it starts
	// like a secret.
	if got := r.Excerpt([]byte("x " + long[:20])); got != "x "+long[:20] {
		t.Errorf("uncut text: %q", got)
	}
}

func TestWriter(t *testing.T) {
	r := New(secret)
	var buf bytes.Buffer
	w := r.Writer(&buf)
	n, err := fmt.Fprintf(w, "token %s\n", url.QueryEscape(secret))
	if err != nil || n != len("token ")+len(url.QueryEscape(secret))+1 {
		t.Fatalf("Write = %d, %v", n, err)
	}
	if buf.String() != "token [REDACTED]\n" {
		t.Fatalf("wrote %q", buf.String())
	}
	if r.Writer(w) != w {
		t.Fatal("wrapping twice adds a second layer")
	}
}

func TestQuoteWithoutSecrets(t *testing.T) {
	long := strings.Repeat("x", 10<<20)
	if got := Quote(long); len(got) != MaxQuote+len("…") {
		t.Fatalf("a 10 MiB value quoted in %d bytes", len(got))
	}
	if got := Quote("a\x00b https://u:p@h/"); got != "a.b https://[REDACTED]@h/" {
		t.Fatalf("Quote = %q", got)
	}
}

func TestFormatHidesTheSecrets(t *testing.T) {
	r := New(secret)
	holder := struct {
		R  *Redactor
		RV any
	}{r, r}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		for _, v := range []any{r, holder, &holder} {
			if got := fmt.Sprintf(verb, v); strings.Contains(got, "p$ss") || strings.Contains(got, "cCRzcyB3") {
				t.Errorf("%s of %T shows the secret: %s", verb, v, got)
			}
		}
	}
}

func TestOf(t *testing.T) {
	r := New(secret)
	var buf bytes.Buffer
	if Of(r.Writer(&buf)) != r || Of(&buf) != nil {
		t.Fatal("Of does not find the redactor of a writer it made")
	}
	if Of(r.Writer(os.Stderr)) != r {
		t.Fatal("Of does not find the redactor of a syncing writer")
	}
}
