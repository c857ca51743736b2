// Tests of packaging/build.sh: the package version made from git describe,
// the maintainer (nfpm.yaml's unless $MAINTAINER is set), and the .deb and
// .rpm it builds, unpacked and compared with their sources.

package packaging

import (
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// TestPackageVersion checks how build.sh turns git describe output into a
// version that deb and rpm accept (it must start with a digit, no "-").
func TestPackageVersion(t *testing.T) {
	needTool(t, "bash")
	cases := []struct{ describe, want string }{
		{"v1.2.3", "1.2.3"},
		{"1.2.3", "1.2.3"},
		{"v1.2.3-4-gabc1234", "1.2.3+git4.gabc1234"},
		{"v1.2.3-4-gabc1234-dirty", "1.2.3+git4.gabc1234.dirty"},
		{"v1.2.3-rc1", "1.2.3~rc1"},
		{"v1.2.3-rc1-2-gdeadbee", "1.2.3~rc1+git2.gdeadbee"},
		{"0.0.0-gitabc1234", "0.0.0~gitabc1234"},
		{"0.0.0-gitabc1234-dirty", "0.0.0~gitabc1234.dirty"},
		{"0.0.0-dev", "0.0.0~dev"},
		{"release/x y", "0.0.0~release.x.y"},
	}
	for _, c := range cases {
		t.Run(c.describe, func(t *testing.T) {
			out := runTool(t, t.TempDir(), envWith("VERSION="+c.describe), "bash", filepath.Join(repoRoot(t), "packaging", "build.sh"), "version")
			if got := strings.TrimSpace(out); got != c.want {
				t.Fatalf("VERSION=%q gives %q, want %q", c.describe, got, c.want)
			}
		})
	}
	t.Run("from git", func(t *testing.T) {
		out := runTool(t, t.TempDir(), envWith("VERSION="), "bash", filepath.Join(repoRoot(t), "packaging", "build.sh"), "version")
		if v := strings.TrimSpace(out); !validVersion.MatchString(v) {
			t.Fatalf("the version from git is %q: not valid for deb and rpm", v)
		}
	})
}

var validVersion = regexp.MustCompile(`^[0-9][A-Za-z0-9.+~]*$`)

// The packages' maintainer is the project's, fixed in build.sh, not
// whoever made the last commit; $MAINTAINER replaces it.
func TestBuildMaintainer(t *testing.T) {
	needTool(t, "bash")
	for env, want := range map[string]string{"": "serfwd maintainers <maintainers@serfwd.example>", testMaintainer: testMaintainer} {
		out := runTool(t, t.TempDir(), envWith("MAINTAINER="+env), "bash", filepath.Join(repoRoot(t), "packaging", "build.sh"), "maintainer")
		if got := strings.TrimSpace(out); got != want {
			t.Errorf("MAINTAINER=%q: maintainer %q, want %q", env, got, want)
		}
	}
}

// TestBuildPackages runs build.sh and inspects the .deb and .rpm it makes.
func TestBuildPackages(t *testing.T) {
	if testing.Short() {
		t.Skip("builds serfwd and nfpm: skipped with -short")
	}
	needTool(t, "bash")
	dpkgDeb := needTool(t, "dpkg-deb")
	dist := t.TempDir()
	const describe, version, commit = "v9.8.7-3-gabcdef1", "9.8.7+git3.gabcdef1", "abcdef123456"
	runTool(t, t.TempDir(), envWith("VERSION="+describe, "COMMIT="+commit, "GOARCH=amd64", "DIST="+dist, "MAINTAINER="+testMaintainer),
		"bash", filepath.Join(repoRoot(t), "packaging", "build.sh"))
	deb := filepath.Join(dist, "serfwd_"+version+"_amd64.deb")
	rpmFile := filepath.Join(dist, "serfwd_"+version+"_amd64.rpm")
	if left, _ := filepath.Glob(filepath.Join(dist, ".stage-*")); len(left) > 0 {
		t.Errorf("build.sh left its staging folder: %v", left)
	}
	t.Run("deb", func(t *testing.T) { checkDeb(t, dpkgDeb, deb, version, commit) })
	t.Run("deb docs", func(t *testing.T) { checkDebDocs(t, dpkgDeb, deb, version) })
	t.Run("lintian", func(t *testing.T) { checkLintian(t, deb) })
	t.Run("rpm", func(t *testing.T) { checkRPM(t, rpmFile, version) })
	t.Run("addon", func(t *testing.T) { checkAddonArchive(t, filepath.Join(dist, addonName+"-"+version+".tgz"), version) })
}

// testMaintainer is the MAINTAINER the build test packages with.
const testMaintainer = "Jane Packager #2: releases <jane@packaging.example.org>" // YAML would cut a raw " #" and choke on ": "

// packaged lists what both packages must hold, with the repository file
// each must equal ("" = not compared).
var packaged = []struct{ path, source string }{
	{"/usr/bin/serfwd", ""},
	{"/usr/lib/systemd/system/serfwd.service", "packaging/systemd/serfwd.service"},
	{"/etc/serfwd/serfwd.yaml", "configs/serfwd.example.yaml"},
	{"/usr/share/doc/serfwd/README.md", ""},
	{"/usr/share/doc/serfwd/LICENSE", "LICENSE"},
	{"/usr/share/doc/serfwd/packaging.md", "packaging/README.md"},
	{"/usr/share/doc/serfwd/qradar.md", "packaging/qradar/README.md"},
	{"/usr/share/doc/serfwd/serfwd.example.yaml", "configs/serfwd.example.yaml"},
	{"/usr/share/serfwd/splunk/TA-serfwd/default/props.conf", "packaging/splunk/TA-serfwd/default/props.conf"},
	{"/usr/share/serfwd/splunk/TA-serfwd/LICENSE", "LICENSE"}, // the add-on as build.sh staged it
	{"/usr/share/man/man1/serfwd.1.gz", ""},
	{"/usr/share/doc/serfwd/copyright", ""},
	{"/usr/share/doc/serfwd/changelog.gz", ""},
}

func checkDeb(t *testing.T, dpkgDeb, deb, version, commit string) {
	list := runTool(t, ".", nil, dpkgDeb, "-c", deb)
	for _, p := range packaged {
		if !regexp.MustCompile(`(?m)^-\S+ root/root .* \.` + regexp.QuoteMeta(p.path) + `$`).MatchString(list) {
			t.Errorf("the .deb lacks %s (as a root-owned file):\n%s", p.path, list)
		}
	}
	if !regexp.MustCompile(`(?m)^-rwxr-xr-x .* \./usr/bin/serfwd$`).MatchString(list) {
		t.Errorf("/usr/bin/serfwd is not mode 0755:\n%s", list)
	}
	if !regexp.MustCompile(`(?m)^drwx------ root/root .* \./etc/serfwd/credentials/$`).MatchString(list) {
		t.Errorf("the .deb lacks /etc/serfwd/credentials/ as a root-only directory:\n%s", list)
	}
	fields := runTool(t, ".", nil, dpkgDeb, "-f", deb, "Package", "Version", "Architecture", "Maintainer")
	want := "Package: serfwd\nVersion: " + version + "\nArchitecture: amd64\nMaintainer: " + testMaintainer + "\n"
	if fields != want {
		t.Errorf("control fields:\n%s\nwant:\n%s", fields, want)
	}
	if depends := runTool(t, ".", nil, dpkgDeb, "-f", deb, "Depends"); strings.TrimSpace(depends) != "systemd (>= 252)" {
		t.Errorf("Depends: %q, want systemd (>= 252) (LoadCredential= of a directory)", depends)
	}
	conffiles := runTool(t, ".", nil, dpkgDeb, "-I", deb, "conffiles")
	if strings.TrimSpace(conffiles) != "/etc/serfwd/serfwd.yaml" {
		t.Errorf("conffiles = %q, want /etc/serfwd/serfwd.yaml", conffiles)
	}
	for _, script := range []string{"postinst", "prerm", "postrm"} {
		body := runTool(t, ".", nil, dpkgDeb, "-I", deb, script)
		if !strings.Contains(body, "/run/systemd/system") {
			t.Errorf("the .deb's %s does not check for a running systemd:\n%s", script, body)
		}
	}

	root := t.TempDir()
	runTool(t, ".", nil, dpkgDeb, "-x", deb, root)
	compareFiles(t, root)
	if runtime.GOOS == "linux" && runtime.GOARCH == "amd64" {
		out := runTool(t, ".", nil, filepath.Join(root, "usr/bin/serfwd"), "version")
		if !strings.Contains(out, "serfwd "+version+" (commit "+commit) {
			t.Errorf("the packaged binary says %q, want version %s and commit %s", out, version, commit)
		}
	}
}

// compareFiles checks the unpacked files against their sources.
func compareFiles(t *testing.T, root string) {
	t.Helper()
	for _, p := range packaged {
		if p.source == "" {
			continue
		}
		got, err := os.ReadFile(filepath.Join(root, p.path))
		if err != nil {
			t.Errorf("reading the packaged %s: %v", p.path, err)
			continue
		}
		want, err := os.ReadFile(filepath.Join(repoRoot(t), p.source))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("the packaged %s differs from %s", p.path, p.source)
		}
	}
}

