// splunk_content_test.go checks what the add-on says about SER data: every
// .conf and .meta file parses, every search (event types, dashboards,
// alerts) passes the rules of splunkspl_test.go, event types stay pipe-free
// and untagged for CIM Email, field aliases name real event keys, alerts
// ship disabled and pass AppInspect's saved-search checks, and the
// dashboards have the panels analysts need.

package packaging

import (
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/serapi"
)

const metricsSourcetype = "proofpoint:ser:metrics"

// counterKeys are the counters of SPEC §4 (success … dsn5xx), written out
// here from the contract rather than taken from the code under test.
var counterKeys = []string{
	"success", "failure", "tempFailure", "partialSuccess", "inProgress", "total", "recipientsTotal",
	"messageSizeTotal", "deliveredSizeTotal", "dsn2xx", "dsn3xx", "dsn4xx", "dsn5xx",
}

// metricDimensions are the dimensions of SPEC §5's metric envelope.
var metricDimensions = []string{"eventType", "eventId", "revision", "input", "applicationName", "applicationUserName"}

// sampleEvents returns a ser.applicationUser and a ser.window event as
// serfwd's event package makes them.
func sampleEvents() (user, window event.Event, start time.Time) {
	w := serapi.Window{Start: time.Date(2026, 3, 14, 15, 0, 0, 0, time.UTC)}
	w.End = w.Start.Add(time.Hour)
	ent := &serapi.Entitlement{AnnualThroughput: 1 << 40, LicenseStart: "2026-01-01T00:00:00.000Z", LicenseEnd: "2027-01-01T00:00:00.000Z"}
	rec := serapi.Record{ApplicationName: "crm", ApplicationUserName: "mailer", FromEnvelope: []string{"a@example.com"}}
	rec.Status.Total, rec.Status.Failure = 12, 1
	return event.FromRecord("acme", w, &rec, ent, 2), event.FromWindow("acme", w, []serapi.Record{rec}, ent, 0), w.Start
}

// jsonKeys returns the keys of an event's JSON object in order.
func jsonKeys(t *testing.T, e event.Event) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(string(e.AppendJSON(nil))))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("an event is not a JSON object: %v %v", tok, err)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

// eventKeys returns the keys of both event types.
func eventKeys(t *testing.T) (user, window []string) {
	u, w, _ := sampleEvents()
	return jsonKeys(t, u), jsonKeys(t, w)
}

// addonSchema is what the add-on's searches may refer to.
func addonSchema(t *testing.T) splSchema {
	t.Helper()
	user, window := eventKeys(t)
	s := splSchema{
		macros:      map[string]bool{},
		sourcetypes: map[string]bool{},
		eventTypes:  map[string]bool{event.TypeApplicationUser: true, event.TypeWindow: true},
		fields:      splitFieldSet(strings.Join(append(user, window...), " ") + " app user vendor product vendor_product"),
		dimensions:  splitFieldSet(strings.Join(metricDimensions, " ")),
		metrics:     map[string]bool{"ser.records": true},
	}
	for _, k := range counterKeys {
		s.metrics["ser."+k] = true
	}
	for _, st := range readSplunkConf(t, filepath.Join(taDir, "default", "macros.conf")).stanzas {
		s.macros[st.name] = st.name != ""
	}
	for _, st := range readSplunkConf(t, filepath.Join(taDir, "default", "props.conf")).stanzas {
		s.sourcetypes[st.name] = st.name != ""
	}
	return s
}

// TestSplunkConfFiles parses every .conf and .meta file of the add-on and
// allows only the files it is meant to have (AppInspect fails unknown
// .meta files, check_metadata_allow_list).
func TestSplunkConfFiles(t *testing.T) {
	allowed := map[string]bool{
		"default/app.conf": true, "default/props.conf": true, "default/eventtypes.conf": true,
		"default/macros.conf": true, "default/savedsearches.conf": true, "metadata/default.meta": true,
	}
	n := 0
	for rel := range addonSourceFiles(t) {
		if ext := path.Ext(rel); ext == ".conf" || ext == ".meta" {
			if !allowed[rel] {
				t.Errorf("%s: a configuration file the add-on is not meant to have", rel)
			}
			readSplunkConf(t, filepath.Join(taDir, filepath.FromSlash(rel)))
			n++
		}
	}
	if n != len(allowed) {
		t.Fatalf("read %d of %d configuration files", n, len(allowed))
	}
}

