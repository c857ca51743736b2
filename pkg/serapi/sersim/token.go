// The OAuth client-credentials token endpoint and the tokens it has issued.

package sersim

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"math"
	"net/http"
	"strings"
	"time"
)

// issued is what the simulator remembers about a token.
type issued struct {
	client  string
	expires time.Time
}

// handleToken answers POST /v1/token.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request, req *Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		s.replyJSON(w, req, http.StatusMethodNotAllowed, errorBody("method_not_allowed", "use POST"))
		return
	}
	if err := r.ParseForm(); err != nil {
		s.replyJSON(w, req, http.StatusBadRequest, errorBody("invalid_request", "the body is not a form"))
		return
	}
	if gt := r.PostForm.Get("grant_type"); gt != "client_credentials" {
		s.replyJSON(w, req, http.StatusBadRequest,
			errorBody("unsupported_grant_type", "grant_type must be client_credentials"))
		return
	}
	id, secret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	if bid, bsecret, ok := r.BasicAuth(); ok && id == "" {
		id, secret = bid, bsecret
	}
	req.Client = id
	if id == "" || secret == "" {
		s.replyJSON(w, req, http.StatusBadRequest,
			errorBody("invalid_request", "client_id and client_secret are required"))
		return
	}
	if !s.credentialsOK(id, secret) {
		s.replyJSON(w, req, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	}
	token := newToken()
	s.mu.Lock()
	s.pruneTokens(req.At)
	s.tokens[token] = issued{client: id, expires: req.At.Add(s.opts.TokenLifetime)}
	s.mu.Unlock()
	s.replyJSON(w, req, http.StatusOK, map[string]any{
		"access_token": token,
		"token_type":   "Bearer",
		"expires_in":   int64(math.Ceil(s.opts.TokenLifetime.Seconds())),
	})
}

// credentialsOK checks the configured credentials, if any.
func (s *Server) credentialsOK(id, secret string) bool {
	okID := s.opts.ClientID == "" || subtle.ConstantTimeCompare([]byte(id), []byte(s.opts.ClientID)) == 1
	okSecret := s.opts.ClientSecret == "" ||
		subtle.ConstantTimeCompare([]byte(secret), []byte(s.opts.ClientSecret)) == 1
	return okID && okSecret
}

// authenticate returns the client of the request's bearer token, if the
// token is known and not expired at time at.
func (s *Server) authenticate(r *http.Request, at time.Time) (string, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[strings.TrimSpace(token)]
	if !ok || !at.Before(t.expires) {
		return "", false
	}
	return t.client, true
}

// pruneTokens forgets expired tokens; s.mu must be held.
func (s *Server) pruneTokens(at time.Time) {
	for k, t := range s.tokens {
		if !at.Before(t.expires) {
			delete(s.tokens, k)
		}
	}
}

// newToken returns a random opaque token.
func newToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go ≥ 1.24)
	return hex.EncodeToString(b)
}
