package main

import (
	"fmt"
	"log/slog"

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
	// The token comes from cgi-bin/stable_token, which WeChat recommends,
	// unless the host answers it with 404 or 405, as a stand-in that only
	// has cgi-bin/token does; then from cgi-bin/token for the rest of the
	// process. The Source caches the token and fetches it once for all
	// concurrent callers.
	topts = append(topts, accesstoken.WithLegacyFallback(func(status int) {
		log.Warn("the API host has no cgi-bin/stable_token; using cgi-bin/token", "status", status)
	}))
	tokens, err := accesstoken.New(cfg.appID, cfg.secret, topts...)
	if err != nil {
		return nil, fmt.Errorf("WECHAT_API_BASE: %w", err) // the AppID and secret are set: the URL is the problem
	}
	c, err := api.NewClient(tokens, aopts...)
	if err != nil {
		return nil, fmt.Errorf("WECHAT_API_BASE: %w", err)
	}
	return c.CustomerService, nil
}
