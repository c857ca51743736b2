#!/usr/bin/env bash
# build.sh builds serfwd's Linux packages: dist/serfwd_<version>_<arch>.deb and
# .rpm, with nfpm pinned below and run through the Go toolchain (the module
# proxy serves it; nothing is downloaded by hand). Works from any directory.
#
#   packaging/build.sh            build both packages
#   packaging/build.sh version    print the package version and exit
#
# Environment: GOARCH (default amd64), VERSION (default: git describe, made
# valid for deb and rpm), COMMIT (default: git's short HEAD), DIST (the
# output folder, default dist/ in the repository), MAINTAINER (the packages'
# "Name <email>", default: the author of the commit built).
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

raw=${VERSION:-$(git_version)}
VERSION=$(package_version "${raw:-0.0.0-dev}")
if [[ ${1:-} == version ]]; then
	echo "$VERSION"
	exit 0
fi
if [[ $# -gt 0 ]]; then
	echo "usage: $0 [version]" >&2
	exit 2
fi

COMMIT=${COMMIT:-$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)}
GOARCH=${GOARCH:-amd64}
# Reproducible file times: the commit's time when there is one.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
DIST=${DIST:-dist}
SERFWD_STAGE=$DIST/.stage-$GOARCH
MAINTAINER=${MAINTAINER:-$(git log -1 --format='%an <%ae>' 2>/dev/null || true)}
MAINTAINER=${MAINTAINER:-serfwd maintainers <serfwd@users.noreply.github.com>}
export VERSION GOARCH SOURCE_DATE_EPOCH SERFWD_STAGE MAINTAINER

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
