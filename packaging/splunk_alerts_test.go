// splunk_alerts_test.go checks the alerts of savedsearches.conf against
// AppInspect's saved-search checks (named at each rule) and the add-on's
// own promise: a data-gap and a failure-spike alert, shipped disabled.

package packaging

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestSplunkSavedSearches(t *testing.T) {
	c := readSplunkConf(t, filepath.Join(taDir, "default", "savedsearches.conf"))
	for _, name := range []string{"serfwd - data gap", "serfwd - failure rate spike"} {
		if c.byName[name] == nil {
			t.Errorf("savedsearches.conf lacks [%s]", name)
		}
	}
	for _, st := range c.stanzas {
		if st.name == "" && len(st.settings) == 0 {
			continue
		}
		checkSavedSearch(t, st)
	}
}

// checkSavedSearch applies the rules to one stanza.
func checkSavedSearch(t *testing.T, st *confStanza) {
	t.Helper()
	get := func(k string) string { v, _ := st.get(k); return v }
	if d := get("disabled"); d != "1" && d != "true" {
		t.Errorf("[%s] disabled = %q: alerts ship disabled, the admin enables them", st.name, d)
	}
	// check_for_empty_saved_search_description, check_saved_search_specifies_a_search
	if strings.TrimSpace(get("description")) == "" || strings.TrimSpace(get("search")) == "" {
		t.Errorf("[%s] needs a description and a search", st.name)
	}
	// check_for_emails_in_saved_search: no recipient is preset.
	if get("action.email.to") != "" {
		t.Errorf("[%s] presets action.email.to", st.name)
	}
	if get("enableSched") != "1" {
		t.Errorf("[%s] is not scheduled (enableSched = %q): an alert must be", st.name, get("enableSched"))
		return
	}
	// check_for_sched_saved_searches_earliest_time and _latest_time;
	// check_for_real_time_saved_searches.
	for _, k := range []string{"dispatch.earliest_time", "dispatch.latest_time"} {
		if v := get(k); v == "" || strings.HasPrefix(v, "rt") {
			t.Errorf("[%s] %s = %q: a scheduled search needs a time range that is not real-time", st.name, k, v)
		}
	}
	// check_for_gratuitous_cron_scheduling: at most 12 runs an hour.
	if n, err := cronRunsPerHour(get("cron_schedule")); err != nil || n == 0 || n > 12 {
		t.Errorf("[%s] cron_schedule = %q: %d runs an hour (%v), want 1 to 12", st.name, get("cron_schedule"), n, err)
	}
	if get("alert.track") != "1" || get("counttype") != "number of events" {
		t.Errorf("[%s] is not an alert that triggers on results (alert.track, counttype)", st.name)
	}
}

// cronRunsPerHour counts the minutes of an hour that a five-field cron
// expression's minute field matches.
func cronRunsPerHour(expr string) (int, error) {
	f := strings.Fields(expr)
	if len(f) != 5 {
		return 0, strconv.ErrSyntax
	}
	n := 0
	for m := range 60 {
		ok, err := cronFieldMatches(f[0], m)
		if err != nil {
			return 0, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}

// cronFieldMatches reports whether a cron field ("*", "*/15", "5",
// "0-30/10", "1,31") matches value v.
func cronFieldMatches(field string, v int) (bool, error) {
	for _, part := range strings.Split(field, ",") {
		rng, stepText, hasStep := strings.Cut(part, "/")
		step := 1
		if hasStep {
			s, err := strconv.Atoi(stepText)
			if err != nil || s < 1 {
				return false, strconv.ErrSyntax
			}
			step = s
		}
		lo, hi := 0, 59
		if rng != "*" {
			a, b, isRange := strings.Cut(rng, "-")
			var err1, err2 error
			lo, err1 = strconv.Atoi(a)
			hi, err2 = lo, nil
			if isRange {
				hi, err2 = strconv.Atoi(b)
			} else if hasStep {
				hi = 59
			}
			if err1 != nil || err2 != nil {
				return false, strconv.ErrSyntax
			}
		}
		if v >= lo && v <= hi && (v-lo)%step == 0 {
			return true, nil
		}
	}
	return false, nil
}

func TestCronRunsPerHour(t *testing.T) {
	for expr, want := range map[string]int{
		"*/15 * * * *": 4, "*/30 * * * *": 2, "* * * * *": 60, "7 * * * *": 1,
		"0-30/10 * * * *": 4, "1,31 * * * *": 2, "5/20 * * * *": 3,
	} {
		if got, err := cronRunsPerHour(expr); err != nil || got != want {
			t.Errorf("cronRunsPerHour(%q) = %d, %v; want %d", expr, got, err, want)
		}
	}
	if _, err := cronRunsPerHour("*/x * * * *"); err == nil {
		t.Error("a bad step was accepted")
	}
}
