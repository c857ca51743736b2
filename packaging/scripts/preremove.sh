#!/bin/sh
# serfwd preremove (deb prerm, rpm %preun): stop and disable the service when
# the package is removed, not when it is upgraded.
# Arguments: deb "remove" (or upgrade, deconfigure, failed-upgrade); rpm 0 =
# erase, 1 = upgrade. SERFWD_SYSTEMD_RUNDIR stands in for /run/systemd/system in tests.
set -e

case "${1:-}" in
remove | 0)
	if [ -d "${SERFWD_SYSTEMD_RUNDIR:-/run/systemd/system}" ]; then
		systemctl --no-reload disable --now serfwd.service >/dev/null 2>&1 || true
	fi
	;;
esac
exit 0
