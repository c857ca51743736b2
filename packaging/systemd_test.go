package packaging

import (
	"os"
	"path/filepath"
	"regexp"
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
// config reads from ${CREDENTIALS_DIRECTORY} is loaded by the unit, and that
// every ${VAR} it needs is documented for serfwd.env.
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
	loaded := map[string]bool{}
	for _, lc := range u.values("Service", "LoadCredential") {
		name, _, _ := strings.Cut(lc, ":")
		loaded[name] = true
	}
	var creds, vars int
	for _, line := range strings.Split(string(cfg), "\n") {
		line, _, _ = strings.Cut(line, " #") // comments are never expanded
		for _, m := range regexp.MustCompile(`\$\{CREDENTIALS_DIRECTORY\}/([A-Za-z0-9._-]+)`).FindAllStringSubmatch(line, -1) {
			creds++
			if !loaded[m[1]] {
				t.Errorf("the example config reads credential %q, but the unit has no LoadCredential=%s:…", m[1], m[1])
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
