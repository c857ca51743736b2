// Checks of the documentation the .deb ships, run by TestBuildPackages: the
// man page, the changelog, a copyright paragraph per compiled-in module, the
// packaged config validating as the install message says, and lintian.

package packaging

import (
	"compress/gzip"
	"debug/buildinfo"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// checkDebDocs unpacks the .deb and checks what it documents: the man page
// (rendered without warnings), the changelog of this version, a copyright
// paragraph for every module compiled into the binary, and that the
// packaged config validates outside systemd in the documented way.
func checkDebDocs(t *testing.T, dpkgDeb, deb, version string) {
	root := t.TempDir()
	runTool(t, ".", nil, dpkgDeb, "-x", deb, root)

	man := needTool(t, "man")
	page := filepath.Join(root, "usr/share/man/man1/serfwd.1.gz")
	out, warnings, err := runCmd(".", envWith("MANWIDTH=80", "LC_ALL=C.UTF-8"), man, "--warnings", "-l", page)
	if err != nil || strings.TrimSpace(warnings) != "" {
		t.Errorf("man -l serfwd.1.gz: %v\n%s", err, warnings)
	}
	for _, s := range []string{"serfwd backfill", "serfwd " + version, "EXIT STATUS", "--credentials DIR"} {
		if !strings.Contains(out, s) {
			t.Errorf("the man page lacks %q", s)
		}
	}

	changelog := gunzipFile(t, filepath.Join(root, "usr/share/doc/serfwd/changelog.gz"))
	if first := strings.SplitN(changelog, "\n", 2)[0]; first != "serfwd ("+version+") unstable; urgency=medium" {
		t.Errorf("the changelog starts %q", first)
	}
	if !strings.Contains(changelog, "\n -- "+testMaintainer+"  ") {
		t.Errorf("the changelog's entry is not signed by the maintainer:\n%s", changelog)
	}

	copyright, err := os.ReadFile(filepath.Join(root, "usr/share/doc/serfwd/copyright"))
	if err != nil {
		t.Fatal(err)
	}
	info, err := buildinfo.ReadFile(filepath.Join(root, "usr/bin/serfwd"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(copyright), "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n") ||
		!strings.Contains(string(copyright), "\nFiles: go/*\n") {
		t.Errorf("the copyright file is not DEP-5 with the Go standard library's paragraph:\n%.300s", copyright)
	}
	for _, d := range info.Deps {
		if !strings.Contains(string(copyright), "\nFiles: vendor/"+d.Path+"/*\n") {
			t.Errorf("the copyright file has no paragraph for %s, which the binary links", d.Path)
		}
	}
	validatePackagedConfig(t, root)
}

// validatePackagedConfig runs the packaged binary's validate on the packaged
// config as the install message says: --env-file and --credentials.
func validatePackagedConfig(t *testing.T, root string) {
	dir := t.TempDir()
	creds := filepath.Join(dir, "credentials")
	env := filepath.Join(dir, "serfwd.env")
	if err := os.Mkdir(creds, 0o700); err != nil {
		t.Fatal(err)
	}
	for name, value := range map[string]string{"acme.secret": "ser-secret\n", "splunk.token": "hec-token\n"} {
		if err := os.WriteFile(filepath.Join(creds, name), []byte(value), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(env, []byte("SER_CLIENT_ID=client-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bin, cfg := filepath.Join(root, "usr/bin/serfwd"), filepath.Join(root, "etc/serfwd/serfwd.yaml")
	noCreds := envWithout("CREDENTIALS_DIRECTORY", "SER_CLIENT_ID")
	stdout, stderr, err := runCmd(".", noCreds, bin, "validate", "--config", cfg, "--env-file", env, "--credentials", creds)
	if err != nil || !strings.HasPrefix(stdout, "config OK") {
		t.Errorf("the packaged config does not validate the documented way: %v\n%s%s", err, stdout, stderr)
	}
	_, stderr, err = runCmd(".", noCreds, bin, "validate", "--config", cfg)
	if err == nil || !strings.Contains(stderr, "--credentials /etc/serfwd/credentials") {
		t.Errorf("validate without the service's credentials: %v, and no hint:\n%s", err, stderr)
	}
}

// envWithout returns the environment without the given variables.
func envWithout(names ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(names, name) {
			env = append(env, kv)
		}
	}
	return env
}

func gunzipFile(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// checkLintian runs lintian on the .deb: no errors. Warnings are logged.
func checkLintian(t *testing.T, deb string) {
	lintian := needTool(t, "lintian")
	out, errOut, err := runCmd(".", nil, lintian, "--tag-display-limit", "0", deb)
	var errs []string
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "E: ") {
			errs = append(errs, line)
		} else if strings.TrimSpace(line) != "" {
			t.Logf("lintian: %s", line)
		}
	}
	if len(errs) > 0 {
		t.Fatalf("lintian finds errors in the .deb:\n%s", strings.Join(errs, "\n"))
	}
	if err != nil && !strings.Contains(out, "W: ") {
		t.Fatalf("lintian failed: %v\n%s%s", err, out, errOut)
	}
}
