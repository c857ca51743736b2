// The encoded forms of a secret that the Redactor looks for.

package redact

import (
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"
)

// minDerivedLen is the shortest encoded form worth replacing: shorter
// pieces (the base64 core of a one- or two-byte secret) would blank out
// ordinary text and reveal next to nothing.
const minDerivedLen = 4

// form is one string to replace. A base64 core may be flanked by a
// character that mixes a few bits of the secret with its neighbours' bits:
// left and right say whether the character before and after it is replaced
// too (with any '=' padding that follows).
type form struct {
	text        string
	left, right bool
}

// formsOf returns every form of secret, longest first.
func formsOf(secret string) []form {
	seen := map[string]bool{}
	var out []form
	add := func(f form) {
		if f.text == "" || seen[f.text] || (f.text != secret && len(f.text) < minDerivedLen) {
			return
		}
		seen[f.text] = true
		out = append(out, f)
	}
	// A form body (client_secret=…) is URL-encoded, and a peer may echo it
	// base64-encoded: the base64 of the URL forms is covered too.
	for _, t := range append([]string{secret}, urlForms(secret)...) {
		add(form{text: t})
		for _, q := range quotedForms(t) {
			add(form{text: q})
		}
		for _, f := range base64Cores(t) {
			add(f)
		}
	}
	sortForms(out)
	return out
}

// urlForms are the percent-encodings a form body, a query or a path may
// carry: Go's query and path escaping, strict RFC 3986 escaping (space as
// %20), JavaScript's encodeURIComponent, each with upper- and lowercase hex
// digits.
func urlForms(s string) []string {
	var out []string
	for _, e := range []string{url.QueryEscape(s), url.PathEscape(s), escapeWith(s, "-_.~"), escapeWith(s, "-_.~!*'()")} {
		out = append(out, e, lowerHex(e))
	}
	return out
}

// escapeWith percent-encodes every byte of s except letters, digits and
// the bytes of keep.
func escapeWith(s, keep string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte(keep, c) >= 0:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// lowerHex lowercases the hex digits of every %XX escape.
func lowerHex(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1], b[i+2] = lowerASCII(b[i+1]), lowerASCII(b[i+2])
		}
	}
	return string(b)
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// quotedForms are the insides of JSON strings as different encoders write
// them (HTML-safe or not, "\/" or "/", \u escapes for non-ASCII, lower- or
// uppercase hex) and of Go's %q.
func quotedForms(s string) []string {
	var out []string
	for _, o := range []jsonOpts{{}, {html: true}, {slash: true}, {html: true, slash: true}, {ascii: true}, {ascii: true, html: true}} {
		out = append(out, jsonEscape(s, o), jsonEscape(s, jsonOpts{html: o.html, slash: o.slash, ascii: o.ascii, upper: true}))
	}
	for _, q := range []string{strconv.Quote(s), strconv.QuoteToASCII(s)} {
		out = append(out, q[1:len(q)-1])
	}
	return out
}

type jsonOpts struct{ html, slash, ascii, upper bool }

// jsonEscape writes s as the inside of a JSON string.
func jsonEscape(s string, o jsonOpts) string {
	hex := "0123456789abcdef"
	if o.upper {
		hex = "0123456789ABCDEF"
	}
	u := func(b *strings.Builder, r rune) {
		b.WriteString(`\u`)
		for shift := 12; shift >= 0; shift -= 4 {
			b.WriteByte(hex[(r>>shift)&15])
		}
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20, o.html && (r == '<' || r == '>' || r == '&'), r == 0x2028 || r == 0x2029:
			u(&b, r)
		case o.slash && r == '/':
			b.WriteString(`\/`)
		case o.ascii && r > 0x7e:
			if r > 0xffff {
				r1, r2 := utf16Pair(r)
				u(&b, r1)
				u(&b, r2)
			} else {
				u(&b, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// utf16Pair splits a rune above U+FFFF into its surrogate pair.
func utf16Pair(r rune) (rune, rune) {
	r -= 0x10000
	return 0xd800 + (r>>10)&0x3ff, 0xdc00 + r&0x3ff
}

// base64Cores returns, for the standard and URL alphabets and each of the
// three byte offsets at which the secret may start inside a longer encoded
// string (e.g. "client:secret" in a Basic header), the characters that
// encode only bits of the secret. They do not depend on the bytes around
// it, so they are the same in every encoding of a text that holds it; the
// characters on either side that hold some of its bits are marked.
func base64Cores(secret string) []form {
	var out []form
	n := len(secret)
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		for pad := range 3 {
			buf := make([]byte, pad+n+2)
			copy(buf[pad:], secret)
			e := enc.EncodeToString(buf)
			start, end := (8*pad+5)/6, 8*(pad+n)/6
			if end > start {
				out = append(out, form{text: e[start:end], left: 8*pad%6 != 0, right: 8*(pad+n)%6 != 0})
			}
		}
	}
	return out
}

// isBase64Char reports a character of either base64 alphabet.
func isBase64Char(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '+' || c == '/' || c == '-' || c == '_'
}
