#!/usr/bin/env bash
# build.sh builds serfwd's Linux packages: dist/serfwd_<version>_<arch>.deb and
# .rpm, with nfpm pinned below and run through the Go toolchain (the module
# proxy serves it; nothing is downloaded by hand), and the Splunk add-on
# dist/TA-serfwd-<version>.tgz. Works from any directory.
#
#   packaging/build.sh                  build both packages and the add-on
#   packaging/build.sh version          print the package version and exit
#   packaging/build.sh addon            build only the Splunk add-on
#   packaging/build.sh addon-version    print the add-on's version and exit
#   packaging/build.sh maintainer       print the packages' maintainer and exit
#
# Environment: GOARCH (default amd64), VERSION (default: git describe, made
# valid for deb and rpm), COMMIT (default: git's short HEAD), DIST (the
# output folder, default dist/ in the repository), MAINTAINER (the packages'
# "Name <email>", default: the project's, set here).
set -euo pipefail

NFPM=github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.45.2

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

# package_version turns a git describe string into a version that deb and rpm
# both accept and order sensibly (it must start with a digit, no "-"):
#   v1.2.3 -> 1.2.3;  v1.2.3-4-gabc1234 -> 1.2.3+git4.gabc1234;
#   v1.2.3-rc1 -> 1.2.3~rc1 (sorts before 1.2.3);  a trailing -dirty -> .dirty;
#   anything not starting with a digit -> 0.0.0~<it>
package_version() {
	local v=$1 dirty=""
	if [[ $v == *-dirty ]]; then
		dirty=.dirty
		v=${v%-dirty}
	fi
	v=${v#v}
	if [[ $v =~ ^([0-9].*)-([0-9]+)-(g[0-9a-f]+)$ ]]; then
		v="${BASH_REMATCH[1]}+git${BASH_REMATCH[2]}.${BASH_REMATCH[3]}"
	elif [[ ! $v =~ ^[0-9] ]]; then
		v="0.0.0~$v"
	fi
	v=${v//-/\~}
	v=${v//[^A-Za-z0-9.+~]/.}
	printf '%s%s\n' "$v" "$dirty"
}

# git_version is `git describe --tags --always --dirty`, with a commit that
# no tag precedes written as 0.0.0-git<sha>; nothing outside a git checkout.
git_version() {
	git describe --tags --dirty 2>/dev/null && return 0
	local sha
	sha=$(git describe --always --dirty 2>/dev/null) && echo "0.0.0-git$sha"
	return 0
}

# ---------------------------------------------------------------------------
# The Splunk add-on (SPEC §7): dist/TA-serfwd-<version>.tgz, folder TA-serfwd,
# packed as AppInspect's packaging checks expect. packaging/splunk_*_test.go
# checks the archive against them.
# ---------------------------------------------------------------------------

ADDON=TA-serfwd

# addon_version turns a package version into Semantic Versioning 2.0.0, which
# AppInspect (check_version_is_valid_semver) requires of app.conf and
# app.manifest: "~" starts the pre-release and "+" the build metadata
# (1.2.3~rc1+git2.gabc1234 -> 1.2.3-rc1+git2.gabc1234); the core is three
# numbers without leading zeros (1.2 -> 1.2.0), anything after them joins the
# pre-release (1.2.3.4 -> 1.2.3-4), empty identifiers are dropped and numeric
# pre-release identifiers lose their leading zeros.
addon_version() {
	local v=$1 pre="" build="" rest
	if [[ $v == *+* ]]; then
		build=${v#*+}
		v=${v%%+*}
	fi
	if [[ $v == *~* ]]; then
		pre=${v#*~}
		v=${v%%~*}
	fi
	[[ $v =~ ^([0-9]*)(\.([0-9]+))?(\.([0-9]+))?(.*)$ ]]
	local major=${BASH_REMATCH[1]:-0} minor=${BASH_REMATCH[3]:-0} patch=${BASH_REMATCH[5]:-0}
	rest=${BASH_REMATCH[6]#[.-]}
	[[ -n $rest ]] && pre="$rest${pre:+.$pre}"
	printf '%s.%s.%s' "$(semver_number "$major")" "$(semver_number "$minor")" "$(semver_number "$patch")"
	pre=$(semver_identifiers "$pre" pre)
	build=$(semver_identifiers "$build" build)
	printf '%s%s\n' "${pre:+-$pre}" "${build:+"+$build"}"
}

# semver_number drops leading zeros (keeping a single 0).
semver_number() {
	local n=$1
	while [[ $n == 0?* ]]; do
		n=${n#0}
	done
	echo "${n:-0}"
}

# semver_identifiers cleans a dot-separated pre-release ("pre") or build
# ("build") part: characters outside [0-9A-Za-z-] become "-", empty
# identifiers go, and numeric pre-release identifiers lose leading zeros.
semver_identifiers() {
	local id out=""
	local -a ids
	IFS=. read -r -a ids <<<"${1//[^0-9A-Za-z.-]/-}"
	for id in "${ids[@]}"; do
		[[ -z $id ]] && continue
		[[ $2 == pre && $id =~ ^[0-9]+$ ]] && id=$(semver_number "$id")
		out+=${out:+.}$id
	done
	echo "$out"
}

# stage_addon copies the add-on to STAGE/TA-serfwd as it ships: without
# hidden files, local/, users/ or metadata/local.meta (a developer's Splunk
# may have written those into the working tree), files 0644 and folders
# 0755, LICENSE added, and the version written into app.conf ([id] and
# [launcher] version; [install] build = the commit time) and app.manifest
# (info.id.version).
stage_addon() {
	local stage=$1 ver=$2 src=packaging/splunk f
	rm -rf "${stage:?}/$ADDON"
	mkdir -p "$stage"
	(cd "$src" && find "$ADDON" \( -name '.*' -o -name '__MACOSX' -o -path "$ADDON/local" \
		-o -path "$ADDON/users" -o -path "$ADDON/metadata/local.meta" \) -prune -o -type f -print) |
		while IFS= read -r f; do
			mkdir -p "$stage/$(dirname "$f")"
			cp "$src/$f" "$stage/$f"
		done
	cp LICENSE "$stage/$ADDON/LICENSE"
	sed -i -E -e "s/^version = .*/version = $ver/" -e "s/^build = .*/build = $SOURCE_DATE_EPOCH/" \
		"$stage/$ADDON/default/app.conf"
	sed -i -E "0,/\"version\": \"[^\"]*\"/s//\"version\": \"$ver\"/" "$stage/$ADDON/app.manifest"
	find "$stage/$ADDON" -type d -exec chmod 0755 {} +
	find "$stage/$ADDON" -type f -exec chmod 0644 {} +
}

# build_addon stages the add-on under STAGE and packs it into
# $DIST/TA-serfwd-<addon version>.tgz: one top folder, paths without "./",
# entries sorted, owner root, times = SOURCE_DATE_EPOCH, gzip without a name
# or time, so that the same commit always gives the same bytes.
build_addon() {
	local stage=$1 ver out
	if ! tar --version 2>/dev/null | grep -q 'GNU tar'; then
		echo "build.sh: GNU tar is needed to pack the Splunk add-on reproducibly" >&2
		exit 1
	fi
	ver=$(addon_version "$VERSION")
	stage_addon "$stage" "$ver"
	out=$DIST/$ADDON-$ver.tgz
	mkdir -p "$DIST"
	tar --format=ustar --sort=name --owner=0 --group=0 --numeric-owner \
		--mtime="@$SOURCE_DATE_EPOCH" -C "$stage" -cf - "$ADDON" | gzip -n -9 >"$out.tmp"
	mv "$out.tmp" "$out"
	echo "build.sh: built $out"
}
# ---------------------------------------------------------------------------

raw=${VERSION:-$(git_version)}
VERSION=$(package_version "${raw:-0.0.0-dev}")
case ${1:-} in
version)
	echo "$VERSION"
	exit 0
	;;
addon-version)
	addon_version "$VERSION"
	exit 0
	;;
esac
if [[ $# -gt 1 || ( $# -eq 1 && $1 != addon && $1 != maintainer ) ]]; then
	echo "usage: $0 [version|addon|addon-version|maintainer]" >&2
	exit 2
fi

COMMIT=${COMMIT:-$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)}
GOARCH=${GOARCH:-amd64}
# Reproducible file times: the commit's time when there is one.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
DIST=${DIST:-dist}
SERFWD_STAGE=$DIST/.stage-$GOARCH
MAINTAINER=${MAINTAINER:-serfwd maintainers <maintainers@serfwd.example>}
export VERSION GOARCH SOURCE_DATE_EPOCH SERFWD_STAGE MAINTAINER
if [[ ${1:-} == maintainer ]]; then
	echo "$MAINTAINER"
	exit 0
fi

if [[ ${1:-} == addon ]]; then
	build_addon "$DIST/.stage-addon"
	rm -rf "$DIST/.stage-addon"
	exit 0
fi

echo "build.sh: serfwd $VERSION (commit $COMMIT) for linux/$GOARCH"
rm -rf "$SERFWD_STAGE"
mkdir -p "$SERFWD_STAGE"
CGO_ENABLED=0 GOOS=linux go build -trimpath \
	-ldflags "-s -w -X main.version=$VERSION -X main.commit=$COMMIT" \
	-o "$SERFWD_STAGE/serfwd" ./cmd/serfwd
if [[ -f README.md ]]; then
	cp README.md "$SERFWD_STAGE/README.md"
else
	cp packaging/README.md "$SERFWD_STAGE/README.md"
fi

# The add-on, staged where nfpm.yaml takes it for /usr/share/serfwd/splunk.
build_addon "$SERFWD_STAGE/splunk"

# Tools that run during the build run on this machine, whatever GOARCH the
# package is for.
host_go() { GOOS= GOARCH= CGO_ENABLED=0 go "$@"; }

# --- step: the man page serfwd(1), rendered from serfwd's own help ---------
host_go run -ldflags "-X main.version=$VERSION" ./cmd/serfwd help --man | gzip -9n >"$SERFWD_STAGE/serfwd.1.gz"

# --- step: the copyright file (DEP-5) of the binary and what it links in ---
host_go run ./packaging/debcopyright -binary "$SERFWD_STAGE/serfwd" -head packaging/deb/copyright >"$SERFWD_STAGE/copyright"

# --- step: the Debian changelog: this version, with the commits since the
# last tag (at most 30) -----------------------------------------------------
changelog() {
	printf 'serfwd (%s) unstable; urgency=medium\n\n' "$VERSION"
	printf '  * Built from commit %s.\n' "$COMMIT"
	local since
	since=$(git describe --tags --abbrev=0 2>/dev/null || true)
	git log --no-merges -n 30 --format='%s' ${since:+"$since..HEAD"} 2>/dev/null |
		while IFS= read -r subject; do
			printf '  * %s\n' "$subject" | fold -s -w 76 | sed '2,$s/^/    /'
		done || true # no history outside git
	printf '\n -- %s  %s\n' "$MAINTAINER" "$(date -u -R -d "@$SOURCE_DATE_EPOCH")"
}
changelog | gzip -9n >"$SERFWD_STAGE/changelog.gz"

# nfpm itself is built for this machine, whatever GOARCH the package is for.
nfpm() { host_go run "$NFPM" "$@"; }
for pkg in deb rpm; do
	out=$DIST/serfwd_${VERSION}_${GOARCH}.$pkg
	rm -f "$out"
	nfpm package --config packaging/nfpm.yaml --packager "$pkg" --target "$out"
done
rm -rf "$SERFWD_STAGE"
echo "build.sh: built $DIST/serfwd_${VERSION}_${GOARCH}.deb and .rpm"
