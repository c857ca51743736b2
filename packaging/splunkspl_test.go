// splunkspl_test.go holds the checks that every search the add-on ships
// (event types, dashboard panels, alerts) must pass: it starts with the
// index macro, never uses "dedup … sortby", keeps the latest revision by
// sorting before "dedup eventId", names only macros, sourcetypes and event
// types that exist, and uses only fields that exist at that point of the
// pipeline (a small model of what each command passes on).

package packaging

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// splSegments splits a search at its top-level pipes (outside quotes and
// subsearch brackets) and trims each part; a leading pipe gives an empty
// first part.
func splSegments(q string) []string {
	var parts []string
	var cur strings.Builder
	inQuote, escaped, depth := false, false, 0
	for _, r := range q {
		switch {
		case escaped:
			escaped = false
		case inQuote && r == '\\':
			escaped = true
		case r == '"':
			inQuote = !inQuote
		case !inQuote && r == '[':
			depth++
		case !inQuote && r == ']' && depth > 0:
			depth--
		case !inQuote && depth == 0 && r == '|':
			parts = append(parts, strings.TrimSpace(cur.String()))
			cur.Reset()
			continue
		}
		cur.WriteRune(r)
	}
	return append(parts, strings.TrimSpace(cur.String()))
}

// splSchema is what a search may refer to.
type splSchema struct {
	macros      map[string]bool
	sourcetypes map[string]bool
	eventTypes  map[string]bool // values of the eventType field
	fields      map[string]bool // fields of an event before any command
	dimensions  map[string]bool // metric dimensions (mstats)
	metrics     map[string]bool // metric names (mstats)
}

var (
	reMacro       = regexp.MustCompile("`([A-Za-z0-9_]+)(\\([^`]*\\))?`")
	reSourcetype  = regexp.MustCompile(`\bsourcetype="([^"]*)"`)
	reEventType   = regexp.MustCompile(`\beventType="([^"]*)"`)
	reAggregate   = regexp.MustCompile(`\b(?:sum|max|min|avg|latest|first|last|dc|values|stdev|count)\(([A-Za-z_][A-Za-z0-9_.]*)\)`)
	reAs          = regexp.MustCompile(`(?i)\bAS\s+("[^"]+"|[A-Za-z_][A-Za-z0-9_]*)`)
	reEvalDef     = regexp.MustCompile(`(?:^eval\s+|,\s*)([A-Za-z_][A-Za-z0-9_]*)\s*=[^=]`)
	reBy          = regexp.MustCompile(`(?i)\sby\s+(.+)$`)
	reWhereFilter = regexp.MustCompile(`\b([A-Za-z_][A-Za-z0-9_]*)="`)
)

// checkSearch applies every rule to one search; where names it in errors.
func checkSearch(t *testing.T, where, q string, s splSchema) {
	t.Helper()
	segs := splSegments(q)
	checkIndexMacro(t, where, segs)
	for _, m := range reMacro.FindAllStringSubmatch(q, -1) {
		if !s.macros[m[1]] {
			t.Errorf("%s: uses macro `%s`, which macros.conf does not define", where, m[1])
		}
	}
	for _, m := range reSourcetype.FindAllStringSubmatch(q, -1) {
		if !s.sourcetypes[m[1]] {
			t.Errorf("%s: sourcetype %q has no props.conf stanza", where, m[1])
		}
	}
	for _, m := range reEventType.FindAllStringSubmatch(q, -1) {
		if !s.eventTypes[m[1]] {
			t.Errorf("%s: eventType %q is not an event type serfwd sends", where, m[1])
		}
	}
	for i, seg := range segs {
		checkDedup(t, where, segs, i)
		if strings.HasPrefix(seg, "dedup") && slices.Contains(strings.Fields(strings.ToLower(seg)), "sortby") {
			t.Errorf("%s: %q: dedup … sortby orders only what dedup kept; sort first (sort 0 - revision | dedup eventId)", where, seg)
		}
	}
	checkFields(t, where, segs, s)
}

// checkIndexMacro requires an event search to start with `serfwd_index`
// and an mstats search to filter on `serfwd_metrics_index`.
func checkIndexMacro(t *testing.T, where string, segs []string) {
	t.Helper()
	if segs[0] == "" && len(segs) > 1 && strings.HasPrefix(segs[1], "mstats ") {
		if !strings.Contains(segs[1], " WHERE `serfwd_metrics_index` ") {
			t.Errorf("%s: the mstats search does not filter on `serfwd_metrics_index`:\n%s", where, segs[1])
		}
		return
	}
	if f := strings.Fields(segs[0]); len(f) == 0 || f[0] != "`serfwd_index`" {
		t.Errorf("%s: the search does not start with the `serfwd_index` macro:\n%s", where, segs[0])
	}
}

// checkDedup requires a dedup on eventId without revision to follow
// "sort 0 - revision": dedup keeps the first event it sees of each
// eventId, and only a full sort makes that the latest revision. Keeping
// only the latest revision first (eventstats max(revision) … | where
// revision=latest) is the other safe form.
func checkDedup(t *testing.T, where string, segs []string, i int) {
	t.Helper()
	f := strings.Fields(segs[i])
	if len(f) == 0 || f[0] != "dedup" || !slices.Contains(f, "eventId") || slices.Contains(f, "revision") {
		return
	}
	sorted := i > 0 && (segs[i-1] == "sort 0 - revision" || segs[i-1] == "sort 0 -revision")
	filtered := i > 1 && segs[i-1] == "where revision=latest" &&
		strings.EqualFold(segs[i-2], "eventstats max(revision) AS latest BY eventId")
	if !sorted && !filtered {
		t.Errorf("%s: %q does not directly follow \"sort 0 - revision\": it may keep an older revision", where, segs[i])
	}
}

