// fielddoc_test.go keeps the field dictionaries honest: the project README
// and the add-on's README list every key serfwd sends, one row each, in
// the same table, and no SPL example in them keeps a revision by chance
// (dedup … sortby, or dedup eventId without sorting first).

package packaging

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// dictionaryRows returns the rows of the field table that follows heading
// in a README, keyed by the field name of the first cell.
func dictionaryRows(t *testing.T, file, heading string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), "\n"+heading+"\n")
	if !ok {
		t.Fatalf("%s has no %q section", file, heading)
	}
	_, table, ok := strings.Cut(rest, "| key | in | type | unit | meaning |\n| --- | --- | --- | --- | --- |\n")
	if !ok {
		t.Fatalf("%s: the %q section has no field table", file, heading)
	}
	rows := map[string]string{}
	cell := regexp.MustCompile("^\\| `([A-Za-z0-9_]+)` \\|")
	for _, line := range strings.Split(table, "\n") {
		m := cell.FindStringSubmatch(line)
		if m == nil {
			break
		}
		if _, dup := rows[m[1]]; dup {
			t.Errorf("%s lists %s twice", file, m[1])
		}
		rows[m[1]] = line
	}
	return rows
}

// TestFieldDictionary checks both dictionaries against the keys of events
// that serfwd's event package makes, and against each other.
func TestFieldDictionary(t *testing.T) {
	project := dictionaryRows(t, filepath.Join(repoRoot(t), "README.md"), "## Event fields")
	addon := dictionaryRows(t, filepath.Join(taDir, "README.md"), "## Fields")
	user, window := eventKeys(t)
	for _, keys := range [][]string{user, window} {
		for _, k := range keys {
			if project[k] == "" || addon[k] == "" {
				t.Errorf("the field dictionaries lack %s", k)
			}
		}
	}
	if len(project) != len(addon) {
		t.Errorf("the dictionaries differ: %d rows in README.md, %d in the add-on's", len(project), len(addon))
	}
	for k, row := range project {
		if addon[k] != row {
			t.Errorf("the dictionaries differ on %s:\n%s\n%s", k, row, addon[k])
		}
		if !slices.Contains(user, k) && !slices.Contains(window, k) {
			t.Errorf("the dictionaries list %s, which serfwd does not send", k)
		}
	}
}

// TestReadmeSearches checks the SPL examples of the READMEs.
func TestReadmeSearches(t *testing.T) {
	block := regexp.MustCompile("(?s)```spl\n(.*?)```")
	for _, file := range []string{filepath.Join(repoRoot(t), "README.md"), filepath.Join(taDir, "README.md")} {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, m := range block.FindAllStringSubmatch(string(data), -1) {
			segs := splSegments(m[1])
			for i, seg := range segs {
				checkDedup(t, file, segs, i)
				if strings.HasPrefix(seg, "dedup") && strings.Contains(seg, "sortby") {
					t.Errorf("%s: an example uses dedup … sortby: %q", file, seg)
				}
			}
			n++
		}
		if n == 0 {
			t.Errorf("%s has no SPL example", file)
		}
	}
}
