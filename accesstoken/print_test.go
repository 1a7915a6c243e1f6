package accesstoken_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/accesstoken"
)

// TestPrintingNeverShowsSecrets prints a Token, a Source, the options and
// values that hold them with every usual verb, and looks for the token and
// the AppSecret in the output.
func TestPrintingNeverShowsSecrets(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	store := &mapStore{m: map[string]accesstoken.Token{}}
	opts := []accesstoken.Option{
		accesstoken.WithBaseURL(f.URL), accesstoken.WithHTTPClient(f.Client()),
		accesstoken.WithStore(store), accesstoken.WithExpiryDelta(time.Minute),
	}
	s, err := accesstoken.New(appID, secret, opts...)
	require.NoError(t, err)
	tok, err := s.Current(context.Background())
	require.NoError(t, err)
	forced, err := s.ForceRefresh(context.Background())
	require.NoError(t, err)

	type holder struct {
		Src      *accesstoken.Source
		Tok      accesstoken.Token
		src      *accesstoken.Source
		value    accesstoken.Source
		Tokens   []accesstoken.Token
		TokenMap map[string]accesstoken.Token
	}
	values := map[string]any{
		"Token":   tok,
		"*Token":  &tok,
		"*Source": s,
		"Source":  *s,
		"holder":  holder{Src: s, Tok: tok, src: s, value: *s, Tokens: []accesstoken.Token{tok, forced}, TokenMap: map[string]accesstoken.Token{"a": tok}},
		"options": opts,
		"option":  opts[0],
	}
	for name, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%T"} {
			out := fmt.Sprintf(verb, v)
			for _, secretValue := range []string{secret, tok.AccessToken, forced.AccessToken} {
				if strings.Contains(out, secretValue) {
					t.Errorf("%s printed with %s shows a secret: %s", name, verb, out)
				}
			}
		}
	}
	for _, out := range []string{tok.String(), tok.GoString(), s.String(), s.GoString(), fmt.Sprint(tok), fmt.Sprintln(s)} {
		assert.NotContains(t, out, tok.AccessToken)
		assert.NotContains(t, out, secret)
	}
}

func TestTokenString(t *testing.T) {
	t.Parallel()
	tok := accesstoken.Token{AccessToken: "ACCESS_TOKEN", Expiry: time.Date(2026, 1, 2, 5, 4, 5, 0, time.UTC)}
	// The fingerprint is the first 4 bytes of SHA-256("ACCESS_TOKEN").
	want := "accesstoken.Token{AccessToken:<redacted 12 bytes sha256:ffc52dcb>, Expiry:2026-01-02T05:04:05Z}"
	assert.Equal(t, want, tok.String())
	assert.Equal(t, want, fmt.Sprintf("%v", tok))
	assert.Equal(t, want, fmt.Sprintf("%+v", tok))
	assert.Equal(t, want, fmt.Sprintf("%#v", tok))
	assert.Equal(t, fmt.Sprintf("%q", want), fmt.Sprintf("%q", tok))
	assert.Equal(t, "accesstoken.Token{AccessToken:<empty>, Expiry:0}", accesstoken.Token{}.String())
	other := accesstoken.Token{AccessToken: "ACCESS_TOKEN2", Expiry: tok.Expiry}
	assert.NotEqual(t, tok.String()[:60], other.String()[:60], "different tokens, different fingerprints")
}