// checkFields follows the fields through the pipeline: aggregations, by
// clauses and table/sort/dedup lists may only name fields that exist at
// that point. Transforming commands replace the field set with what they
// output; after a command this model does not know, checking stops.
func checkFields(t *testing.T, where string, segs []string, s splSchema) {
	t.Helper()
	known := maps(s.fields, map[string]bool{"_time": true})
	for _, seg := range segs[1:] {
		f := strings.Fields(seg)
		if len(f) == 0 || known == nil {
			continue
		}
		if f[0] == "mstats" {
			known = checkMstats(t, where, seg, s)
			continue
		}
		for _, name := range referencedFields(seg) {
			if !known[name] {
				t.Errorf("%s: %q uses field %q, which does not exist at that point", where, seg, name)
			}
		}
		known = fieldsAfter(f[0], seg, known)
	}
}

// referencedFields lists the fields a command names outside expressions.
func referencedFields(seg string) []string {
	f := strings.Fields(seg)
	var names []string
	for _, m := range reAggregate.FindAllStringSubmatch(seg, -1) {
		names = append(names, m[1])
	}
	switch f[0] {
	case "stats", "eventstats", "streamstats", "timechart", "chart":
		if m := reBy.FindStringSubmatch(seg); m != nil {
			names = append(names, splitFieldList(m[1])...)
		}
	case "table", "xyseries":
		names = append(names, splitFieldList(strings.Join(f[1:], " "))...)
	case "dedup":
		list, _, _ := strings.Cut(strings.Join(f[1:], " "), "sortby")
		names = append(names, splitFieldList(list)...)
	case "sort":
		for _, n := range splitFieldList(strings.Join(f[1:], " ")) {
			if n != "0" {
				names = append(names, n)
			}
		}
	}
	return names
}

// fieldsAfter returns the fields that exist after a command.
func fieldsAfter(cmd, seg string, known map[string]bool) map[string]bool {
	defined := map[string]bool{}
	for _, m := range reAs.FindAllStringSubmatch(seg, -1) {
		defined[strings.Trim(m[1], `"`)] = true
	}
	switch cmd {
	case "eval":
		for _, m := range reEvalDef.FindAllStringSubmatch(seg, -1) {
			defined[m[1]] = true
		}
		return maps(known, defined)
	case "eventstats", "streamstats":
		return maps(known, defined)
	case "stats", "chart", "timechart":
		if m := reBy.FindStringSubmatch(seg); m != nil {
			for _, n := range splitFieldList(m[1]) {
				defined[n] = true
			}
		}
		if cmd == "timechart" {
			defined["_time"] = true
		}
		return defined
	case "table":
		return maps(defined, splitFieldSet(strings.TrimPrefix(seg, "table")))
	case "where", "sort", "dedup", "bin", "head":
		return known
	}
	return nil // a command this model does not follow (xyseries, …)
}

// checkMstats checks an mstats search against the metric schema and
// returns the fields it outputs.
func checkMstats(t *testing.T, where, seg string, s splSchema) map[string]bool {
	t.Helper()
	for _, m := range reAggregate.FindAllStringSubmatch(seg, -1) {
		if !s.metrics[m[1]] {
			t.Errorf("%s: mstats reads %q, which is not a metric serfwd sends", where, m[1])
		}
	}
	clause, by, _ := strings.Cut(seg, " BY ")
	if _, w, ok := strings.Cut(clause, " WHERE "); ok {
		for _, m := range reWhereFilter.FindAllStringSubmatch(w, -1) {
			if m[1] != "sourcetype" && m[1] != "index" && !s.dimensions[m[1]] {
				t.Errorf("%s: mstats filters on %q, which is not a dimension", where, m[1])
			}
		}
	}
	out := map[string]bool{}
	for _, m := range reAs.FindAllStringSubmatch(clause, -1) {
		out[strings.Trim(m[1], `"`)] = true
	}
	for _, d := range splitFieldList(by) {
		if !s.dimensions[d] {
			t.Errorf("%s: mstats groups by %q, which is not a dimension", where, d)
		}
		out[d] = true
	}
	return out
}

// splitFieldList splits "a, b -c +d" into field names.
func splitFieldList(s string) []string {
	var names []string
	for _, n := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '\n' }) {
		if n = strings.TrimLeft(n, "+-"); n != "" {
			names = append(names, n)
		}
	}
	return names
}

func splitFieldSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, n := range splitFieldList(s) {
		m[n] = true
	}
	return m
}

// maps returns the union of field sets.
func maps(sets ...map[string]bool) map[string]bool {
	u := map[string]bool{}
	for _, s := range sets {
		for k := range s {
			u[k] = true
		}
	}
	return u
}

func TestSplSegments(t *testing.T) {
	got := splSegments(`a "x|y" [search b | head 1] | stats count | eval s="\"|"`)
	want := []string{`a "x|y" [search b | head 1]`, "stats count", `eval s="\"|"`}
	if !slices.Equal(got, want) {
		t.Fatalf("splSegments = %q, want %q", got, want)
	}
	if got := splSegments("| mstats x"); len(got) != 2 || got[0] != "" {
		t.Fatalf("a leading pipe: %q", got)
	}
}
