package signature_test

import (
	"errors"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/signature"
)

// officialToken is the Token of the official worked example; the other
// values are in testdata/official_get_example.query.
const officialToken = "AAAAA"

func officialQuery(t testing.TB) url.Values {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "official_get_example.query"))
	require.NoError(t, err)
	q, err := url.ParseQuery(strings.TrimSpace(string(b)))
	require.NoError(t, err)
	return q
}

func TestComputeOfficialExample(t *testing.T) {
	t.Parallel()
	q := officialQuery(t)
	got := signature.Compute(officialToken, q.Get("timestamp"), q.Get("nonce"))
	assert.Equal(t, "f464b24fc39322e44b38aa78f5edd27bd1441696", got)
	assert.Equal(t, q.Get("signature"), got)
}

func TestComputeIgnoresArgumentOrder(t *testing.T) {
	t.Parallel()
	// Sorting makes the three roles interchangeable: this is what WeChat
	// specifies, and what lets a user pass them in the order of the docs.
	a := signature.Compute("AAAAA", "1714036504", "1514711492")
	b := signature.Compute("1514711492", "AAAAA", "1714036504")
	assert.Equal(t, a, b)
}

func TestVerify(t *testing.T) {
	t.Parallel()
	const (
		ts    = "1714036504"
		nonce = "1514711492"
		good  = "f464b24fc39322e44b38aa78f5edd27bd1441696"
	)
	tests := []struct {
		name                  string
		token, ts, nonce, sig string
		want                  error
		wantMsg               string // substring of the error message
	}{
		{name: "official example", token: "AAAAA", ts: ts, nonce: nonce, sig: good},
		{name: "upper-case hex", token: "AAAAA", ts: ts, nonce: nonce, sig: strings.ToUpper(good)},
		{name: "mixed-case hex", token: "AAAAA", ts: ts, nonce: nonce, sig: "F464b24fc39322e44b38aa78f5edd27bd1441696"},
		{name: "empty token fails closed", token: "", ts: ts, nonce: nonce, sig: good, want: signature.ErrEmptyToken},
		{name: "empty token with matching empty-token signature", token: "", ts: ts, nonce: nonce,
			sig: signature.Compute("", ts, nonce), want: signature.ErrEmptyToken},
		{name: "wrong token", token: "AAAAB", ts: ts, nonce: nonce, sig: good, want: signature.ErrMismatch},
		{name: "wrong timestamp", token: "AAAAA", ts: "1714036505", nonce: nonce, sig: good, want: signature.ErrMismatch},
		{name: "wrong nonce", token: "AAAAA", ts: ts, nonce: "1514711493", sig: good, want: signature.ErrMismatch},
		{name: "one hex digit off", token: "AAAAA", ts: ts, nonce: nonce, sig: good[:39] + "7", want: signature.ErrMismatch},
		{name: "truncated", token: "AAAAA", ts: ts, nonce: nonce, sig: good[:20], want: signature.ErrMismatch},
		{name: "too long", token: "AAAAA", ts: ts, nonce: nonce, sig: good + "00", want: signature.ErrMismatch},
		{name: "not hex", token: "AAAAA", ts: ts, nonce: nonce, sig: strings.Repeat("z", 40), want: signature.ErrMismatch},
		{name: "missing timestamp", token: "AAAAA", nonce: nonce, sig: good,
			want: signature.ErrMissingParams, wantMsg: "timestamp"},
		{name: "missing nonce", token: "AAAAA", ts: ts, sig: good,
			want: signature.ErrMissingParams, wantMsg: "nonce"},
		{name: "missing signature", token: "AAAAA", ts: ts, nonce: nonce,
			want: signature.ErrMissingParams, wantMsg: "signature"},
		{name: "all missing are named", token: "AAAAA",
			want: signature.ErrMissingParams, wantMsg: "timestamp, nonce, signature"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := signature.Verify(tt.token, tt.ts, tt.nonce, tt.sig)
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.want)
			assert.Contains(t, err.Error(), tt.wantMsg)
			assertNoSecrets(t, err, tt.token, tt.sig, signature.Compute(tt.token, tt.ts, tt.nonce))
		})
	}
}

