// Package packaging holds no code: its tests check the files that ship serfwd
// to hosts — the systemd unit (systemd-analyze verify and security), the
// .deb and .rpm that build.sh makes with nfpm, the maintainer scripts, and
// the Splunk add-on (the dist/TA-serfwd-<version>.tgz that build.sh packs,
// every .conf, dashboard and search in it) and the QRadar property list.
// See README.md.
package packaging
