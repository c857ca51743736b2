// Command debcopyright writes the .deb's machine-readable copyright file
// (DEP-5) for a built serfwd binary: the hand-written head (serfwd's own
// paragraph), then one paragraph per Go module compiled into the binary, as
// the binary's build information lists them, with the licence found in the
// module's own licence files, and the Go standard library. Licences Debian
// ships in /usr/share/common-licenses (Apache-2.0, MPL-2.0) are referred to;
// the others (Expat, BSD) are reproduced with their copyright notices, as
// they require. packaging/build.sh runs it; an unknown licence stops the
// build instead of shipping a wrong file.
package main

import (
	"debug/buildinfo"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

func main() {
	binary := flag.String("binary", "", "the built serfwd")
	head := flag.String("head", "", "the hand-written head of the copyright file")
	flag.Parse()
	if err := run(os.Stdout, *binary, *head); err != nil {
		fmt.Fprintln(os.Stderr, "debcopyright:", err)
		os.Exit(1)
	}
}

// module is one component compiled into the binary.
type module struct {
	path, version, dir string
}

func run(w io.Writer, binary, head string) error {
	info, err := buildinfo.ReadFile(binary)
	if err != nil {
		return err
	}
	headText, err := os.ReadFile(head)
	if err != nil {
		return err
	}
	mods := []module{{path: "go", version: info.GoVersion, dir: goroot()}}
	for _, d := range info.Deps {
		if d.Replace != nil {
			d = d.Replace
		}
		dir, err := moduleDir(d.Path, d.Version)
		if err != nil {
			return err
		}
		mods = append(mods, module{path: d.Path, version: d.Version, dir: dir})
	}
	fmt.Fprint(w, strings.TrimRight(string(headText), "\n")+"\n")
	used := map[string]bool{}
	for _, m := range mods {
		p, names, err := paragraph(m)
		if err != nil {
			return err
		}
		fmt.Fprint(w, "\n"+p)
		for _, n := range names {
			used[n] = true
		}
	}
	for _, n := range []string{"Apache-2.0", "MPL-2.0"} {
		if used[n] && !strings.Contains(string(headText), "\nLicense: "+n+"\n") {
			fmt.Fprintf(w, "\nLicense: %s\n On Debian systems, the complete text of this licence is in\n /usr/share/common-licenses/%s.\n", n, n)
		}
	}
	return nil
}

// goroot is the Go installation the binary was built with.
func goroot() string {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return runtime.GOROOT()
	}
	return strings.TrimSpace(string(out))
}

// moduleDir finds a module in the module cache (downloading is a no-op
// after the build that needed it).
func moduleDir(path, version string) (string, error) {
	out, err := exec.Command("go", "mod", "download", "-json", path+"@"+version).Output()
	if err != nil {
		return "", fmt.Errorf("locating %s@%s: %w", path, version, err)
	}
	var m struct{ Dir, Error string }
	if err := json.Unmarshal(out, &m); err != nil || m.Error != "" || m.Dir == "" {
		return "", fmt.Errorf("locating %s@%s: %v %s", path, version, err, m.Error)
	}
	return m.Dir, nil
}

// paragraph renders m's Files paragraph and returns the licences it names.
func paragraph(m module) (string, []string, error) {
	text, notice, err := licenceText(m.dir)
	if err != nil {
		return "", nil, fmt.Errorf("%s@%s: %w", m.path, m.version, err)
	}
	names := classify(text)
	if len(names) == 0 {
		return "", nil, fmt.Errorf("%s@%s: licence not recognised; add it to packaging/debcopyright", m.path, m.version)
	}
	var b strings.Builder
	if m.path == "go" {
		fmt.Fprintf(&b, "Files: go/*\nComment: the Go standard library and runtime, %s\n", m.version)
	} else {
		fmt.Fprintf(&b, "Files: vendor/%s/*\nComment: Go module %s %s, compiled into /usr/bin/serfwd\n", m.path, m.path, m.version)
	}
	if notice != "" {
		b.WriteString("Comment: its NOTICE file says:\n" + continuation(notice))
	}
	fmt.Fprintf(&b, "Copyright: %s\n", holders(text+"\n"+notice, m.path))
	fmt.Fprintf(&b, "License: %s\n", strings.Join(names, " and "))
	if !allCommon(names) {
		b.WriteString(continuation(elideApache(text)))
	}
	return b.String(), names, nil
}

// licenceText reads a module's licence files, and its NOTICE file, which
// the Apache licence asks to pass on.
func licenceText(dir string) (licence, notice string, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", "", err
	}
	var licences, notices []string
	for _, e := range entries {
		n := strings.ToUpper(strings.TrimSuffix(strings.TrimSuffix(e.Name(), ".txt"), ".md"))
		isLicence := strings.HasPrefix(n, "LICENSE") || strings.HasPrefix(n, "LICENCE") || strings.HasPrefix(n, "COPYING")
		if !e.Type().IsRegular() || (!isLicence && n != "NOTICE") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return "", "", err
		}
		if isLicence {
			licences = append(licences, strings.TrimSpace(string(data)))
		} else {
			notices = append(notices, strings.TrimSpace(string(data)))
		}
	}
	if len(licences) == 0 {
		return "", "", fmt.Errorf("no licence file in %s", dir)
	}
	return strings.Join(licences, "\n\n"), strings.Join(notices, "\n\n"), nil
}