// assertNoSecrets fails if the error message holds any of the secrets.
func assertNoSecrets(t *testing.T, err error, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if len(s) < 4 { // too short to be meaningful ("" is in everything)
			continue
		}
		assert.NotContains(t, strings.ToLower(err.Error()), strings.ToLower(s))
	}
}

func TestVerifyWindow(t *testing.T) {
	t.Parallel()
	const token = "AAAAA"
	stamp := time.Unix(1714036504, 0)
	sign := func(ts string) (string, string) { return ts, signature.Compute(token, ts, "n") }
	at := func(d time.Duration) signature.Option {
		return signature.WithNow(func() time.Time { return stamp.Add(d) })
	}
	window := signature.WithWindow(5 * time.Minute)
	tests := []struct {
		name string
		ts   string
		opts []signature.Option
		want error
	}{
		{"off by default, even a year late", "1714036504", []signature.Option{at(365 * 24 * time.Hour)}, nil},
		{"off by default, even not a number", "soon", nil, nil},
		{"zero window is a configuration error", "1714036504", []signature.Option{signature.WithWindow(0), at(0)}, signature.ErrInvalidConfig},
		{"negative window is a configuration error", "1714036504", []signature.Option{signature.WithWindow(-time.Minute), at(0)}, signature.ErrInvalidConfig},
		{"nil options are skipped", "1714036504", []signature.Option{nil, window, nil, at(0)}, nil},
		{"on time", "1714036504", []signature.Option{window, at(0)}, nil},
		{"at the old edge", "1714036504", []signature.Option{window, at(5 * time.Minute)}, nil},
		{"at the future edge", "1714036504", []signature.Option{window, at(-5 * time.Minute)}, nil},
		{"too old", "1714036504", []signature.Option{window, at(5*time.Minute + time.Second)}, signature.ErrStale},
		{"too far in the future", "1714036504", []signature.Option{window, at(-5*time.Minute - time.Second)}, signature.ErrStale},
		{"not a number", "soon", []signature.Option{window, at(0)}, signature.ErrTimestamp},
		{"milliseconds are not seconds", "1714036504000", []signature.Option{window, at(0)}, signature.ErrStale},
		{"overflowing number", "99999999999999999999", []signature.Option{window, at(0)}, signature.ErrTimestamp},
		{"largest int64", "9223372036854775807", []signature.Option{window, at(0)}, signature.ErrStale},
		{"smallest int64", "-9223372036854775808", []signature.Option{window, at(0)}, signature.ErrStale},
		{"nil clock is a configuration error", "1714036504", []signature.Option{window, signature.WithNow(nil)}, signature.ErrInvalidConfig},
		{"a bad option refuses even a good signature", "1714036504", []signature.Option{signature.WithNow(nil)}, signature.ErrInvalidConfig},
		{"later option wins", "1714036504", []signature.Option{window, signature.WithWindow(2 * time.Hour), at(time.Hour)}, nil},
		{"the real clock", "1714036504", []signature.Option{window}, signature.ErrStale},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts, sig := sign(tt.ts)
			err := signature.Verify(token, ts, "n", sig, tt.opts...)
			if tt.want == nil {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tt.want)
		})
	}
}

func TestWindowIsCheckedOnlyAfterTheSignature(t *testing.T) {
	t.Parallel()
	// A forged request learns nothing about the clock: it gets ErrMismatch.
	err := signature.Verify("AAAAA", "1", "n", strings.Repeat("0", 40), signature.WithWindow(time.Minute))
	assert.ErrorIs(t, err, signature.ErrMismatch)
	assert.NotErrorIs(t, err, signature.ErrStale)
}

