#!/bin/sh
# serfwd postinstall (deb postinst, rpm %post): make systemd see the unit.
# Never enables or starts serfwd: the operator configures it first. An
# upgrade restarts a service that was running, so it runs the new binary.
# Arguments: deb "configure [OLD_VERSION]"; rpm 1 = install, 2 or more = upgrade.
# SERFWD_SYSTEMD_RUNDIR stands in for /run/systemd/system in tests.
set -e

upgrade=""
case "${1:-}" in
configure) if [ -n "${2:-}" ]; then upgrade=1; fi ;;
[2-9] | [1-9][0-9]*) upgrade=1 ;;
esac

if [ -d "${SERFWD_SYSTEMD_RUNDIR:-/run/systemd/system}" ]; then
	systemctl daemon-reload >/dev/null 2>&1 || true
	if [ -n "$upgrade" ]; then
		systemctl try-restart serfwd.service >/dev/null 2>&1 || true
	fi
fi

if [ -z "$upgrade" ] && { [ "${1:-}" = configure ] || [ "${1:-}" = 1 ]; }; then
	cat <<'MSG'
serfwd is installed but not started. Next:
  1. edit /etc/serfwd/serfwd.yaml: inputs and sinks (delete the example
     sinks you do not use: check tests every sink), no secrets
  2. one file per secret in /etc/serfwd/credentials/ (root only): the SER
     client secret in acme.secret, the HEC token in splunk.token; and
     SER_CLIENT_ID=... in /etc/serfwd/serfwd.env (chmod 600)
  3. check it as the service will read it:
     serfwd validate --env-file /etc/serfwd/serfwd.env --credentials /etc/serfwd/credentials
     serfwd check --env-file /etc/serfwd/serfwd.env --credentials /etc/serfwd/credentials
  4. systemctl enable --now serfwd; journalctl -u serfwd
  See man serfwd and /usr/share/doc/serfwd/.
MSG
fi
exit 0