func checkRPM(t *testing.T, rpmFile, version string) {
	fi, err := os.Stat(rpmFile)
	if err != nil || fi.Size() == 0 {
		t.Fatalf("no .rpm: %v", err)
	}
	rpm := needTool(t, "rpm")
	list := runTool(t, ".", nil, rpm, "-qlp", rpmFile)
	for _, p := range packaged {
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(p.path) + `$`).MatchString(list) {
			t.Errorf("the .rpm lacks %s:\n%s", p.path, list)
		}
	}
	info := runTool(t, ".", nil, rpm, "-qp", "--queryformat", `%{NAME} %{VERSION} %{ARCH}\n`, rpmFile)
	if want := "serfwd " + version + " x86_64\n"; info != want {
		t.Errorf("rpm name, version, arch = %q, want %q", info, want)
	}
	if conf := runTool(t, ".", nil, rpm, "-qcp", rpmFile); strings.TrimSpace(conf) != "/etc/serfwd/serfwd.yaml" {
		t.Errorf("rpm config files = %q, want /etc/serfwd/serfwd.yaml", conf)
	}
	// %config(noreplace) shows as the "n" flag in the file flags.
	flags := runTool(t, ".", nil, rpm, "-qp", "--queryformat", `[%{FILENAMES} %{FILEFLAGS:fflags}\n]`, rpmFile)
	if !regexp.MustCompile(`(?m)^/etc/serfwd/serfwd\.yaml c\S*n`).MatchString(flags) {
		t.Errorf("/etc/serfwd/serfwd.yaml is not %%config(noreplace):\n%s", flags)
	}
	if req := runTool(t, ".", nil, rpm, "-qp", "--requires", rpmFile); !regexp.MustCompile(`(?m)^systemd >= 252$`).MatchString(req) {
		t.Errorf("the .rpm does not require systemd >= 252 (LoadCredential= of a directory):\n%s", req)
	}
	scripts := runTool(t, ".", nil, rpm, "-qp", "--scripts", rpmFile)
	for _, s := range []string{"postinstall scriptlet", "preuninstall scriptlet", "postuninstall scriptlet"} {
		if !strings.Contains(scripts, s) {
			t.Errorf("the .rpm has no %s:\n%s", s, scripts)
		}
	}
}
