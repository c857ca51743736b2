// How a sink that talks to a URL names its target: scheme, host and path,
// never the userinfo or query that may carry credentials.

package sink

import "net/url"

// URLTarget renders a configured URL as a Description.Target: scheme://host
// and its path, without userinfo, query or fragment. Text that does not
// parse as an absolute URL is "-".
func URLTarget(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "-"
	}
	t := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}
	return t.String()
}
