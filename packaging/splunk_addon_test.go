// splunk_addon_test.go builds dist/TA-serfwd-<version>.tgz with build.sh and
// checks it as a Splunk admin (and Splunkbase) receives it. AppInspect
// itself cannot run here, so the test applies the packaging rules the
// add-on depends on, each named by AppInspect's check.

package packaging

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

const addonName = "TA-serfwd"

// semverRE is the regular expression that semver.org publishes for
// Semantic Versioning 2.0.0.
var semverRE = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)` +
	`(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?` +
	`(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`)

// TestAddonVersion checks how build.sh turns git describe output into the
// add-on's version: Semantic Versioning 2.0.0, which AppInspect requires
// (check_version_is_valid_semver), in step with the package version.
func TestAddonVersion(t *testing.T) {
	needTool(t, "bash")
	cases := []struct{ describe, want string }{
		{"v1.2.3", "1.2.3"},
		{"v1.2.3-4-gabc1234-dirty", "1.2.3+git4.gabc1234.dirty"},
		{"v1.2.3-rc1", "1.2.3-rc1"},
		{"v1.2.3-rc1-2-gdeadbee", "1.2.3-rc1+git2.gdeadbee"},
		{"0.0.0-gitabc1234-dirty", "0.0.0-gitabc1234.dirty"},
		{"0.0.0-dev", "0.0.0-dev"},
		{"release/x y", "0.0.0-release.x.y"},
		{"v1.2", "1.2.0"},
		{"v01.02.03", "1.2.3"},
		{"v1.2.3-01", "1.2.3-1"},
		{"a//b", "0.0.0-a.b"},
		{"v1.2.3.4", "1.2.3-4"},
		{"v1.2.3+build-1", "1.2.3+build-1"},
		{"1.2.3-rc.01-2-gabc", "1.2.3-rc.1+git2.gabc"},
	}
	for _, c := range cases {
		t.Run(c.describe, func(t *testing.T) {
			out := runTool(t, t.TempDir(), envWith("VERSION="+c.describe), "bash", filepath.Join(repoRoot(t), "packaging", "build.sh"), "addon-version")
			got := strings.TrimSpace(out)
			if got != c.want {
				t.Fatalf("VERSION=%q gives add-on version %q, want %q", c.describe, got, c.want)
			}
			if !semverRE.MatchString(got) {
				t.Fatalf("%q is not Semantic Versioning 2.0.0", got)
			}
		})
	}
}

// TestAddonArchive builds the add-on twice from the same commit time and
// checks the archive; both builds must give the same bytes.
func TestAddonArchive(t *testing.T) {
	needTool(t, "bash")
	needTool(t, "tar")
	needTool(t, "gzip")
	const describe, version = "v2.3.4-rc1-5-g0123abc", "2.3.4-rc1+git5.g0123abc"
	var archives [2][]byte
	for i := range archives {
		dist := t.TempDir()
		runTool(t, t.TempDir(), envWith("VERSION="+describe, "SOURCE_DATE_EPOCH=1795687200", "DIST="+dist),
			"bash", filepath.Join(repoRoot(t), "packaging", "build.sh"), "addon")
		file := filepath.Join(dist, addonName+"-"+version+".tgz")
		checkAddonArchive(t, file, version)
		if left, _ := filepath.Glob(filepath.Join(dist, ".stage-*")); len(left) > 0 {
			t.Errorf("build.sh left its staging folder: %v", left)
		}
		archives[i], _ = os.ReadFile(file)
	}
	if !bytes.Equal(archives[0], archives[1]) {
		t.Error("two builds of the same commit gave different archives: the add-on is not reproducible")
	}
}

// addonEntry is one file of the archive.
type addonEntry struct {
	mode int64
	data []byte
}

// checkAddonArchive reads a built add-on and applies the packaging rules.
func checkAddonArchive(t *testing.T, file, version string) {
	t.Helper()
	fi, err := os.Stat(file)
	// check_that_splunk_app_package_has_read_permission
	if err != nil || fi.Mode().Perm()&0o400 == 0 {
		t.Fatalf("no readable add-on at %s: %v", file, err)
	}
	files := readAddonArchive(t, file)
	checkAddonFiles(t, files)
	conf := func(name string) *splunkConf {
		c, err := parseSplunkConf(name, files[name].data)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	checkAddonIdentity(t, conf("default/app.conf"), files["app.manifest"].data, version)
	// The add-on exports its knowledge objects system-wide (SPEC §7).
	if conf("metadata/default.meta").value("", "export") != "system" {
		t.Error("metadata/default.meta does not export system-wide")
	}
	for name, e := range files {
		switch path.Ext(name) {
		case ".conf", ".meta":
			conf(name)
		case ".xml":
			if _, err := parseDashboard(bytes.NewReader(e.data)); err != nil {
				t.Errorf("%s is not well-formed XML: %v", name, err)
			}
		}
	}
}

// readAddonArchive reads the .tgz and checks every entry's name, type,
// owner and mode; it returns the files by their path inside the add-on.
func readAddonArchive(t *testing.T, file string) map[string]addonEntry {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// check_package_compression, check_that_splunk_app_package_valid_compressed_file
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s is not gzip-compressed: %v", file, err)
	}
	tr := tar.NewReader(gz)
	files := map[string]addonEntry{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		rel := checkAddonEntryName(t, h.Name)
		checkAddonEntryHeader(t, h)
		if h.Typeflag == tar.TypeReg {
			data, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			files[rel] = addonEntry{mode: h.Mode, data: data}
		}
	}
	if len(files) == 0 {
		t.Fatalf("%s holds no files", file)
	}
	return files
}

// checkAddonEntryName applies the rules on paths and returns the path
// inside the add-on's folder.
func checkAddonEntryName(t *testing.T, name string) string {
	t.Helper()
	// check_that_extracted_splunk_app_does_not_contain_prohibited_directories_or_files:
	// no "./" prefix, nothing hidden, no __MACOSX.
	if strings.HasPrefix(name, "./") || strings.HasPrefix(name, "/") {
		t.Errorf("entry %q: paths must start with the add-on's folder", name)
	}
	// check_that_splunk_app_package_extracts_to_visible_directory,
	// check_that_splunk_app_package_does_not_contain_files_outside_of_app,
	// check_for_valid_package_id (the folder is the package id).
	top, rel, _ := strings.Cut(strings.TrimSuffix(name, "/"), "/")
	if top != addonName {
		t.Errorf("entry %q is outside the folder %s", name, addonName)
	}
	for _, part := range strings.Split(rel, "/") {
		if strings.HasPrefix(part, ".") || part == "__MACOSX" {
			t.Errorf("entry %q is hidden or prohibited", name)
		}
	}
	// check_filenames_for_spaces
	if strings.ContainsAny(name, " \t") {
		t.Errorf("entry %q has a space in its name", name)
	}
	return rel
}

// checkAddonEntryHeader checks type, owner and permissions.
func checkAddonEntryHeader(t *testing.T, h *tar.Header) {
	t.Helper()
	switch h.Typeflag {
	case tar.TypeDir:
		// check_that_extracted_splunk_app_does_not_contain_invalid_directories
		// asks for owner rwx; the add-on ships 0755.
		if h.Mode&0o7777 != 0o755 {
			t.Errorf("folder %s has mode %o, want 755", h.Name, h.Mode)
		}
	case tar.TypeReg:
		// check_that_extracted_splunk_app_does_not_contain_files_with_invalid_permissions
		// asks for owner rw; the add-on ships 0644: nothing executable.
		if h.Mode&0o7777 != 0o644 {
			t.Errorf("file %s has mode %o, want 644", h.Name, h.Mode)
		}
	default:
		t.Errorf("entry %s is neither a file nor a folder (type %q)", h.Name, h.Typeflag)
	}
	if h.Uid != 0 || h.Gid != 0 {
		t.Errorf("entry %s belongs to %d:%d, want 0:0", h.Name, h.Uid, h.Gid)
	}
}

// checkAddonFiles compares the archive with the source tree: the same
// files, unchanged except the two that carry the version, plus LICENSE;
// no local/, users/ or local.meta; text only.
func checkAddonFiles(t *testing.T, files map[string]addonEntry) {
	t.Helper()
	want := addonSourceFiles(t)
	want["LICENSE"] = true
	for name := range want {
		if _, ok := files[name]; !ok {
			t.Errorf("the archive lacks %s", name)
		}
	}
	for name, e := range files {
		// check_that_local_does_not_exist, check_for_local_meta,
		// check_that_users_does_not_exist
		if strings.HasPrefix(name, "local/") || strings.HasPrefix(name, "users/") || name == "metadata/local.meta" {
			t.Errorf("the archive holds %s: configuration ships in default/ only", name)
		}
		if !want[name] {
			t.Errorf("the archive holds %s, which the source tree does not have", name)
		}
		// No binaries: every file is UTF-8 text.
		if !utf8.Valid(e.data) || bytes.IndexByte(e.data, 0) >= 0 {
			t.Errorf("%s is not text", name)
		}
		src := filepath.Join(taDir, filepath.FromSlash(name))
		if name == "LICENSE" {
			src = filepath.Join(repoRoot(t), "LICENSE")
		}
		if name != "default/app.conf" && name != "app.manifest" && want[name] {
			if orig, err := os.ReadFile(src); err != nil || !bytes.Equal(orig, e.data) {
				t.Errorf("%s differs from %s (%v)", name, src, err)
			}
		}
	}
}

// checkAddonIdentity checks app.conf and app.manifest against each other
// and against the package version.
func checkAddonIdentity(t *testing.T, app *splunkConf, manifestJSON []byte, version string) {
	t.Helper()
	// check_for_valid_package_id: [package] id = [id] name = the folder =
	// app.manifest info.id.name; letters, digits, "_", "-" and ".".
	id := app.value("package", "id")
	if id != addonName || app.value("id", "name") != id || !regexp.MustCompile(`^[A-Za-z_.-][A-Za-z0-9_.-]*$`).MatchString(id) {
		t.Errorf("[package] id %q, [id] name %q: want both %s", id, app.value("id", "name"), addonName)
	}
	// check_that_setup_has_not_been_performed
	if app.value("install", "is_configured") != "false" {
		t.Errorf("[install] is_configured = %q, want false", app.value("install", "is_configured"))
	}
	// check_for_valid_ui_label: 5 to 80 characters.
	if n := len(app.value("ui", "label")); n < 5 || n > 80 {
		t.Errorf("[ui] label has %d characters, want 5 to 80", n)
	}
	// check_no_install_source_checksum, check_no_install_source_local_checksum
	for _, k := range []string{"install_source_checksum", "install_source_local_checksum"} {
		if app.value("install", k) != "" {
			t.Errorf("[install] sets %s, which Splunk fills in itself", k)
		}
	}
	var m map[string]any
	// check_validate_json_data_is_well_formed
	if err := json.Unmarshal(manifestJSON, &m); err != nil {
		t.Fatalf("app.manifest: %v", err)
	}
	info, _ := m["info"].(map[string]any)
	mid, _ := info["id"].(map[string]any)
	if m["schemaVersion"] != "2.0.0" || mid["name"] != addonName {
		t.Errorf("app.manifest schemaVersion %v, info.id.name %v; want 2.0.0 and %s", m["schemaVersion"], mid["name"], addonName)
	}
	for _, k := range []string{"dependencies", "tasks", "inputGroups", "incompatibleApps", "platformRequirements", "supportedDeployments", "targetWorkloads"} {
		if _, ok := m[k]; !ok {
			t.Errorf("app.manifest lacks %s (schema 2.0.0)", k)
		}
	}
	// check_app_version, check_version_is_valid_semver: [id] version,
	// [launcher] version and info.id.version are one Semantic Version,
	// the package's.
	manifestVersion, _ := mid["version"].(string)
	versions := []string{app.value("id", "version"), app.value("launcher", "version"), manifestVersion}
	for _, v := range versions {
		if v != version || !semverRE.MatchString(v) {
			t.Errorf("versions %q: want all %q (Semantic Versioning 2.0.0)", versions, version)
			break
		}
	}
}

// addonSourceFiles lists the add-on's files in the source tree as build.sh
// ships them: without hidden files, local/, users/ and metadata/local.meta,
// which a developer's Splunk may have written there.
func addonSourceFiles(t *testing.T) map[string]bool {
	t.Helper()
	files := map[string]bool{}
	err := filepath.WalkDir(taDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(taDir, p)
		rel = filepath.ToSlash(rel)
		switch {
		case rel == ".":
		case strings.HasPrefix(d.Name(), ".") || d.Name() == "__MACOSX" || rel == "local" || rel == "users":
			if d.IsDir() {
				return filepath.SkipDir
			}
		case rel == "metadata/local.meta":
		case !d.IsDir():
			files[rel] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
