// Package httpx builds the HTTP client of every serfwd component that talks
// HTTP — the SER client (token and report), the HEC sink, the OTLP sink —
// so that what SPEC §1 asks of all of them holds in one place:
//
//   - A redirect is never followed: a 3xx answer becomes a *RedirectError
//     that names the status and the target's scheme://host, and no request
//     ever goes to the Location.
//   - Answers are requested without content coding (Accept-Encoding:
//     identity, the transport's transparent gzip off); one that comes gzip-
//     or deflate-coded anyway is inflated as it is read, so that a limit
//     applied with LimitReader counts decoded bytes and a compression bomb
//     stops at the limit. Other codings are an error.
//   - Response headers are capped at 64 KiB.
//
// TLS comes from config.TLS.ClientConfig, the proxy from the config or the
// environment; timeouts and connection pool sizes are options.
package httpx
