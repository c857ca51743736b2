// The report/summary request: token, GET with the window, 401 handling,
// status checks and streaming decode under the body cap.

package serapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/hashicorp/go-retryablehttp"
	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/httpx"
	"github.com/serfwd/serfwd/pkg/redact"
)

// Report fetches and decodes the summary of window w into memory (see
// Stream, which it uses, for what is retried and which errors come back).
func (c *Client) Report(ctx context.Context, w Window) (*Report, error) {
	col := &collector{rep: &Report{}}
	if err := c.Stream(ctx, w, col); err != nil {
		return nil, err
	}
	return col.rep, nil
}

// Stream fetches the summary of window w and hands its records to h as
// they are decoded (DecodeStream). 429, 5xx and network errors are retried
// by the transport; a 401 leads to one fresh token and one more try; a 200
// whose body is not a report (*BodyError) is fetched again a few times,
// after h.Restart. Other answers give a *StatusError, a redirect a
// *httpx.RedirectError, a record that cannot be read or past a limit of
// SPEC §1 a *FieldError, an answer past max_body_bytes an error matching
// ErrBodyTooLarge. Errors say which request failed and how, not the window:
// the caller names it. An error of h ends the fetch and comes back as it is.
func (c *Client) Stream(ctx context.Context, w Window, h StreamHandler) error {
	ctx, leave := c.enter(ctx)
	defer leave()
	return c.explain(ctx, c.stream(ctx, w, h))
}

// stream is Stream under the one-shot deadline.
func (c *Client) stream(ctx context.Context, w Window, h StreamHandler) error {
	refreshes := 0
	for attempt := 0; ; attempt++ {
		err := c.fetchReport(ctx, w, &refreshes, h)
		var berr *BodyError
		if err == nil || !errors.As(err, &berr) || attempt >= c.opts.BodyRetries || ctx.Err() != nil {
			return err
		}
		logAttempt := c.log.Warn
		if c.opts.FailFast {
			logAttempt = c.log.Debug // the caller reports the outcome
		}
		logAttempt("report body unusable, fetching the window again",
			zap.Stringer("window", w), zap.Int("attempt", attempt+1), zap.Error(err))
		if err := sleepOrWake(ctx, jitteredBackoff(c.opts.RetryWaitMin, c.opts.RetryWaitMax, attempt), nil); err != nil {
			return err
		}
		if err := h.Restart(); err != nil {
			return err
		}
	}
}

// fetchReport makes one report request, and after a 401 asks for a newer
// token and tries again. The API's 401 is final for a token fetched for
// the window that it refused at once; a token it refused only after
// earlier attempts of the request had failed may have expired while they
// were retried (the API's lifetime can be shorter than it said), so a
// newer one is fetched again, up to maxRefreshes for the window. A newer
// token that another request fetched meanwhile does not count (refreshes
// counts the fetches over the window's tries).
func (c *Client) fetchReport(ctx context.Context, w Window, refreshes *int, h StreamHandler) error {
	tok, err := c.tokens.get(ctx, false, "")
	if err != nil {
		return err
	}
	resp, failed, err := c.get(ctx, w, tok)
	if err != nil {
		return err
	}
	final := false // a 401 now is the API's last word
	for resp.StatusCode == http.StatusUnauthorized && !final && *refreshes < maxRefreshes {
		drainClose(resp.Body)
		c.log.Info("report request unauthorized; fetching a new token", zap.Stringer("window", w))
		before := c.tokens.fetches()
		if tok, err = c.tokens.get(ctx, true, tok); err != nil {
			return err
		}
		fetched := c.tokens.fetches() != before
		if fetched {
			*refreshes++
		}
		if resp, failed, err = c.get(ctx, w, tok); err != nil {
			return err
		}
		final = fetched && failed == 0
	}
	defer drainClose(resp.Body)
	switch code := resp.StatusCode; {
	case code == http.StatusUnauthorized:
		return fmt.Errorf("requesting report: %w", ErrUnauthorized)
	case code < 200 || code > 299:
		serr := &StatusError{Code: code, Host: resp.Request.URL.Host, Prefix: c.redactor(tok).Excerpt(readPrefix(resp.Body))}
		return fmt.Errorf("requesting report: %w", serr)
	}
	return c.decodeBody(resp.Body, w, tok, h)
}

// maxRefreshes bounds the tokens fetched for one window after a 401.
const maxRefreshes = 3

// get sends the report request for w with the given token, and tells how
// many attempts failed before the answer.
func (c *Client) get(ctx context.Context, w Window, tok string) (*http.Response, int, error) {
	u := *c.reportURL
	u.RawQuery = "startTimeStamp=" + FormatTime(w.Start) + "&endTimeStamp=" + FormatTime(w.End)
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, 0, fmt.Errorf("requesting report: %w", err)
	}
	req.Header.Set("Authorization", bearer(tok))
	req.Header.Set("Accept", "application/json")
	resp, failed, err := doCounting(c.http, req)
	if err != nil {
		return nil, 0, fmt.Errorf("requesting report: %w", redirectHint(err, "api_url"))
	}
	return resp, failed, nil
}

// decodeBody stream-decodes an answer under max_body_bytes, counted on
// decoded bytes, into h; the secret and tok are kept out of the quoted body
// prefix.
func (c *Client) decodeBody(body io.Reader, w Window, tok string, h StreamHandler) error {
	rec := &prefixRecorder{r: httpx.LimitReader(body, c.maxBody, "max_body_bytes")}
	herr := &handlerError{h: h}
	err := decodeStream(rec, herr, c.redactor(tok))
	var ferr *FieldError
	switch {
	case err == nil:
		return nil
	case herr.err != nil && err == herr.err:
		return err // the handler's own, as it is
	case errors.Is(err, httpx.ErrTooLarge):
		return fmt.Errorf("reading report: %w", err)
	case errors.As(err, &ferr):
		return fmt.Errorf("decoding report: %w", err)
	}
	return &BodyError{Window: w, Prefix: c.redactor(tok).Excerpt(rec.prefix), Err: err}
}

// redactor knows the client secret and the token of a request, for the
// body excerpts its errors quote.
func (c *Client) redactor(tok string) *redact.Redactor {
	return redact.New(c.tokens.clientSecret, tok)
}
