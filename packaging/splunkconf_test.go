// splunkconf_test.go reads Splunk .conf and .meta files the way Splunk does
// (stanzas, "key = value" settings, "#" comments, a trailing backslash that
// continues a value on the next line) and tests that reader on hand-written
// input, so that the add-on's tests stand on a parser that is itself checked.

package packaging

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// splunkConf is one parsed .conf or .meta file.
type splunkConf struct {
	path    string
	stanzas []*confStanza // in file order; settings before any header go to stanza ""
	byName  map[string]*confStanza
}

// confStanza is one [stanza] with its settings in file order.
type confStanza struct {
	name     string
	line     int
	settings []confSetting
}

// confSetting is one key = value; a continued value keeps its line breaks.
type confSetting struct {
	key, value string
	line       int
}

// get returns the value of key in the stanza and whether it is set.
func (s *confStanza) get(key string) (string, bool) {
	if s == nil {
		return "", false
	}
	for _, kv := range s.settings {
		if kv.key == key {
			return kv.value, true
		}
	}
	return "", false
}

// value returns the value of key in stanza ("" when either is absent).
func (c *splunkConf) value(stanza, key string) string {
	v, _ := c.byName[stanza].get(key)
	return v
}

// parseSplunkConf parses Splunk configuration text. Unlike Splunk, which
// lets a later setting win silently, it refuses a repeated stanza or key:
// in a file we ship, a repeat is always a mistake.
func parseSplunkConf(path string, data []byte) (*splunkConf, error) {
	c := &splunkConf{path: path, byName: map[string]*confStanza{}}
	cur := c.stanza("", 0)
	headers := map[string]bool{} // stanzas opened by a [header]
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		n, line := i+1, strings.TrimSpace(lines[i])
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			name := line[1 : len(line)-1]
			if headers[name] {
				return nil, fmt.Errorf("%s:%d: stanza [%s] appears twice", path, n, name)
			}
			headers[name] = true
			cur = c.stanza(name, n)
		default:
			key, value, ok := strings.Cut(line, "=")
			key = strings.TrimSpace(key)
			if !ok || key == "" {
				return nil, fmt.Errorf("%s:%d: not a key = value line: %q", path, n, line)
			}
			value = strings.TrimSpace(value)
			for strings.HasSuffix(value, `\`) {
				if i+1 >= len(lines) {
					return nil, fmt.Errorf("%s:%d: the value of %s continues past the end of the file", path, n, key)
				}
				i++
				value = strings.TrimSuffix(value, `\`) + "\n" + strings.TrimRight(lines[i], " \t")
			}
			if _, dup := cur.get(key); dup {
				return nil, fmt.Errorf("%s:%d: %s is set twice in [%s]", path, n, key, cur.name)
			}
			cur.settings = append(cur.settings, confSetting{key: key, value: strings.TrimSpace(value), line: n})
		}
	}
	return c, nil
}

// stanza returns the stanza called name, adding it when it is new.
func (c *splunkConf) stanza(name string, line int) *confStanza {
	if s, ok := c.byName[name]; ok {
		return s
	}
	s := &confStanza{name: name, line: line}
	c.stanzas = append(c.stanzas, s)
	c.byName[name] = s
	return s
}

// readSplunkConf reads and parses a file, failing the test on any error.
func readSplunkConf(t *testing.T, path string) *splunkConf {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := parseSplunkConf(path, data)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestParseSplunkConf(t *testing.T) {
	const text = "# comment\n" +
		"global = 1\n" +
		"[first stanza]\n" +
		"search = `m` a=1 \\\n" +
		"| stats count \\\n" +
		"# not a comment: part of the value\n" +
		"  key=value = with = signs  \n" +
		"\n" +
		"[]\n" +
		"export = system\n"
	c, err := parseSplunkConf("t.conf", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ stanza, key, value string }{
		{"", "global", "1"},
		{"first stanza", "search", "`m` a=1 \n| stats count \n# not a comment: part of the value"},
		{"first stanza", "key", "value = with = signs"},
		{"", "export", "system"},
	}
	for _, w := range want {
		if got := c.value(w.stanza, w.key); got != w.value {
			t.Errorf("[%s] %s = %q, want %q", w.stanza, w.key, got, w.value)
		}
	}
	if len(c.stanzas) != 2 || c.byName["first stanza"].line != 3 || c.byName["first stanza"].settings[1].line != 7 {
		t.Errorf("stanzas %+v", c.stanzas)
	}

	for name, bad := range map[string]string{
		"no equals sign":          "[a]\njust words\n",
		"empty key":               "[a]\n= 1\n",
		"stanza twice":            "[a]\nx = 1\n[a]\ny = 2\n",
		"key twice":               "[a]\nx = 1\nx = 2\n",
		"continuation at the end": "[a]\nx = 1 \\",
	} {
		if _, err := parseSplunkConf("bad.conf", []byte(bad)); err == nil {
			t.Errorf("%s: parsed without an error", name)
		}
	}
}
