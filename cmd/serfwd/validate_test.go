// `serfwd validate`: exit codes, every problem in one pass, warnings, and no
// secret in the output.

package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

const (
	validateSERSecret = "ser secret/do+not&print=%41$" // $, space, /, +, &, =, %
	validateHECToken  = "hec token/do+not&print=%2F$"
)

const validateGoodConfig = `
inputs:
  - name: acme
    client_id: ${SER_CLIENT_ID}
    client_secret: ${SER_CLIENT_SECRET}
sinks:
  - {name: splunk, type: splunk_hec, url: "https://splunk.example.com:8088", token: "${SPLUNK_HEC_TOKEN}"}
  - {name: archive, type: file, path: /tmp/serfwd-test.ndjson}
`

const validateBadConfig = `
inputs:
  - name: acme
    client_id: ${SER_CLIENT_ID}
    client_secret: ${SER_CLIENT_SECRET}
    window: 7m
    sinks: [splunk, qradar]
sinks:
  - {name: splunk, type: splunk_hec, url: "https://splunk.example.com:8088", token: "${SPLUNK_HEC_TOKEN}", compression: zip}
`

// validateTwoKindsConfig has a value that cannot be read and values that are
// read but wrong: one pass reports both kinds.
const validateTwoKindsConfig = `
inputs:
  - name: acme
    client_id: ${SER_CLIENT_ID}
    client_secret: ${SER_CLIENT_SECRET}
    windw: 1h
    concurrency: 0
sinks:
  - {name: splunk, type: splunk_hec, url: "https://splunk.example.com:8088", token: "${SPLUNK_HEC_TOKEN}", ack: maybe}
`

// validateTLSConfig names TLS files that do not exist: validate reads them
// as every command will.
const validateTLSConfig = `
inputs:
  - name: acme
    client_id: ${SER_CLIENT_ID}
    client_secret: ${SER_CLIENT_SECRET}
    tls: {ca_file: /nonexistent/serfwd/ser-ca.pem}
sinks:
  - {name: splunk, type: splunk_hec, url: "https://splunk.example.com:8088", token: "${SPLUNK_HEC_TOKEN}", tls: {ca_file: /nonexistent/serfwd/splunk-ca.pem}}
`

// validatePlainKafkaConfig is valid but sends a Kafka password in clear
// text: validate says so, as a warning.
const validatePlainKafkaConfig = `
inputs:
  - name: acme
    client_id: ${SER_CLIENT_ID}
    client_secret: ${SER_CLIENT_SECRET}
sinks:
  - {name: bus, type: kafka, brokers: ["kafka-1.example.com:9092"], topic: t, sasl: {mechanism: plain, username: serfwd, password: "${SPLUNK_HEC_TOKEN}"}}
`

// setValidateSecrets puts the test's secrets into the environment.
func setValidateSecrets(t *testing.T) {
	t.Setenv("SER_CLIENT_ID", "client-id")
	t.Setenv("SER_CLIENT_SECRET", validateSERSecret)
	t.Setenv("SPLUNK_HEC_TOKEN", validateHECToken)
}

func writeValidateFile(t *testing.T, dir, name, text string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(text), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	return path
}

// runValidate runs serfwd in-process and returns its exit status and output.
func runValidate(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := dispatch(context.Background(), stdio{Stdout: &out, Stderr: &errOut}, args)
	return code, out.String(), errOut.String()
}

