// Tests of the systemd unit (systemd/serfwd.service): the settings the
// contract and the daemon rely on, agreement with the example config and with
// `--credentials`, systemd-analyze verify, and the unit's security exposure
// rating.

package packaging

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const unitPath = "systemd/serfwd.service"

// TestUnitSettings checks the settings the contract and the daemon rely on.
func TestUnitSettings(t *testing.T) {
	u := parseINI(t, unitPath)
	want := []struct{ key, value string }{
		{"Type", "notify"},
		{"ExecStart", "/usr/bin/serfwd run --config /etc/serfwd/serfwd.yaml"},
		{"ExecReload", "/bin/kill -HUP $MAINPID"},
		{"Restart", "on-failure"},
		{"RestartPreventExitStatus", "2"},
		{"DynamicUser", "yes"},
		{"StateDirectory", "serfwd"},
		{"ConfigurationDirectory", "serfwd"},
		{"LogsDirectory", "serfwd"},
		{"EnvironmentFile", "-/etc/serfwd/serfwd.env"},
		{"ProtectSystem", "strict"},
		{"NoNewPrivileges", "yes"},
		{"CapabilityBoundingSet", ""},
		{"UMask", "0077"},
	}
	for _, w := range want {
		if got := u.values("Service", w.key); len(got) == 0 || got[len(got)-1] != w.value {
			t.Errorf("[Service] %s = %q, want %q", w.key, got, w.value)
		}
	}
	if d := u.value("Service", "WatchdogSec"); d == "" || d == "0" {
		t.Errorf("[Service] WatchdogSec = %q, want a period", d)
	}
	if u.value("Install", "WantedBy") != "multi-user.target" {
		t.Errorf("[Install] WantedBy = %q", u.value("Install", "WantedBy"))
	}
	if fams := u.value("Service", "RestrictAddressFamilies"); !strings.Contains(fams, "AF_UNIX") {
		t.Errorf("RestrictAddressFamilies = %q: AF_UNIX is needed for NOTIFY_SOCKET", fams)
	}
}

// TestUnitMatchesExampleConfig checks that every credential the example
// config reads from ${CREDENTIALS_DIRECTORY} is loaded by the unit (a
// directory loaded as ID:DIR gives ID_NAME for each file), that the unit
// names no account, and that every ${VAR} it needs is documented for
// serfwd.env.
func TestUnitMatchesExampleConfig(t *testing.T) {
	cfg, err := os.ReadFile(filepath.Join(repoRoot(t), "configs", "serfwd.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	u := parseINI(t, unitPath)
	var prefixes []string // credential IDs loaded from a directory, with "_"
	for _, lc := range u.values("Service", "LoadCredential") {
		id, path, _ := strings.Cut(lc, ":")
		if path != "/etc/serfwd/credentials" || strings.Contains(lc, "acme") {
			t.Errorf("LoadCredential=%s: want the credentials directory, not one account's file", lc)
		}
		prefixes = append(prefixes, id+"_")
	}
	loaded := func(name string) bool {
		return slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(name, p) })
	}
	var creds, vars int
	for _, line := range strings.Split(string(cfg), "\n") {
		line, _, _ = strings.Cut(line, " #") // comments are never expanded
		for _, m := range regexp.MustCompile(`\$\{CREDENTIALS_DIRECTORY\}/([A-Za-z0-9._-]+)`).FindAllStringSubmatch(line, -1) {
			creds++
			if !loaded(m[1]) {
				t.Errorf("the example config reads credential %q, which no LoadCredential= of the unit provides", m[1])
			}
		}
		for _, m := range regexp.MustCompile(`\$\{([A-Z_][A-Z0-9_]*)\}`).FindAllStringSubmatch(line, -1) {
			if m[1] == "CREDENTIALS_DIRECTORY" {
				continue
			}
			vars++
			if !strings.Contains(string(readme), m[1]+"=") {
				t.Errorf("the example config needs ${%s}; packaging/README.md does not show it in serfwd.env", m[1])
			}
		}
	}
	if creds == 0 || vars == 0 {
		t.Fatalf("found %d credentials and %d variables in the example config; the test reads it wrongly", creds, vars)
	}
}

// TestUnitVerify runs systemd-analyze verify on the unit. verify checks that
// ExecStart's binary exists, so the unit is copied with /usr/bin/serfwd
// replaced by a freshly built serfwd; everything else is verified as shipped.
func TestUnitVerify(t *testing.T) {
	analyze := needTool(t, "systemd-analyze")
	dir := t.TempDir()
	bin := buildSerfwd(t, dir)
	data, err := os.ReadFile(unitPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "/usr/bin/serfwd ") {
		t.Fatal("the unit does not run /usr/bin/serfwd")
	}
	unit := filepath.Join(dir, "serfwd.service")
	if err := os.WriteFile(unit, []byte(strings.ReplaceAll(string(data), "/usr/bin/serfwd ", bin+" ")), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, err := runCmd(dir, nil, analyze, "verify", "--man=no", unit)
	// verify exits 0 on unknown keys and bad values, so any line it prints
	// about our unit fails the test too. Lines about host units are noise.
	var ours []string
	for _, line := range strings.Split(stdout+stderr, "\n") {
		if strings.Contains(line, "serfwd") {
			ours = append(ours, line)
		} else if strings.TrimSpace(line) != "" {
			t.Logf("systemd-analyze verify (not about serfwd): %s", line)
		}
	}
	if err != nil || len(ours) > 0 {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, strings.Join(ours, "\n"))
	}
}

// TestUnitSecurityExposure asserts the unit's exposure rating is at most 1.5.
func TestUnitSecurityExposure(t *testing.T) {
	analyze := needTool(t, "systemd-analyze")
	out := runTool(t, ".", nil, analyze, "security", "--offline=yes", "--no-pager", unitPath)
	m := regexp.MustCompile(`Overall exposure level for serfwd\.service:\s*([0-9]+(?:\.[0-9]+)?)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no overall exposure level in systemd-analyze security's output:\n%s", out)
	}
	level, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	if level > 1.5 {
		t.Fatalf("exposure level %.1f, want ≤ 1.5:\n%s", level, out)
	}
	t.Logf("exposure level %.1f", level)
}

// TestCredentialsFlagMatchesUnit checks that `--credentials DIR` provides
// ${CREDENTIALS_DIRECTORY} as the unit's LoadCredential= does: the same ID.
func TestCredentialsFlagMatchesUnit(t *testing.T) {
	u := parseINI(t, unitPath)
	lcs := u.values("Service", "LoadCredential")
	if len(lcs) != 1 {
		t.Fatalf("LoadCredential= %q: want one, of the credentials directory", lcs)
	}
	id, _, _ := strings.Cut(lcs[0], ":")
	bin := buildSerfwd(t, t.TempDir())
	help := runTool(t, ".", nil, bin, "help", "validate")
	if !strings.Contains(help, "(LoadCredential="+id+":DIR)") || !strings.Contains(help, "$CREDENTIALS_DIRECTORY/"+id+"_NAME") {
		t.Fatalf("serfwd's --credentials does not emulate LoadCredential=%s:DIR:\n%s", id, help)
	}
}
