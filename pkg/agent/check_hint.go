// The hint for Check when an https:// URL (an input's, an HTTP sink's
// target) meets a port that speaks plain HTTP. Sink kinds give their own
// advice in their Check errors (syslog: network: tls on a plain port).

package agent

import (
	"crypto/tls"
	"errors"
	"strings"
)

// tlsHint returns "; hint" for a check of target (a URL, or a sink's
// Description.Target) that failed with err, or "".
func tlsHint(target string, err error) string {
	var plain tls.RecordHeaderError
	if !strings.HasPrefix(target, "https://") {
		return ""
	}
	if errors.As(err, &plain) || strings.Contains(err.Error(), "server gave HTTP response to HTTPS client") {
		return "; the server answered in plain text: is https:// right for this port?"
	}
	return ""
}
