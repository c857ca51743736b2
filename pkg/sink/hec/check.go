// check.go implements sink.Checker for `serfwd check`: the HEC health
// endpoint, then a harmless request that tells whether the token is accepted.

package hec

import (
	"context"
	"fmt"
	"net/http"
)

// Check reports whether HEC is healthy and accepts the token. It sends no
// events: the token is tried with an empty request, which Splunk answers with
// 400 code 5 ("No data") when the token is good.
func (s *Sink) Check(ctx context.Context) error {
	if err := s.checkHealth(ctx); err != nil {
		return err
	}
	return s.checkToken(ctx)
}

// checkHealth asks /services/collector/health.
func (s *Sink) checkHealth(ctx context.Context) error {
	hr, err := http.NewRequestWithContext(ctx, http.MethodGet, s.opt.base+pathHealth, nil)
	if err != nil {
		return fmt.Errorf("building hec health request: %w", err)
	}
	hr.Header.Set("User-Agent", "serfwd/"+s.set.Version)
	resp, err := s.client.Do(hr)
	if err != nil {
		return s.transportError(ctx, pathHealth, err)
	}
	defer resp.Body.Close()
	a := s.readAnswer(resp)
	switch a.status {
	case http.StatusOK:
		return nil
	case http.StatusServiceUnavailable:
		return fmt.Errorf("splunk hec at %s is unhealthy: %s", s.opt.base, a)
	}
	return s.errorf(pathHealth, a)
}

// checkToken posts an empty body to the event endpoint.
func (s *Sink) checkToken(ctx context.Context) error {
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, s.opt.base+pathEvent, http.NoBody)
	if err != nil {
		return fmt.Errorf("building hec token check: %w", err)
	}
	resp, err := s.do(hr)
	if err != nil {
		return fmt.Errorf("token check: %w", s.transportError(ctx, pathEvent, err))
	}
	defer resp.Body.Close()
	a := s.readAnswer(resp)
	switch {
	case a.status == http.StatusBadRequest && a.code() == codeNoData:
		return nil // token accepted; nothing to index
	case a.status == http.StatusOK && a.code() == codeSuccess:
		return nil
	case classify(a) == misconfig:
		return fmt.Errorf("token check: %w", s.configError(pathEvent, a))
	}
	return fmt.Errorf("token check: %w", s.errorf(pathEvent, a))
}