func TestValidateCommand(t *testing.T) {
	dir := t.TempDir()
	good := writeValidateFile(t, dir, "good.yaml", validateGoodConfig, 0o600)
	bad := writeValidateFile(t, dir, "bad.yaml", validateBadConfig, 0o600)
	twoKinds := writeValidateFile(t, dir, "two.yaml", validateTwoKindsConfig, 0o600)
	tlsFiles := writeValidateFile(t, dir, "tls.yaml", validateTLSConfig, 0o600)
	plainKafka := writeValidateFile(t, dir, "kafka.yaml", validatePlainKafkaConfig, 0o600)
	inline := writeValidateFile(t, dir, "inline.yaml", strings.ReplaceAll(validateGoodConfig, "${SER_CLIENT_SECRET}", validateSERSecret), 0o644)
	missing := filepath.Join(dir, "missing.yaml")
	tests := []struct {
		name      string
		env       string // $SERFWD_CONFIG
		args      []string
		code      int
		stdout    string
		stderr    []string // exact lines
		stderrHas string
	}{
		{name: "valid", args: []string{"validate", "--config", good}, code: exitOK,
			stdout: "config OK: 1 input, 2 sinks\n"},
		{name: "valid via SERFWD_CONFIG", env: good, args: []string{"validate"}, code: exitOK,
			stdout: "config OK: 1 input, 2 sinks\n"},
		{name: "problems", args: []string{"validate", "--config=" + bad}, code: exitUsage, stderr: []string{
			"serfwd: invalid config " + bad + " (3 problems):",
			"inputs[0].window: 7m does not divide 24h evenly, so windows could not align to UTC days (use e.g. 5m, 15m, 30m, 1h, 2h, 3h, 4h, 6h, 12h or 24h)",
			`inputs[0].sinks[1]: no sink named "qradar"`,
			`sinks[0].compression: "zip" is not one of gzip, none; did you mean gzip?`,
		}},
		{name: "decoding and validation in one pass", args: []string{"validate", "--config", twoKinds}, code: exitUsage, stderr: []string{
			"serfwd: invalid config " + twoKinds + " (3 problems):",
			"inputs[0].windw: unknown key; did you mean window?",
			`sinks[0].ack: invalid boolean "maybe" (want true or false)`,
			"inputs[0].concurrency: must be from 1 to 64 (got 0)",
		}},
		{name: "TLS files that do not exist", args: []string{"validate", "--config", tlsFiles}, code: exitUsage, stderr: []string{
			"serfwd: invalid config " + tlsFiles + " (2 problems):",
			"inputs[0].tls.ca_file: reading /nonexistent/serfwd/ser-ca.pem: no such file or directory",
			"sinks[0].tls.ca_file: reading /nonexistent/serfwd/splunk-ca.pem: no such file or directory",
		}},
		{name: "a kind's warning", args: []string{"validate", "--config", plainKafka}, code: exitOK,
			stdout: "config OK: 1 input, 1 sink\n", stderr: []string{
				"serfwd: warning: sinks[0].sasl.mechanism: plain without TLS sends the password in clear text to the brokers; set tls.enabled: true"}},
		{name: "missing file", args: []string{"validate", "--config", missing}, code: exitUsage,
			stderr: []string{"serfwd: reading config: open " + missing + ": no such file or directory"}},
		{name: "inline secret in a readable file", args: []string{"validate", "--config", inline}, code: exitOK,
			stdout: "config OK: 1 input, 2 sinks\n", stderrHas: "serfwd: warning: " + inline + " is readable by group or others (mode 0644)"},
		{name: "stray argument", args: []string{"validate", "--config", good, "extra"}, code: exitUsage,
			stderr: []string{`serfwd validate: unexpected argument "extra"`, "Run 'serfwd validate --help' for its usage."}},
		{name: "unknown flag", args: []string{"validate", "--nope"}, code: exitUsage,
			stderr: []string{"serfwd validate: unknown flag --nope", "Run 'serfwd validate --help' for its usage."}},
		{name: "misspelt flag", args: []string{"validate", "--confg", good}, code: exitUsage,
			stderr: []string{"serfwd validate: unknown flag --confg (did you mean --config?)", "Run 'serfwd validate --help' for its usage."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setValidateSecrets(t)
			t.Setenv("SERFWD_CONFIG", tt.env)
			code, stdout, stderr := runValidate(tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout, stderr)
			}
			if stdout != tt.stdout {
				t.Errorf("stdout %q, want %q", stdout, tt.stdout)
			}
			if tt.stderr != nil && stderr != strings.Join(tt.stderr, "\n")+"\n" {
				t.Errorf("stderr:\n%s\nwant:\n%s", stderr, strings.Join(tt.stderr, "\n"))
			}
			if tt.stderr == nil && tt.stderrHas == "" && stderr != "" {
				t.Errorf("unexpected stderr: %s", stderr)
			}
			if !strings.Contains(stderr, tt.stderrHas) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderrHas, stderr)
			}
			for _, s := range []string{validateSERSecret, validateHECToken} {
				for form, v := range encodings(s) {
					if strings.Contains(stdout+stderr, v) {
						t.Errorf("output shows a secret (%s):\n%s%s", form, stdout, stderr)
					}
				}
			}
		})
	}
}

func TestValidateExampleConfig(t *testing.T) {
	const example = "../../configs/serfwd.example.yaml"
	setValidateSecrets(t)
	creds := t.TempDir()
	writeValidateFile(t, creds, "acme.secret", validateSERSecret+"\n", 0o600)
	writeValidateFile(t, creds, "splunk.token", validateHECToken+"\n", 0o600)
	code, stdout, stderr := runValidate("validate", "--config", example, "--credentials", creds)
	if want := fmt.Sprintf("config OK: 1 input, %d sinks\n", countSinks(t, example)); code != exitOK || stdout != want {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	if strings.Contains(stderr, validateSERSecret) || strings.Contains(stderr, validateHECToken) {
		t.Errorf("stderr shows a secret: %s", stderr)
	}
}

// countSinks counts the entries of the sinks list of the config at path,
// read as plain YAML (independently of serfwd's loader).
func countSinks(t *testing.T, path string) int {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Sinks []yaml.Node `yaml:"sinks"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Sinks) == 0 {
		t.Fatalf("reading the sinks of %s: %v", path, err)
	}
	return len(doc.Sinks)
}
