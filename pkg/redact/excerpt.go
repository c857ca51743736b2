// Short, printable, redacted quotes of what a peer sent.

package redact

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxQuote is the most bytes of a peer's body or value that a log line or
// an error quotes (SPEC §1).
const MaxQuote = 256

// ExcerptSource is how many leading bytes to keep of a body that Excerpt
// will quote: more than MaxQuote, so that a secret starting inside the
// quoted part is whole when it is redacted, before the cut.
const ExcerptSource = 4 << 10

// Excerpt returns the start of b fit to quote in a message: secrets
// redacted, then every character that is not printable (or not valid UTF-8)
// shown as '.', then cut to at most MaxQuote bytes on a character boundary
// with "…" marking the cut. Redacting before cutting means a secret that
// the cut would split is already gone. A b of ExcerptSource bytes or more
// was cut here or by the caller: the start of a secret that the cut split
// is dropped from its end, as redacting shortens what comes before it.
func (r *Redactor) Excerpt(b []byte) string {
	split := len(b) >= ExcerptSource
	if split {
		b = b[:ExcerptSource]
	}
	red := r.String(string(b))
	if split {
		red = r.trimSplit(red)
	}
	s := strings.Map(func(c rune) rune {
		if c == utf8.RuneError || !unicode.IsPrint(c) {
			return '.'
		}
		return c
	}, red)
	if len(s) <= MaxQuote {
		return s
	}
	cut := MaxQuote
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// trimSplit drops from the end of s the longest start of a form of a
// secret.
func (r *Redactor) trimSplit(s string) string {
	if r == nil {
		return s
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	end := len(s)
	for _, f := range r.forms {
		for i := max(len(s)-len(f.text)+1, 0); i < end; i++ {
			if strings.HasPrefix(f.text, s[i:]) {
				end = i
				break
			}
		}
	}
	return s[:end]
}

// Quote is Excerpt for a string value.
func (r *Redactor) Quote(s string) string {
	if len(s) > ExcerptSource {
		s = s[:ExcerptSource]
	}
	return r.Excerpt([]byte(s))
}

// Quote is Redactor.Quote without secrets to remove: a peer's value made
// printable and cut to MaxQuote bytes, for messages that quote what a peer
// sent (a value that is not a number, a header) where no secret is known.
func Quote(s string) string { return (*Redactor)(nil).Quote(s) }
