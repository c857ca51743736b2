// splunk_dashboard_test.go parses the add-on's Simple XML (every dashboard
// and the navigation): well-formed, Simple XML version 1.1 (the jQuery 3.5
// dashboards that current Splunk and Splunk Cloud expect), tokens that an
// input sets, the panels analysts need, and a navigation that names views
// and saved searches that exist.

package packaging

import (
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var viewsDir = filepath.Join(taDir, "default", "data", "ui", "views")

// dashboard is what the tests need of one Simple XML view.
type dashboard struct {
	root    xml.StartElement
	queries []string
	tokens  map[string]bool // tokens that the form's inputs set
}

// parseDashboard reads a view: its root element, every <query> and the
// tokens of its inputs.
func parseDashboard(r io.Reader) (*dashboard, error) {
	dec := xml.NewDecoder(r)
	d := &dashboard{tokens: map[string]bool{}}
	var text strings.Builder
	depth := 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return d, nil
		}
		if err != nil {
			return nil, err
		}
		switch el := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				d.root = el.Copy()
			}
			depth++
			text.Reset()
			for _, a := range el.Attr {
				if el.Name.Local == "input" && a.Name.Local == "token" {
					d.tokens[a.Value] = true
				}
			}
		case xml.CharData:
			text.Write(el)
		case xml.EndElement:
			depth--
			if el.Name.Local == "query" {
				d.queries = append(d.queries, text.String())
			}
		}
	}
}

// dashboardSearches parses every view of the add-on.
func dashboardSearches(t *testing.T) map[string]*dashboard {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(viewsDir, "*.xml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no dashboards in %s (%v)", viewsDir, err)
	}
	views := map[string]*dashboard{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d, err := parseDashboard(strings.NewReader(string(data)))
		if err != nil {
			t.Fatalf("%s is not well-formed XML: %v", f, err)
		}
		views[strings.TrimSuffix(filepath.Base(f), ".xml")] = d
	}
	return views
}

func attr(el xml.StartElement, name string) string {
	for _, a := range el.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// TestSplunkDashboards checks each view's form and tokens, and that the
// overview has every panel of the add-on's promise (README.md).
func TestSplunkDashboards(t *testing.T) {
	token := regexp.MustCompile(`\$([A-Za-z_.]+)\$`)
	for name, d := range dashboardSearches(t) {
		if n := d.root.Name.Local; n != "form" && n != "dashboard" {
			t.Errorf("%s: root element <%s>, want <form> or <dashboard>", name, n)
		}
		if v := attr(d.root, "version"); v != "1.1" {
			t.Errorf("%s: Simple XML version %q, want 1.1 (jQuery 3.5; older dashboards are deprecated)", name, v)
		}
		for _, q := range d.queries {
			for _, tok := range token.FindAllStringSubmatch(q, -1) {
				if !d.tokens[strings.Split(tok[1], ".")[0]] {
					t.Errorf("%s: a search uses token $%s$, which no input sets", name, tok[1])
				}
			}
		}
	}
	overview := dashboardSearches(t)["serfwd_overview"]
	if overview == nil {
		t.Fatal("no serfwd_overview dashboard")
	}
	panels := map[string][]string{
		"messages over time":                          {`eventType="ser.window"`, "timechart", "sum(total)"},
		"completeness per window":                     {"AS records", "AS indexed", "missing"},
		"missing windows":                             {"streamstats", "previousEnd", "missingWindows"},
		"failure rate and DSN mix per app user":       {"by input applicationName applicationUserName", "failureRatePct", "dsn5xxPct"},
		"licence use from the entitlement keys":       {"annualThroughput", "licenseStart", "licenseEnd", "messageSizeTotal"},
		"late corrections (revisions) over time":      {"dedup eventId revision", "revisions", "tempFailure"},
		"mstats, each eventId's latest revision once": {"| mstats ", "BY eventId revision"},
	}
	for panel, needles := range panels {
		if !slices.ContainsFunc(overview.queries, func(q string) bool { return containsAll(q, needles) }) {
			t.Errorf("the overview has no %s panel (a search with %q)", panel, needles)
		}
	}
}

func containsAll(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// TestSplunkNav checks that the navigation names views and saved searches
// that exist.
func TestSplunkNav(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(taDir, "default", "data", "ui", "nav", "default.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var nav struct {
		XMLName xml.Name `xml:"nav"`
		Views   []struct {
			Name string `xml:"name,attr"`
		} `xml:"view"`
		Collections []struct {
			Saved []struct {
				Name string `xml:"name,attr"`
			} `xml:"saved"`
		} `xml:"collection"`
	}
	if err := xml.Unmarshal(data, &nav); err != nil {
		t.Fatalf("nav/default.xml: %v", err)
	}
	views := dashboardSearches(t)
	for _, v := range nav.Views {
		if _, ok := views[v.Name]; !ok && v.Name != "search" {
			t.Errorf("the navigation names view %q, which the add-on does not have", v.Name)
		}
	}
	saved := readSplunkConf(t, filepath.Join(taDir, "default", "savedsearches.conf")).byName
	for _, c := range nav.Collections {
		for _, s := range c.Saved {
			if saved[s.Name] == nil {
				t.Errorf("the navigation names saved search %q, which savedsearches.conf lacks", s.Name)
			}
		}
	}
}
