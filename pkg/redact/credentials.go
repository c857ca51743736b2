// The parts of an authorization-shaped secret that a peer may echo on
// their own: the credential after "Bearer " or "Basic ", and the decoded
// user:password of a Basic credential with its password.

package redact

import (
	"encoding/base64"
	"strings"
)

// Credentials returns secret and, when it has the shape of an HTTP
// authorization value ("<scheme> <credential>": Bearer, Basic, ApiKey,
// Splunk …), its credential alone; for Basic also the decoded
// "user:password" and the password. A receiver that echoes only the token,
// or decodes a Basic header in an error message, is then redacted as well.
func Credentials(secret string) []string {
	out := []string{secret}
	scheme, cred, ok := authorization(secret)
	if !ok {
		return out
	}
	out = append(out, cred)
	if !strings.EqualFold(scheme, "basic") {
		return out
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		raw, err := enc.DecodeString(cred)
		if err != nil {
			continue
		}
		out = append(out, string(raw))
		if _, pw, ok := strings.Cut(string(raw), ":"); ok && pw != "" {
			out = append(out, pw)
		}
		break
	}
	return out
}

// authorization splits s as "<scheme> <credential>": a scheme token (a
// letter, then letters, digits, '-', '_' or '.'), spaces, and a credential
// without spaces.
func authorization(s string) (scheme, cred string, ok bool) {
	scheme, cred, ok = strings.Cut(strings.TrimSpace(s), " ")
	cred = strings.TrimSpace(cred)
	if !ok || cred == "" || strings.ContainsAny(cred, " \t") || !isToken(scheme) {
		return "", "", false
	}
	return scheme, cred, true
}

func isToken(s string) bool {
	if s == "" || !(s[0] >= 'A' && s[0] <= 'Z' || s[0] >= 'a' && s[0] <= 'z') {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}
