package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTokenCommand(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	out := wxmpAPI(t, fake, nil, "", "token")
	require.Equal(t, exitOK, out.code, out.stderr)
	assert.Empty(t, out.stderr)
	tok := fake.Token() // the one stable_token handed out: no new request
	assert.Contains(t, out.stdout, "access_token: "+maskToken(tok)+"\n")
	assert.Regexp(t, `^<redacted \d+ bytes sha256:[0-9a-f]{8}>$`, maskToken(tok))
	assert.Contains(t, out.stdout, "expires:      2026-01-02T05:04:05Z (in 2h0m0s)\n")
	assert.Contains(t, out.stdout, "appid:        "+fake.AppID()+"\n")
	assert.Contains(t, out.stdout, "from:         "+fake.URL+"/cgi-bin/stable_token\n")
	assert.Equal(t, 1, fake.TokenRequests())

	out = wxmpAPI(t, fake, nil, "", "token", "-force-refresh")
	require.Equal(t, exitOK, out.code, out.stderr)
	assert.NotEqual(t, tok, fake.Token(), "force_refresh issued a new token")
	assert.Contains(t, out.stdout, "access_token: "+maskToken(fake.Token())+"\n")
	assert.Equal(t, 2, fake.TokenRequests())
}
