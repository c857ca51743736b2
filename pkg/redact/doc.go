// Package redact keeps secrets out of everything serfwd prints: log lines,
// the errors commands print, the `check` table, `validate` and `status`. A
// Redactor knows a set of secrets (Collect finds every one in a loaded
// config) and replaces each of them, in every form in which a peer or a
// library may echo it, by [REDACTED]: as it is, URL/form-encoded (query and
// path escaping, upper- and lowercase hex), JSON- or Go-quoted, and base64
// (standard and URL alphabets, padded or not, at any byte offset inside a
// longer encoded string). It also removes the userinfo of any URL in the
// text. Excerpt cuts a peer's body or value to a short printable quote
// after redacting it.
package redact
