package packaging

import (
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/serapi"
)

const (
	taDir      = "splunk/TA-serfwd"
	sourcetype = "proofpoint:ser:summary"
)

func TestSplunkApp(t *testing.T) {
	app := parseINI(t, filepath.Join(taDir, "default", "app.conf"))
	if id := app.value("package", "id"); id != filepath.Base(taDir) {
		t.Errorf("app.conf [package] id = %q, want the folder's name %q", id, filepath.Base(taDir))
	}
	if app.value("launcher", "version") == "" || app.value("ui", "label") == "" {
		t.Error("app.conf lacks [launcher] version or [ui] label")
	}
	meta := parseINI(t, filepath.Join(taDir, "metadata", "default.meta"))
	if meta.value("", "export") != "system" {
		t.Error("metadata/default.meta does not export the app's knowledge to the system")
	}
	for _, f := range []string{"README.md", "default/data/ui/nav/default.xml"} {
		if _, err := os.Stat(filepath.Join(taDir, f)); err != nil {
			t.Error(err)
		}
	}
}

// TestSplunkProps checks props.conf and applies its line breaking and
// timestamp settings to NDJSON lines as serfwd's file sink writes them.
func TestSplunkProps(t *testing.T) {
	props := parseINI(t, filepath.Join(taDir, "default", "props.conf"))
	if _, ok := props[sourcetype]; !ok {
		t.Fatalf("props.conf has no [%s] stanza", sourcetype)
	}
	for key, want := range map[string]string{"KV_MODE": "json", "SHOULD_LINEMERGE": "false", "TZ": "UTC"} {
		if got := props.value(sourcetype, key); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	if n, err := strconv.Atoi(props.value(sourcetype, "TRUNCATE")); err != nil || n < 10000 {
		t.Errorf("TRUNCATE = %q: events with long address lists need room", props.value(sourcetype, "TRUNCATE"))
	}

	w := serapi.Window{Start: time.Date(2026, 3, 14, 15, 0, 0, 0, time.UTC)}
	w.End = w.Start.Add(time.Hour)
	ent := &serapi.Entitlement{AnnualThroughput: 1 << 40, LicenseStart: "2026-01-01T00:00:00.000Z", LicenseEnd: "2027-01-01T00:00:00.000Z"}
	rec := serapi.Record{ApplicationName: "crm", ApplicationUserName: "mailer", FromEnvelope: []string{"a@example.com"}}
	rec.Status.Total, rec.Status.Failure = 12, 1
	userEv := event.FromRecord("acme", w, &rec, ent, 2)
	windowEv := event.FromWindow("acme", w, []serapi.Record{rec}, ent, 0)
	stream := string(userEv.AppendJSON(nil)) + "\n" + string(windowEv.AppendJSON(nil)) + "\n"

	lines := breakLines(t, props.value(sourcetype, "LINE_BREAKER"), stream)
	if len(lines) != 2 {
		t.Fatalf("LINE_BREAKER splits two NDJSON lines into %d events: %q", len(lines), lines)
	}
	for _, line := range lines {
		if got := eventTime(t, props, line); !got.Equal(w.Start) {
			t.Errorf("timestamp %v from %s, want windowStart %v", got, line, w.Start)
		}
	}
}

// breakLines splits a stream as Splunk's LINE_BREAKER does: at every match,
// dropping the text of the first capture group.
func breakLines(t *testing.T, breaker, stream string) []string {
	t.Helper()
	re, err := regexp.Compile(breaker)
	if err != nil || re.NumSubexp() < 1 {
		t.Fatalf("LINE_BREAKER %q: needs a valid regex with a capture group (%v)", breaker, err)
	}
	var events []string
	rest := stream
	for {
		m := re.FindStringSubmatchIndex(rest)
		if m == nil {
			break
		}
		events = append(events, rest[:m[2]])
		rest = rest[m[3]:]
	}
	if strings.TrimSpace(rest) != "" {
		events = append(events, rest)
	}
	return events
}

// eventTime finds an event's timestamp as Splunk would: after TIME_PREFIX,
// within MAX_TIMESTAMP_LOOKAHEAD characters, in TIME_FORMAT.
func eventTime(t *testing.T, props unitFile, line string) time.Time {
	t.Helper()
	prefix := regexp.MustCompile(props.value(sourcetype, "TIME_PREFIX"))
	loc := prefix.FindStringIndex(line)
	if loc == nil {
		t.Fatalf("TIME_PREFIX %q does not match %s", prefix, line)
	}
	look, err := strconv.Atoi(props.value(sourcetype, "MAX_TIMESTAMP_LOOKAHEAD"))
	if err != nil {
		t.Fatalf("MAX_TIMESTAMP_LOOKAHEAD: %v", err)
	}
	text := line[loc[1]:min(len(line), loc[1]+look)]
	layout := strptimeLayout(t, props.value(sourcetype, "TIME_FORMAT"))
	if len(text) < len(layout) {
		t.Fatalf("MAX_TIMESTAMP_LOOKAHEAD %d cuts the timestamp: %q", look, text)
	}
	ts, err := time.Parse(layout, text[:len(layout)])
	if err != nil {
		t.Fatalf("TIME_FORMAT does not parse %q: %v", text, err)
	}
	return ts
}

// strptimeLayout converts the strptime directives props.conf uses into a Go
// time layout; an unknown directive fails the test.
func strptimeLayout(t *testing.T, format string) string {
	t.Helper()
	r := strings.NewReplacer("%Y", "2006", "%m", "01", "%d", "02", "%H", "15", "%M", "04", "%S", "05", "%3N", "000")
	layout := r.Replace(format)
	if strings.Contains(layout, "%") {
		t.Fatalf("TIME_FORMAT %q uses a directive this test does not know", format)
	}
	return layout
}

// TestSplunkDashboard parses the Simple XML dashboard and checks its searches.
func TestSplunkDashboard(t *testing.T) {
	f, err := os.Open(filepath.Join(taDir, "default", "data", "ui", "views", "serfwd_overview.xml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	queries, tokens := dashboardQueries(t, f)
	if len(queries) < 4 {
		t.Fatalf("%d searches, want messages over time, failures and licence use per application", len(queries))
	}
	want := map[string]bool{"success": false, "failure": false, "total": false, "messageSizeTotal": false, "annualThroughput": false, "by applicationName": false}
	for _, q := range queries {
		if !strings.Contains(q, `sourcetype="`+sourcetype+`"`) {
			t.Errorf("a search does not name sourcetype %s:\n%s", sourcetype, q)
		}
		if !strings.Contains(q, "| dedup eventId sortby -revision") {
			t.Errorf("a search counts revised events more than once (no dedup eventId sortby -revision):\n%s", q)
		}
		for k := range want {
			want[k] = want[k] || strings.Contains(q, k)
		}
		for _, tok := range regexp.MustCompile(`\$([A-Za-z_.]+)\$`).FindAllStringSubmatch(q, -1) {
			if !tokens[strings.Split(tok[1], ".")[0]] {
				t.Errorf("a search uses token $%s$, which no input sets", tok[1])
			}
		}
	}
	for k, seen := range want {
		if !seen {
			t.Errorf("no search uses %q", k)
		}
	}
}

// dashboardQueries returns the text of every <query> and the tokens the
// form's inputs set.
func dashboardQueries(t *testing.T, r io.Reader) (queries []string, tokens map[string]bool) {
	t.Helper()
	dec := xml.NewDecoder(r)
	tokens = map[string]bool{}
	var stack []string
	var text strings.Builder
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("the dashboard is not well-formed XML: %v", err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			if len(stack) == 0 && el.Name.Local != "form" && el.Name.Local != "dashboard" {
				t.Fatalf("root element <%s>, want <form> or <dashboard>", el.Name.Local)
			}
			stack = append(stack, el.Name.Local)
			text.Reset()
			for _, a := range el.Attr {
				if el.Name.Local == "input" && a.Name.Local == "token" {
					tokens[a.Value] = true
				}
			}
		case xml.CharData:
			text.Write(el)
		case xml.EndElement:
			if el.Name.Local == "query" {
				queries = append(queries, text.String())
			}
			stack = stack[:len(stack)-1]
		}
	}
	return queries, tokens
}
