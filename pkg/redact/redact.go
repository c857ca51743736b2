// The Redactor: a set of secrets and the replacement of their forms in text.

package redact

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Marker replaces every secret.
const Marker = "[REDACTED]"

// MinSecretLen is the length below which a value is not redacted: it
// cannot be told from ordinary text (a simulator's client secret "x" would
// blank out every x), and a real credential is far longer.
const MinSecretLen = 6

// userinfoRE matches the userinfo of a URL inside free text.
var userinfoRE = regexp.MustCompile(`([a-zA-Z][a-zA-Z0-9+.-]*://)[^/\s@"'<>]+@`)

// Redactor replaces known secrets in text. It is safe for concurrent use;
// secrets may be added while it is in use. The zero value and nil know no
// secret and still remove URL userinfo.
type Redactor struct {
	mu      sync.RWMutex
	secrets map[string]bool
	forms   []form // of every secret, longest first
}

// New returns a Redactor that knows secrets (those shorter than
// MinSecretLen are ignored).
func New(secrets ...string) *Redactor {
	r := &Redactor{}
	r.Add(secrets...)
	return r
}

// Add teaches r more secrets; those shorter than MinSecretLen are ignored.
func (r *Redactor) Add(secrets ...string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	changed := false
	for _, s := range secrets {
		if len(s) < MinSecretLen || r.secrets[s] {
			continue
		}
		if r.secrets == nil {
			r.secrets = map[string]bool{}
		}
		r.secrets[s] = true
		r.forms = append(r.forms, formsOf(s)...)
		changed = true
	}
	if changed {
		sortForms(r.forms)
	}
}

// String returns s with every form of every secret and the userinfo of
// every URL replaced by Marker.
func (r *Redactor) String(s string) string {
	if strings.Contains(s, "://") {
		s = userinfoRE.ReplaceAllString(s, "${1}"+Marker+"@")
	}
	if r == nil {
		return s
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, f := range r.forms {
		if strings.Contains(s, f.text) {
			s = replace(s, f)
		}
	}
	return s
}

// Bytes is String for a byte slice; b is returned unchanged (not copied)
// when it holds nothing to redact.
func (r *Redactor) Bytes(b []byte) []byte {
	if !r.mayHold(b) {
		return b
	}
	return []byte(r.String(string(b)))
}

// mayHold reports whether b contains a URL or any form of a secret.
func (r *Redactor) mayHold(b []byte) bool {
	if bytes.Contains(b, []byte("://")) {
		return true
	}
	if r == nil {
		return false
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, f := range r.forms {
		if bytes.Contains(b, []byte(f.text)) {
			return true
		}
	}
	return false
}

// replace replaces every occurrence of f in s; a base64 core takes the
// characters that hold some of its bits (and any '=' padding) with it.
func replace(s string, f form) string {
	if !f.left && !f.right {
		return strings.ReplaceAll(s, f.text, Marker)
	}
	var b strings.Builder
	for {
		i := strings.Index(s, f.text)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		start, end := i, i+len(f.text)
		if f.left && start > 0 && isBase64Char(s[start-1]) {
			start--
		}
		if f.right && end < len(s) && isBase64Char(s[end]) {
			end++
		}
		for f.right && end < len(s) && s[end] == '=' {
			end++
		}
		b.WriteString(s[:start])
		b.WriteString(Marker)
		s = s[end:]
	}
}

// sortForms orders forms longest first, so that a form is replaced before
// any shorter one it contains.
func sortForms(fs []form) {
	slices.SortStableFunc(fs, func(a, b form) int { return len(b.text) - len(a.text) })
}

// Format keeps the secrets a Redactor holds out of fmt, whatever the verb
// and however deep in a printed value it sits.
func (r *Redactor) Format(f fmt.State, _ rune) {
	n := 0
	if r != nil {
		r.mu.RLock()
		n = len(r.secrets)
		r.mu.RUnlock()
	}
	fmt.Fprintf(f, "redact.Redactor(%d secrets)", n)
}
