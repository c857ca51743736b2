// Tests of seeing the configuration as the service does (svcenv.go): reading
// an EnvironmentFile=, `validate --credentials --env-file`, and the stand-in
// credentials directory (regular files only, renamed serfwd_NAME, mode 0700).

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadEnvFile(t *testing.T) {
	dir := t.TempDir()
	write := func(text string) string {
		p := filepath.Join(dir, "env")
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	got, err := readEnvFile(write("# comment\n; another\n\nA=1\n  B = two words \nC=\"quoted \\\"x\\\" \\\\ y\"\nD='single $X'\nE=\nF=a=b\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"A": "1", "B": "two words", "C": `quoted "x" \ y`, "D": "single $X", "E": "", "F": "a=b"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	for _, bad := range []string{"export A=1\n", "A\n", "1A=x\n", "=x\n"} {
		if _, err := readEnvFile(write(bad)); err == nil || !strings.Contains(err.Error(), ":1: not a VAR=value line") {
			t.Errorf("%q: error %v, want one naming line 1", bad, err)
		}
	}
	if _, err := readEnvFile(filepath.Join(dir, "missing")); err == nil || !strings.HasPrefix(err.Error(), "--env-file: ") {
		t.Errorf("a missing file: error %v", err)
	}
}

// credsConfig is a config that reads its secrets as the packaged one does.
const credsConfig = `state_path: %s
inputs:
  - name: acme
    client_id: ${SER_CLIENT_ID}
    client_secret_file: ${CREDENTIALS_DIRECTORY}/serfwd_acme.secret
sinks:
  - name: splunk
    type: splunk_hec
    url: https://splunk.example:8088
    token_file: ${CREDENTIALS_DIRECTORY}/serfwd_hec.token
`

// TestValidateAsTheService checks that --credentials and --env-file give
// validate the service's view of a config: the credential DIR/NAME as
// ${CREDENTIALS_DIRECTORY}/serfwd_NAME, variables from the file.
func TestValidateAsTheService(t *testing.T) {
	dir := t.TempDir()
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // where the stand-in directory is made
	t.Setenv("CREDENTIALS_DIRECTORY", "")
	os.Unsetenv("CREDENTIALS_DIRECTORY")
	t.Setenv("SER_CLIENT_ID", "")
	os.Unsetenv("SER_CLIENT_ID")
	creds := filepath.Join(dir, "credentials")
	if err := os.Mkdir(creds, 0o700); err != nil {
		t.Fatal(err)
	}
	for name, value := range map[string]string{"acme.secret": "ser-s3cret-value\n", "hec.token": "hec-t0ken-value\n"} {
		if err := os.WriteFile(filepath.Join(creds, name), []byte(value), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(creds, "hec.token"), filepath.Join(creds, "link")); err != nil {
		t.Fatal(err)
	}
	env := filepath.Join(dir, "serfwd.env")
	cfg := filepath.Join(dir, "serfwd.yaml")
	if err := os.WriteFile(env, []byte("SER_CLIENT_ID=client-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, []byte(strings.ReplaceAll(credsConfig, "%s", filepath.Join(dir, "state.db"))), 0o644); err != nil {
		t.Fatal(err)
	}

	code, stdout, stderr := runCLI("validate", "--config", cfg, "--env-file", env, "--credentials", creds)
	if code != exitOK || stdout != "config OK: 1 input, 1 sink\n" {
		t.Fatalf("validate as the service: exit %d\n%s%s", code, stdout, stderr)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("the stand-in credentials directory was left behind: %v", left)
	}

	code, _, stderr = runCLI("validate", "--config", cfg)
	if code != exitUsage || !strings.Contains(stderr, "CREDENTIALS_DIRECTORY is not set") ||
		!strings.Contains(stderr, "hint: systemd sets ${CREDENTIALS_DIRECTORY} for the service only; outside it, add --credentials /etc/serfwd/credentials") {
		t.Fatalf("validate without the service's view: exit %d\n%s", code, stderr)
	}
	code, _, stderr = runCLI("validate", "--config", cfg, "--credentials", creds)
	if code != exitUsage || !strings.Contains(stderr, "SER_CLIENT_ID is not set") || !strings.Contains(stderr, "add --env-file FILE") {
		t.Fatalf("validate without --env-file: exit %d\n%s", code, stderr)
	}
	code, _, stderr = runCLI("validate", "--config", cfg, "--credentials", filepath.Join(dir, "nosuch"))
	if code != exitUsage || !strings.Contains(stderr, "--credentials: ") {
		t.Fatalf("validate with a missing credentials directory: exit %d\n%s", code, stderr)
	}
}

func TestStandInCredentials(t *testing.T) {
	creds := t.TempDir()
	for _, name := range []string{"a.secret", "b"} {
		if err := os.WriteFile(filepath.Join(creds, name), []byte(name), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(creds, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(creds, "b"), filepath.Join(creds, "link")); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", t.TempDir())
	dir, err := standInCredentials(creds)
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("stand-in directory: %v, mode %v", err, fi.Mode())
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "serfwd_a.secret serfwd_b" {
		t.Fatalf("stand-in credentials %v, want serfwd_a.secret serfwd_b (no directories, no symbolic links)", names)
	}
	if data, err := os.ReadFile(filepath.Join(dir, "serfwd_a.secret")); err != nil || string(data) != "a.secret" {
		t.Fatalf("reading serfwd_a.secret: %q, %v", data, err)
	}
}
