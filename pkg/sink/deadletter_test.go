// The dead-letter file: the SPEC §5 line shape for refused events, the
// entry shape for unreadable queue entries, appending, mode 0600, and the
// count and the one log line of every Write.

package sink_test

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/sink"
)

func TestDeadLettersLineShape(t *testing.T) {
	dir := t.TempDir()
	d := sink.NewDeadLetters(dir, "splunk", nil, nil)
	if want := filepath.Join(dir, "deadletter-splunk.ndjson"); d.Path() != want {
		t.Fatalf("Path() = %s, want %s", d.Path(), want)
	}
	var ev event.Event
	ev.AddString("eventId", "e1")
	ev.AddString("applicationName", "Sales \"force\"\n")
	ev.AddInt("failure", 3)
	before := time.Now().UTC().Truncate(time.Millisecond)
	if err := d.Write(sink.Letter{Code: "6", Reason: "Invalid data format", Event: &ev},
		sink.Letter{Code: "413", Reason: "too large", Event: &ev}); err != nil {
		t.Fatal(err)
	}
	if err := d.Write(sink.Letter{Code: "queue-entry", Reason: "bad header", Entry: []byte{0, 1, 0xff}}); err != nil {
		t.Fatal(err)
	}
	lines := readLines(t, d.Path())
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 3", len(lines))
	}
	wantCodes := []any{6.0, 413.0, "queue-entry"}
	for i, l := range lines {
		if l["sink"] != "splunk" || l["code"] != wantCodes[i] {
			t.Errorf("line %d: sink %v code %#v, want splunk and %#v", i, l["sink"], l["code"], wantCodes[i])
		}
		ts, err := time.Parse("2006-01-02T15:04:05.000Z", l["time"].(string))
		if err != nil || ts.Before(before) || ts.After(time.Now()) {
			t.Errorf("line %d: time %v (%v)", i, l["time"], err)
		}
	}
	got, _ := lines[0]["event"].(map[string]any)
	if got["eventId"] != "e1" || got["applicationName"] != "Sales \"force\"\n" || got["failure"] != 3.0 || lines[0]["reason"] != "Invalid data format" {
		t.Errorf("event line: %v", lines[0])
	}
	if _, has := lines[2]["event"]; has || lines[2]["entry"] != base64.StdEncoding.EncodeToString([]byte{0, 1, 0xff}) {
		t.Errorf("entry line: %v", lines[2])
	}
	fi, err := os.Stat(d.Path())
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}
}

func TestDeadLettersFailLoudly(t *testing.T) {
	counted := sink.CountDeadLetters(nil)
	d := sink.NewDeadLetters(filepath.Join(t.TempDir(), "missing-dir"), "s", nil, counted)
	var ev event.Event
	if err := d.Write(sink.Letter{Code: "6", Event: &ev}); err == nil {
		t.Fatal("Write into a missing directory succeeded")
	}
	if counted.Total() != 0 {
		t.Errorf("%d dead letters counted that were not written", counted.Total())
	}
}

// TestDeadLettersCountAndLogOncePerWrite: the file counts what it writes
// (one per line, or what WriteCounting says) and logs one line per Write,
// whatever the number of letters.
func TestDeadLettersCountAndLogOncePerWrite(t *testing.T) {
	core, logs := observer.New(zapcore.DebugLevel)
	counted := sink.CountDeadLetters(nil)
	d := sink.NewDeadLetters(t.TempDir(), "splunk", zap.New(core), counted)
	evs := make([]event.Event, 5)
	letters := make([]sink.Letter, len(evs))
	for i := range evs {
		evs[i].AddString("eventId", fmt.Sprintf("e%d", i))
		letters[i] = sink.Letter{Code: "6", Reason: "Invalid data format", Event: &evs[i]}
	}
	if err := d.Write(letters...); err != nil {
		t.Fatal(err)
	}
	if err := d.WriteCounting(2, letters[:4]...); err != nil { // a partial success: 2 of 4 rejected
		t.Fatal(err)
	}
	if err := d.WriteCounting(7, sink.Letter{Code: "queue-entry", Reason: "bad header", Entry: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	if err := d.Write(); err != nil {
		t.Fatal(err)
	}
	if got := counted.Total(); got != 5+2+7 {
		t.Errorf("counted %d dead letters, want 14", got)
	}
	entries := logs.All()
	if len(entries) != 3 {
		t.Fatalf("%d log lines, want one per Write that wrote:\n%v", len(entries), entries)
	}
	for i, want := range []struct {
		level         zapcore.Level
		events, lines int64
		first         string
	}{{zapcore.WarnLevel, 5, 5, "e0"}, {zapcore.WarnLevel, 2, 4, "e0"}, {zapcore.ErrorLevel, 7, 1, ""}} {
		e, f := entries[i], entries[i].ContextMap()
		if e.Level != want.level || f["events"] != want.events || f["lines"] != want.lines || f["file"] != d.Path() {
			t.Errorf("log line %d: %s %q %v, want level %s, %d events in %d lines", i, e.Level, e.Message, f, want.level, want.events, want.lines)
		}
		if id, _ := f["first_event_id"].(string); id != want.first {
			t.Errorf("log line %d: first_event_id %q, want %q", i, id, want.first)
		}
	}
}

// readLines decodes every line of an NDJSON file.
func readLines(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		out = append(out, m)
	}
	return out
}
