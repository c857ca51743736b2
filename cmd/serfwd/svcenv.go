// Seeing the configuration as the packaged service does, outside systemd:
// --credentials DIR provides ${CREDENTIALS_DIRECTORY} as the unit's
// LoadCredential=serfwd:DIR does (a file DIR/NAME becomes serfwd_NAME), and
// --env-file FILE provides ${VAR} values as its EnvironmentFile= does.

package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/serfwd/serfwd/pkg/config"
)

// credentialID is the ID of the unit's LoadCredential= of a directory;
// systemd names each file's credential ID_FILENAME.
const credentialID = "serfwd"

// lookupEnv returns the ${VAR} lookup for the config: --env-file's values
// and --credentials' stand-in directory first, then the environment.
func (c *configFlags) lookupEnv() (config.LookupEnv, error) {
	vars := map[string]string{}
	if c.envFile != "" {
		var err error
		if vars, err = readEnvFile(c.envFile); err != nil {
			return nil, err
		}
	}
	if c.credentials != "" {
		dir, err := standInCredentials(c.credentials)
		if err != nil {
			return nil, err
		}
		c.tmp = dir
		vars["CREDENTIALS_DIRECTORY"] = dir
	}
	return func(name string) (string, bool) {
		if v, ok := vars[name]; ok {
			return v, true
		}
		return os.LookupEnv(name)
	}, nil
}

// standInCredentials makes a private directory (mode 0700) in which
// serfwd_NAME links to DIR/NAME for every regular file of dir, as systemd
// loads a directory (it also skips symbolic links). Nothing is copied.
func standInCredentials(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	var entries []os.DirEntry
	if err == nil {
		entries, err = os.ReadDir(abs)
	}
	if err != nil {
		return "", fmt.Errorf("--credentials: %w", err)
	}
	tmp, err := os.MkdirTemp("", "serfwd-credentials-")
	if err != nil {
		return "", fmt.Errorf("--credentials: %w", err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		if err := os.Symlink(filepath.Join(abs, e.Name()), filepath.Join(tmp, credentialID+"_"+e.Name())); err != nil {
			os.RemoveAll(tmp)
			return "", fmt.Errorf("--credentials: %w", err)
		}
	}
	return tmp, nil
}

// envName is a variable name an environment file may set.
var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// readEnvFile reads VAR=value lines as systemd's EnvironmentFile= does for
// the common cases: blank lines and lines starting with # or ; are skipped,
// space around the name is dropped, and a value in matching single or
// double quotes loses them (inside double quotes, \" and \\ are one
// character). Anything else is an error naming the line.
func readEnvFile(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--env-file: %w", err)
	}
	defer f.Close()
	vars := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		name = strings.TrimSpace(name)
		if !ok || !envName.MatchString(name) {
			return nil, fmt.Errorf("--env-file %s:%d: not a VAR=value line", path, n)
		}
		vars[name] = unquoteEnv(strings.TrimSpace(value))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("--env-file %s: %w", path, err)
	}
	return vars, nil
}

func unquoteEnv(v string) string {
	if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' {
		return v[1 : len(v)-1]
	}
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		return strings.NewReplacer(`\"`, `"`, `\\`, `\`).Replace(v[1 : len(v)-1])
	}
	return v
}

// credentialsHint explains, when the config needs variables that only the
// service has, how to provide them for one command.
func credentialsHint(ps config.Problems, lookup config.LookupEnv) string {
	var creds, vars bool
	for _, p := range ps {
		creds = creds || strings.Contains(p.Msg, "CREDENTIALS_DIRECTORY is not set")
		vars = vars || strings.Contains(p.Msg, "environment variable")
	}
	if _, set := lookup("CREDENTIALS_DIRECTORY"); creds && !set {
		return "serfwd: hint: systemd sets ${CREDENTIALS_DIRECTORY} for the service only; outside it, add " +
			"--credentials /etc/serfwd/credentials (and --env-file /etc/serfwd/serfwd.env) to read the config as the service does"
	}
	if vars {
		return "serfwd: hint: the service takes ${VAR} values from /etc/serfwd/serfwd.env; add --env-file FILE to use such a file"
	}
	return ""
}
