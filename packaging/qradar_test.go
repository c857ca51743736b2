// qradar_test.go checks packaging/qradar/README.md: its custom event
// property list covers every event key with the right type, its regexes
// read every key back from LEEF messages that serfwd's syslog sink really
// sends (values chosen to imitate keys included), and its sample message
// agrees with SPEC §4 and §5 (eventId, sev, usrName, devTime).

package packaging

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/serapi"
	"github.com/serfwd/serfwd/pkg/sink"
	"github.com/serfwd/serfwd/pkg/sink/syslog"
)

var qradarReadme = filepath.Join("qradar", "README.md")

// qradarProperty is one row of the README's property table.
type qradarProperty struct {
	name, typ, leefKey, in string
	re                     *regexp.Regexp
}

// qradarProperties reads the property table of the QRadar README.
func qradarProperties(t *testing.T) map[string]qradarProperty {
	t.Helper()
	data, err := os.ReadFile(qradarReadme)
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(data), "| name | type | LEEF key | regex (capture group 1) | in |\n| --- | --- | --- | --- | --- |\n")
	if !ok {
		t.Fatal("the QRadar README has no custom event property table")
	}
	props := map[string]qradarProperty{}
	for _, line := range strings.Split(table, "\n") {
		if !strings.HasPrefix(line, "| ") {
			break
		}
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		if len(cells) != 5 {
			t.Fatalf("property row %q: want 5 cells", line)
		}
		re, err := regexp.Compile(strings.Trim(cells[3], "`"))
		if err != nil {
			t.Fatalf("property %s: %v", cells[0], err)
		}
		props[cells[0]] = qradarProperty{name: cells[0], typ: cells[1], leefKey: strings.Trim(cells[2], "`"), in: cells[4], re: re}
	}
	return props
}

// TestQRadarPropertyList checks that every key of both event types has a
// property of the right type, named as the key.
func TestQRadarPropertyList(t *testing.T) {
	props := qradarProperties(t)
	user, window, _ := sampleEvents()
	inUser, inWindow := map[string]bool{}, map[string]bool{}
	for _, e := range []struct {
		ev event.Event
		in map[string]bool
	}{{user, inUser}, {window, inWindow}} {
		for _, f := range e.ev.Fields {
			e.in[f.Key] = true
			p, ok := props[f.Key]
			if !ok {
				t.Errorf("no custom event property for %s", f.Key)
				continue
			}
			want := "Text"
			if f.Kind == event.Int {
				want = "Numeric"
			}
			if p.typ != want || p.leefKey != f.Key {
				t.Errorf("property %s: type %s, LEEF key %s; want %s, %s", f.Key, p.typ, p.leefKey, want, f.Key)
			}
			// Anchored at the '^' before the key: no value can imitate it.
			if re := `\^` + f.Key + `=([^\^]*)`; p.re.String() != re {
				t.Errorf("property %s: regex %s, want %s", f.Key, p.re, re)
			}
		}
	}
	for name, p := range props {
		want := map[[2]bool]string{{true, true}: "both", {true, false}: "ser.applicationUser", {false, true}: "ser.window"}[[2]bool{inUser[name], inWindow[name]}]
		if p.in != want {
			t.Errorf("property %s is listed for %q, want %q", name, p.in, want)
		}
	}
}

// TestQRadarPropertiesReadLEEF sends events through serfwd's syslog sink
// (LEEF over TCP) and reads every key back with the documented regexes.
func TestQRadarPropertiesReadLEEF(t *testing.T) {
	props := qradarProperties(t)
	user, window, start := sampleEvents()
	nasty := serapi.Record{ApplicationName: "evil^failure=0|total=1", ApplicationUserName: "u=1^x",
		FromEnvelope: []string{"a@example.com", "^success=99"}, FromHeader: []string{"example.com"}}
	nasty.Status.Success, nasty.Status.Failure, nasty.Status.Total = 2, 7, 9
	w := serapi.Window{Start: start, End: start.Add(time.Hour)}
	events := []event.Event{user, window, event.FromRecord("acme", w, &nasty, nil, 1)}

	lines := sendLEEF(t, events)
	// QRadar's own columns, worked out by hand from SPEC §5: sev is 1 +
	// round(9 × failure ÷ total) (1/12 and 7/9 of the messages failed),
	// usrName the applicationUserName with '^' removed, absent on ser.window.
	own := []struct{ sev, usrName string }{{"2", "mailer"}, {"2", ""}, {"8", "u=1x"}}
	for i, want := range own {
		if m := regexp.MustCompile(`\^sev=([^^]*)\^`).FindAllStringSubmatch(lines[i], -1); len(m) != 1 || m[0][1] != want.sev {
			t.Errorf("event %d: sev reads %v, want one sev=%s in %s", i, m, want.sev, lines[i])
		}
		m := regexp.MustCompile(`\^usrName=([^^]*)\^`).FindAllStringSubmatch(lines[i], -1)
		switch {
		case want.usrName == "" && len(m) != 0:
			t.Errorf("event %d: a ser.window event carries usrName: %s", i, lines[i])
		case want.usrName != "" && (len(m) != 1 || m[0][1] != want.usrName):
			t.Errorf("event %d: usrName reads %v, want one usrName=%s in %s", i, m, want.usrName, lines[i])
		}
	}
	for i, e := range events {
		for _, f := range e.Fields {
			m := props[f.Key].re.FindAllStringSubmatch(lines[i], -1)
			if len(m) != 1 {
				t.Errorf("event %d: the regex of %s matches %d times in %s", i, f.Key, len(m), lines[i])
				continue
			}
			if want := leefValue(f); m[0][1] != want {
				t.Errorf("event %d: %s reads %q, want %q", i, f.Key, m[0][1], want)
			}
		}
	}
}