// TestSplunkSearches applies the search rules to every search the add-on
// ships.
func TestSplunkSearches(t *testing.T) {
	schema := addonSchema(t)
	searches := map[string]string{}
	for _, file := range []string{"eventtypes.conf", "savedsearches.conf"} {
		c := readSplunkConf(t, filepath.Join(taDir, "default", file))
		for _, st := range c.stanzas {
			if q, ok := st.get("search"); ok {
				searches[file+" ["+st.name+"]"] = q
			}
		}
	}
	for view, qs := range dashboardSearches(t) {
		for i, q := range qs.queries {
			searches[view+" query "+strconv.Itoa(i+1)] = q
		}
	}
	if len(searches) < 12 {
		t.Fatalf("found %d searches; the event types, alerts and dashboard panels are more", len(searches))
	}
	for where, q := range searches {
		checkSearch(t, where, q, schema)
	}
}

// TestSplunkEventTypes checks the event types: pipe-free searches (Splunk
// refuses pipes and subsearches in them), one per kind of event, and no
// CIM Email tag: a per-window aggregate is not a message.
func TestSplunkEventTypes(t *testing.T) {
	c := readSplunkConf(t, filepath.Join(taDir, "default", "eventtypes.conf"))
	want := map[string]string{"serfwd_summary": event.TypeApplicationUser, "serfwd_window": event.TypeWindow}
	for _, st := range c.stanzas {
		q, ok := st.get("search")
		if st.name == "" {
			continue
		}
		if !ok {
			t.Errorf("[%s] has no search", st.name)
			continue
		}
		if segs := splSegments(q); len(segs) != 1 || strings.Contains(q, "[") {
			t.Errorf("[%s]: an event type search must have no pipe and no subsearch: %q", st.name, q)
		}
		if et, ok := want[st.name]; ok {
			if !strings.Contains(q, `eventType="`+et+`"`) || !strings.Contains(q, `sourcetype="`+sourcetype+`"`) {
				t.Errorf("[%s] does not select %s events of %s: %q", st.name, et, sourcetype, q)
			}
			delete(want, st.name)
		}
	}
	for name := range want {
		t.Errorf("eventtypes.conf lacks [%s]", name)
	}
	if _, err := os.Stat(filepath.Join(taDir, "default", "tags.conf")); err == nil {
		for _, st := range readSplunkConf(t, filepath.Join(taDir, "default", "tags.conf")).stanzas {
			if v, _ := st.get("email"); v == "enabled" {
				t.Errorf("tags.conf [%s] tags serfwd's aggregates as CIM email events", st.name)
			}
		}
	}
}

// TestSplunkFieldAliases pins the CIM names the add-on adds: app and user
// for the application and its sending account, and vendor_product; each
// alias reads a key serfwd really sends.
func TestSplunkFieldAliases(t *testing.T) {
	props := readSplunkConf(t, filepath.Join(taDir, "default", "props.conf"))
	user, _ := eventKeys(t)
	st := props.byName[sourcetype]
	aliases := map[string]string{}
	for _, kv := range st.settings {
		if !strings.HasPrefix(kv.key, "FIELDALIAS-") {
			continue
		}
		f := strings.Fields(kv.value)
		if len(f) != 3 || !strings.EqualFold(f[1], "AS") {
			t.Fatalf("%s = %q: want one \"field AS alias\"", kv.key, kv.value)
		}
		if !slices.Contains(user, f[0]) {
			t.Errorf("%s aliases %q, which is not a key of serfwd's events", kv.key, f[0])
		}
		aliases[f[2]] = f[0]
	}
	want := map[string]string{"app": "applicationName", "user": "applicationUserName"}
	if len(aliases) != len(want) || aliases["app"] != want["app"] || aliases["user"] != want["user"] {
		t.Errorf("field aliases %v, want exactly %v (CIM fields that mean the same; nothing that would claim a message)", aliases, want)
	}
	if v, _ := st.get("EVAL-vendor_product"); v != `"Proofpoint Secure Email Relay"` {
		t.Errorf("EVAL-vendor_product = %q", v)
	}
	if _, ok := props.byName[metricsSourcetype]; !ok {
		t.Errorf("props.conf has no [%s] stanza", metricsSourcetype)
	}
}

// TestSplunkMacros checks the index macros every search starts with.
// Splunk advises parentheses around macro definitions used in event types.
func TestSplunkMacros(t *testing.T) {
	c := readSplunkConf(t, filepath.Join(taDir, "default", "macros.conf"))
	for _, name := range []string{"serfwd_index", "serfwd_metrics_index"} {
		def := c.value(name, "definition")
		if !strings.HasPrefix(def, "(") || !strings.HasSuffix(def, ")") || !strings.Contains(def, "index=") {
			t.Errorf("[%s] definition = %q, want a parenthesized index filter", name, def)
		}
		if c.value(name, "description") == "" {
			t.Errorf("[%s] has no description", name)
		}
	}
}
