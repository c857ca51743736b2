// Keeping secrets out of what commands print: URLs lose their userinfo and
// query values, and any configured secret in a message is replaced.

package main

import (
	"regexp"
	"strings"

	"github.com/serfwd/serfwd/pkg/config"
)

const redacted = "[REDACTED]"

// userinfoRE matches the userinfo of a URL inside free text.
var userinfoRE = regexp.MustCompile(`([a-zA-Z][a-zA-Z0-9+.-]*://)[^/\s@]+@`)

// redactURL renders raw without userinfo and query values, which may carry
// credentials. Text that does not parse as a URL is scrubbed of userinfo.
func redactURL(raw string) string { return config.RedactURL(raw) }

// newScrubber returns a function that removes every secret of cfg (every
// config.Secret, in inputs and in every sink's settings, and the userinfo of
// every configured URL: cfg.Secrets) from a message, and the userinfo of any
// URL in it.
func newScrubber(cfg *config.Config) func(string) string {
	secrets := cfg.Secrets()
	return func(s string) string {
		s = userinfoRE.ReplaceAllString(s, "${1}"+redacted+"@")
		for _, sec := range secrets {
			if sec != "" {
				s = strings.ReplaceAll(s, sec, redacted)
			}
		}
		return s
	}
}
