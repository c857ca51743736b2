#!/bin/sh
# serfwd postremove (deb postrm, rpm %postun): make systemd forget the unit.
# A deb purge also deletes the state directory (cursors and undelivered
# queues); /var/log/serfwd (a file sink's archive) and the secrets the
# operator put in /etc/serfwd are left alone. Paths are under $DPKG_ROOT,
# as dpkg --root sets it.
# Arguments: deb "remove|purge|upgrade|..."; rpm 0 = erase, 1 = upgrade.
# SERFWD_SYSTEMD_RUNDIR stands in for /run/systemd/system in tests.
set -e

if [ -d "${SERFWD_SYSTEMD_RUNDIR:-/run/systemd/system}" ]; then
	systemctl daemon-reload >/dev/null 2>&1 || true
fi

if [ "${1:-}" = purge ]; then
	root=${DPKG_ROOT:-}
	rm -rf "$root/var/lib/serfwd" "$root/var/lib/private/serfwd"
	rmdir "$root/etc/serfwd" 2>/dev/null || true
fi
exit 0
