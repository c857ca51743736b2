#!/bin/sh
# peers.sh installs the syslog receivers that pkg/sink/syslog's end-to-end
# tests start themselves: rsyslog with the gtls netstream driver, syslog-ng
# and the openssl CLI. It is idempotent: when everything is present it does
# nothing. CI runs it as root; as another user it only reports what is missing.
# It also installs the tools packaging/'s tests use: systemd-analyze (systemd),
# dpkg-deb (dpkg), rpm, strace and lintian, and syslog-ng's http() module
# (syslog-ng-mod-http), the peer of packaging/bench.sh's throughput row, and
# kcat for the Kafka consumer example of the README.
#
# Debian's rsyslog and syslog-ng-core packages conflict (both provide
# system-log-daemon), so they cannot both be installed with apt. rsyslog is
# installed as a package; syslog-ng-core's dependencies are installed as
# packages, and syslog-ng-core itself is unpacked into $SNG_PREFIX with a
# wrapper at /usr/local/bin/syslog-ng that points it at its own libraries and
# modules; syslog-ng-mod-http is unpacked into the same prefix. Where syslog-ng
# can be installed normally (no rsyslog package), it is.
#
# Installing must not leave a system syslog daemon running (it would hold
# ports and /dev/log): service starts are denied with policy-rc.d while
# installing, and a daemon that was started anyway is stopped by its pid file.
set -eu

SNG_PREFIX=/opt/serfwd-peers/syslog-ng
SNG_WRAPPER=/usr/local/bin/syslog-ng
SNG_DEPS="libcap2 libglib2.0-0 libivykis0 libjson-c5 libnet1 libpcre3 libssl3 libsystemd0 libwrap0 libcurl4"

have_cmd() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]; }

have_gtls() {
	for d in /usr/lib/*/rsyslog /usr/lib/rsyslog /usr/lib64/rsyslog; do
		[ -f "$d/lmnsd_gtls.so" ] && return 0
	done
	return 1
}

# have_sng_http tells whether syslog-ng's http() module (libhttp.so) is
# installed, unpacked or as a package.
have_sng_http() {
	for d in "$SNG_PREFIX"/usr/lib/syslog-ng/* /usr/lib/syslog-ng/* /usr/lib/*/syslog-ng/*; do
		[ -f "$d/libhttp.so" ] && return 0
	done
	return 1
}

# unpack_sng PKG downloads the Debian package PKG and unpacks it into
# $SNG_PREFIX.
unpack_sng() {
	tmp=$(mktemp -d)
	chmod 0755 "$tmp"
	chown _apt "$tmp" 2>/dev/null || true
	(cd "$tmp" && apt-get download "$1")
	mkdir -p "$SNG_PREFIX"
	dpkg-deb -x "$tmp"/"$1"_*.deb "$SNG_PREFIX"
	rm -rf "$tmp"
	tmp=""
}

# apt_update runs apt-get update at most once for the whole script.
apt_updated=""
apt_update() {
	[ -n "$apt_updated" ] && return 0
	apt-get update
	apt_updated=1
}

# Tools for packaging/'s tests (none of them starts a service on install),
# and kcat, which runs the README's Kafka consumer example in
# pkg/sink/kafka's tests (against a kfake cluster the test starts).
pkg_missing=""
have_cmd systemd-analyze || pkg_missing="$pkg_missing systemd"
have_cmd dpkg-deb || pkg_missing="$pkg_missing dpkg"
have_cmd rpm || pkg_missing="$pkg_missing rpm"
have_cmd strace || pkg_missing="$pkg_missing strace"
have_cmd lintian || pkg_missing="$pkg_missing lintian"
have_cmd kcat || pkg_missing="$pkg_missing kcat"
if [ -z "$pkg_missing" ]; then
	echo "peers.sh: systemd-analyze, dpkg-deb, rpm, strace, lintian and kcat are present"
elif [ "$(id -u)" != 0 ]; then
	echo "peers.sh: missing:$pkg_missing (not root: not installing; the tests that need them skip, or fail when CI=true)" >&2
else
	echo "peers.sh: installing:$pkg_missing"
	apt_update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $pkg_missing
fi

missing=""
have_cmd rsyslogd || missing="$missing rsyslog"
have_gtls || missing="$missing rsyslog-gnutls"
have_cmd syslog-ng || missing="$missing syslog-ng-core"
have_sng_http || missing="$missing syslog-ng-mod-http"
have_cmd openssl || missing="$missing openssl"

if [ -z "$missing" ]; then
	echo "peers.sh: rsyslogd, rsyslog gtls, syslog-ng with its http module and openssl are present"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "peers.sh: missing:$missing (not root: not installing; the syslog end-to-end tests skip, or fail when CI=true)" >&2
	exit 0
fi
echo "peers.sh: installing:$missing"

policy=/usr/sbin/policy-rc.d
own_policy=""
tmp=""
cleanup() {
	[ -n "$own_policy" ] && rm -f "$policy"
	[ -n "$tmp" ] && rm -rf "$tmp"
	return 0
}
trap cleanup EXIT
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 0755 "$policy"
	own_policy=1
fi

export DEBIAN_FRONTEND=noninteractive
apt_update
apt-get install -y --no-install-recommends rsyslog rsyslog-gnutls openssl $SNG_DEPS

if ! have_cmd syslog-ng; then
	# Unpack syslog-ng-core beside rsyslog (see the note at the top).
	rm -rf "$SNG_PREFIX"
	unpack_sng syslog-ng-core
	mkdir -p "$(dirname "$SNG_WRAPPER")"
	cat >"$SNG_WRAPPER" <<WRAP
#!/bin/sh
# syslog-ng unpacked by .ci/peers.sh into $SNG_PREFIX (it conflicts with the rsyslog package).
LD_LIBRARY_PATH="$SNG_PREFIX/usr/lib/syslog-ng\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"
export LD_LIBRARY_PATH
exec "$SNG_PREFIX/usr/sbin/syslog-ng" --module-path="$SNG_PREFIX/usr/lib/syslog-ng/3.38" "\$@"
WRAP
	chmod 0755 "$SNG_WRAPPER"
fi

if ! have_sng_http; then
	if [ -x "$SNG_PREFIX/usr/sbin/syslog-ng" ]; then
		unpack_sng syslog-ng-mod-http
	else
		apt-get install -y --no-install-recommends syslog-ng-mod-http
	fi
fi

# Stop a system daemon that was started anyway.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
	systemctl disable --now rsyslog.service syslog-ng.service syslog.socket 2>/dev/null || true
fi
for pidfile in /run/rsyslogd.pid /var/run/rsyslogd.pid /run/syslog-ng.pid /var/run/syslog-ng.pid; do
	if [ -f "$pidfile" ]; then
		pid=$(cat "$pidfile" 2>/dev/null || true)
		if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi
	fi
done
"$SNG_WRAPPER" --version >/dev/null 2>&1 || have_cmd syslog-ng || { echo "peers.sh: syslog-ng does not run" >&2; exit 1; }
echo "peers.sh: done"
