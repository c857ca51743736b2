// Package packaging holds no code: its tests check the files that ship serfwd
// to hosts — the systemd unit (systemd-analyze verify and security), the
// .deb and .rpm that build.sh makes with nfpm, the maintainer scripts, and
// the Splunk add-on (props.conf and the dashboard). See README.md.
package packaging
