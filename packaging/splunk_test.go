// splunk_test.go checks the add-on's identity (app.conf, app.manifest,
// metadata) in the source tree and applies props.conf's line breaking and
// timestamp settings to NDJSON lines as serfwd's file sink writes them.

package packaging

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	taDir      = "splunk/TA-serfwd"
	sourcetype = "proofpoint:ser:summary"
)

func TestSplunkApp(t *testing.T) {
	app := readSplunkConf(t, filepath.Join(taDir, "default", "app.conf"))
	name := filepath.Base(taDir)
	if app.value("package", "id") != name || app.value("id", "name") != name {
		t.Errorf("app.conf [package] id = %q, [id] name = %q, want the folder's name %q",
			app.value("package", "id"), app.value("id", "name"), name)
	}
	if app.value("id", "version") == "" || app.value("id", "version") != app.value("launcher", "version") {
		t.Errorf("app.conf [id] version %q and [launcher] version %q must be set and equal",
			app.value("id", "version"), app.value("launcher", "version"))
	}
	if app.value("ui", "label") == "" || app.value("install", "is_configured") != "false" {
		t.Error("app.conf lacks [ui] label, or claims a setup was done ([install] is_configured)")
	}
	var manifest struct {
		SchemaVersion string `json:"schemaVersion"`
		Info          struct {
			ID struct{ Name, Version string } `json:"id"`
		} `json:"info"`
	}
	data, err := os.ReadFile(filepath.Join(taDir, "app.manifest"))
	if err != nil || json.Unmarshal(data, &manifest) != nil {
		t.Fatalf("app.manifest is missing or not JSON: %v", err)
	}
	if manifest.SchemaVersion != "2.0.0" || manifest.Info.ID.Name != name || manifest.Info.ID.Version != app.value("id", "version") {
		t.Errorf("app.manifest: schema %q, info.id %+v; want 2.0.0, %s and app.conf's version", manifest.SchemaVersion, manifest.Info.ID, name)
	}
	meta := readSplunkConf(t, filepath.Join(taDir, "metadata", "default.meta"))
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
	props := readSplunkConf(t, filepath.Join(taDir, "default", "props.conf"))
	if _, ok := props.byName[sourcetype]; !ok {
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

	userEv, windowEv, start := sampleEvents()
	stream := string(userEv.AppendJSON(nil)) + "\n" + string(windowEv.AppendJSON(nil)) + "\n"

	lines := breakLines(t, props.value(sourcetype, "LINE_BREAKER"), stream)
	if len(lines) != 2 {
		t.Fatalf("LINE_BREAKER splits two NDJSON lines into %d events: %q", len(lines), lines)
	}
	for _, line := range lines {
		if got := eventTime(t, props, line); !got.Equal(start) {
			t.Errorf("timestamp %v from %s, want windowStart %v", got, line, start)
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
func eventTime(t *testing.T, props *splunkConf, line string) time.Time {
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