func TestVerifyQuery(t *testing.T) {
	t.Parallel()
	q := officialQuery(t)
	require.NoError(t, signature.VerifyQuery(officialToken, q))

	upper := url.Values{}
	for k, v := range q {
		upper[strings.ToUpper(k)] = v
	}
	err := signature.VerifyQuery(officialToken, upper)
	assert.ErrorIs(t, err, signature.ErrMissingParams, "parameter names are lowercase only")

	assert.ErrorIs(t, signature.VerifyQuery(officialToken, nil), signature.ErrMissingParams)
	assert.ErrorIs(t, signature.VerifyQuery("", q), signature.ErrEmptyToken)

	stale := signature.VerifyQuery(officialToken, q, signature.WithWindow(time.Hour),
		signature.WithNow(func() time.Time { return time.Unix(1714036504, 0).Add(2 * time.Hour) }))
	assert.ErrorIs(t, stale, signature.ErrStale)
}

func TestVerifyRequest(t *testing.T) {
	t.Parallel()
	q := officialQuery(t)
	tests := []struct {
		name   string
		method string
		target string
		want   error
	}{
		{"GET URL check", "GET", "/wx?" + q.Encode() + "&echostr=hello", nil},
		{"POST push with openid", "POST", "/wx?openid=o123&" + q.Encode(), nil},
		{"no query", "POST", "/wx", signature.ErrMissingParams},
		{"tampered nonce", "POST", "/wx?signature=" + q.Get("signature") + "&timestamp=" + q.Get("timestamp") + "&nonce=1", signature.ErrMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(tt.method, tt.target, strings.NewReader("<xml/>"))
			err := signature.VerifyRequest(officialToken, r)
			if tt.want == nil {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tt.want)
		})
	}
	assert.ErrorIs(t, signature.VerifyRequest(officialToken, nil), signature.ErrMissingParams)
}

func TestErrorsAreDistinct(t *testing.T) {
	t.Parallel()
	all := []error{signature.ErrInvalidConfig, signature.ErrEmptyToken, signature.ErrMissingParams, signature.ErrMismatch,
		signature.ErrTimestamp, signature.ErrStale}
	for i, a := range all {
		assert.True(t, strings.HasPrefix(a.Error(), "signature: "), a.Error())
		for j, b := range all {
			if i != j && !(a == signature.ErrEmptyToken && b == signature.ErrInvalidConfig) {
				assert.False(t, errors.Is(a, b), "%v is %v", a, b)
			}
		}
	}
	assert.ErrorIs(t, signature.ErrEmptyToken, signature.ErrInvalidConfig, "an empty token is a configuration error")
}

func BenchmarkVerify(b *testing.B) {
	const (
		token = "AAAAA"
		ts    = "1714036504"
		nonce = "1514711492"
		sig   = "f464b24fc39322e44b38aa78f5edd27bd1441696"
	)
	b.ReportAllocs()
	for b.Loop() {
		if err := signature.Verify(token, ts, nonce, sig); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyRequest checks the query of a real push, as a handler does
// on every request; it should allocate nothing.
func BenchmarkVerifyRequest(b *testing.B) {
	q := officialQuery(b)
	r := httptest.NewRequest("POST", "/wx?"+q.Encode()+"&openid=oyORnuP8q7ou2gfYjqLzSIWZf0rs", strings.NewReader("<xml/>"))
	b.ReportAllocs()
	for b.Loop() {
		if err := signature.VerifyRequest(officialToken, r); err != nil {
			b.Fatal(err)
		}
	}
}

// TestVerifyRequestAllocatesNothing holds the point of reading the raw
// query: checking a push's signature costs no allocation.
func TestVerifyRequestAllocatesNothing(t *testing.T) {
	q := officialQuery(t)
	r := httptest.NewRequest("POST", "/wx?"+q.Encode()+"&openid=oyORnuP8q7ou2gfYjqLzSIWZf0rs", strings.NewReader("<xml/>"))
	allocs := testing.AllocsPerRun(100, func() {
		if err := signature.VerifyRequest(officialToken, r); err != nil {
			t.Fatal(err)
		}
	})
	assert.Zero(t, allocs)
}
