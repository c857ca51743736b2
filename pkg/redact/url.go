// Rendering a configured URL without what may carry credentials.

package redact

import (
	"net/url"
	"strings"
)

// URL renders raw without userinfo and with every query value replaced by
// Marker: either may carry credentials. Text that does not parse as a URL
// only loses the userinfo of any URL in it.
func URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return (*Redactor)(nil).String(raw)
	}
	if u.User != nil {
		u.User = url.User(Marker)
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			q[k] = []string{Marker}
		}
		u.RawQuery = q.Encode()
	}
	return strings.ReplaceAll(u.String(), url.QueryEscape(Marker), Marker)
}