// leefValue is a field's value as SPEC §5 says LEEF carries it: integers
// in decimal, lists joined with ",", '^' removed from text.
func leefValue(f event.Field) string {
	switch f.Kind {
	case event.Int:
		return strconv.FormatInt(f.Int, 10)
	case event.List:
		return strings.ReplaceAll(strings.Join(f.List, ","), "^", "")
	}
	return strings.ReplaceAll(f.Str, "^", "")
}

// sendLEEF writes events through a syslog sink to a TCP listener and
// returns the messages received, one per event.
func sendLEEF(t *testing.T, events []event.Event) []string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := make(chan []string, 1)
	go func() {
		var lines []string
		defer func() { got <- lines }()
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(2 * time.Minute)) // a safety net, never the assertion
		r := bufio.NewScanner(c)
		r.Buffer(make([]byte, 64<<10), 64<<10)
		for len(lines) < len(events) && r.Scan() {
			lines = append(lines, r.Text())
		}
	}()
	cfg := syslog.DefaultConfig() // max_message_bytes: the tcp default
	cfg.Address, cfg.Network, cfg.Framing, cfg.Hostname = ln.Addr().String(), "tcp", "newline", "loghost"
	sk, err := syslog.New(sink.Settings{Name: "qradar", Version: "9.9.9", Metrics: sink.NopMetrics{}}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := sk.Write(context.Background(), events); err != nil {
		t.Fatal(err)
	}
	if err := sk.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	lines := <-got
	if len(lines) != len(events) {
		t.Fatalf("received %d messages, want %d", len(lines), len(events))
	}
	return lines
}

// TestQRadarSample checks the README's sample message against the
// contract: every property reads from it, and eventId, sev, usrName,
// devTime and total are what SPEC §4 and §5 say they must be.
func TestQRadarSample(t *testing.T) {
	data, err := os.ReadFile(qradarReadme)
	if err != nil {
		t.Fatal(err)
	}
	sample := regexp.MustCompile(`(?m)^<13[24]>1 .*LEEF:2\.0\|.*$`).FindString(string(data))
	if sample == "" {
		t.Fatal("the QRadar README shows no sample LEEF message")
	}
	v := map[string]string{}
	for name, p := range qradarProperties(t) {
		if m := p.re.FindStringSubmatch(sample); m != nil {
			v[name] = m[1]
		} else if p.in != "ser.window" {
			t.Errorf("the sample has no %s", name)
		}
	}
	id := sha256.Sum256([]byte(strings.Join([]string{v["input"], v["windowStart"], v["applicationName"],
		v["applicationUserName"], v["fromEnvelope"], v["fromHeader"]}, "\x1f")))
	if hex.EncodeToString(id[:]) != v["eventId"] {
		t.Errorf("the sample's eventId %s is not SPEC §4's hash of its identity", v["eventId"])
	}
	n := func(k string) float64 { f, _ := strconv.ParseFloat(v[k], 64); return f }
	sev := 1.0
	if n("failure") > 0 {
		sev = math.Min(10, 1+math.Round(9*n("failure")/n("total")))
	}
	leef := func(k string) string {
		return regexp.MustCompile(`[|^]` + k + `=([^^]*)`).FindStringSubmatch(sample)[1]
	}
	if leef("sev") != strconv.Itoa(int(sev)) || leef("usrName") != v["applicationUserName"] {
		t.Errorf("sample sev=%s usrName=%s; SPEC §5 gives %v and %s", leef("sev"), leef("usrName"), sev, v["applicationUserName"])
	}
	ws, err := time.Parse(event.TimeLayout, v["windowStart"])
	if err != nil || leef("devTime") != strconv.FormatInt(ws.UnixMilli(), 10) {
		t.Errorf("sample devTime=%s, want windowStart %s in epoch ms (%v)", leef("devTime"), v["windowStart"], err)
	}
	if n("success")+n("failure")+n("tempFailure")+n("partialSuccess")+n("inProgress") != n("total") {
		t.Error("the sample's total is not the sum of its statuses")
	}
	if m := regexp.MustCompile(`the sample below has (\d+)\)`).FindStringSubmatch(string(data)); m == nil || m[1] != strconv.Itoa(len(sample)) {
		t.Errorf("the README's size of the sample (%v) is not its length %d", m, len(sample))
	}
	if pri := sample[:5]; (n("failure") > 0) != (pri == "<132>") {
		t.Errorf("sample PRI %s: warning (132 for local0) exactly when failure > 0", pri)
	}
}
