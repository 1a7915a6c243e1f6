package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"

	"github.com/wxmp/wxmp/accesstoken"
	"github.com/wxmp/wxmp/api"
	"github.com/wxmp/wxmp/push"
)

// newCustomerService returns where replies that miss the deadline go:
// the customer-service message API of the account cfg.appID, on
// cfg.apiBase (WeChat's by default). Nothing is fetched yet: the access
// token comes with the first late reply, once for all of them.
func newCustomerService(cfg config, log *slog.Logger) (push.LateReplySender, error) {
	base := cfg.apiBase
	if base == "" {
		base = api.DefaultBaseURL
	}
	topts := []accesstoken.Option{accesstoken.WithBaseURL(base)}
	aopts := []api.Option{api.WithBaseURL(base)}
	if cfg.apiClient != nil {
		topts = append(topts, accesstoken.WithHTTPClient(cfg.apiClient))
		aopts = append(aopts, api.WithHTTPClient(cfg.apiClient))
	}
	tokens, err := newTokenSource(cfg.appID, cfg.secret, log, topts...)
	if err != nil {
		return nil, fmt.Errorf("WECHAT_API_BASE: %w", err) // the AppID and secret are set: the URL is the problem
	}
	c, err := api.NewClient(tokens, aopts...)
	if err != nil {
		return nil, fmt.Errorf("WECHAT_API_BASE: %w", err)
	}
	return c.CustomerService, nil
}

// tokenSource hands out the account's access token for the API client:
// from cgi-bin/stable_token, which WeChat recommends, unless the host
// answers it with 404 or 405, as a stand-in that only has cgi-bin/token
// does; then from cgi-bin/token for the rest of the process. Each Source
// caches its token and fetches it once for all concurrent callers.
type tokenSource struct {
	stable, legacy *accesstoken.Source
	useLegacy      atomic.Bool
	log            *slog.Logger
}

func newTokenSource(appID, secret string, log *slog.Logger, opts ...accesstoken.Option) (*tokenSource, error) {
	stable, err := accesstoken.New(appID, secret, opts...)
	if err != nil {
		return nil, err
	}
	legacy, err := accesstoken.New(appID, secret, append(opts, accesstoken.WithLegacyToken())...)
	if err != nil {
		return nil, err
	}
	return &tokenSource{stable: stable, legacy: legacy, log: log}, nil
}

// Token implements api.TokenSource.
func (s *tokenSource) Token(ctx context.Context) (string, error) {
	if !s.useLegacy.Load() {
		tok, err := s.stable.Token(ctx)
		var se *accesstoken.StatusError
		if !errors.As(err, &se) || (se.StatusCode != http.StatusNotFound && se.StatusCode != http.StatusMethodNotAllowed) {
			return tok, err
		}
		if s.useLegacy.CompareAndSwap(false, true) {
			s.log.Warn("the API host has no cgi-bin/stable_token; using cgi-bin/token", "status", se.StatusCode)
		}
	}
	return s.legacy.Token(ctx)
}

// Invalidate implements api.TokenSource.
func (s *tokenSource) Invalidate(ctx context.Context, failed string) error {
	if s.useLegacy.Load() {
		return s.legacy.Invalidate(ctx, failed)
	}
	return s.stable.Invalidate(ctx, failed)
}
