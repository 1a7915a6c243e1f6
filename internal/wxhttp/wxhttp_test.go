package wxhttp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	secret = "s3cr3tAppSecretValue"
	code   = "oneTimeCodeValue"
	token  = "accessTokenValue"
)

// credURL is a URL on srv whose query carries every kind of credential.
func credURL(srv *httptest.Server, path string) string {
	return srv.URL + path + "?appid=wx1&secret=" + secret + "&code=" + code + "&access_token=" + token + "&refresh_token=rt" + secret
}

// assertNoSecret fails if err's message, or the %v/%+v/%#v of err, holds a
// credential.
func assertNoSecret(t *testing.T, err error) {
	t.Helper()
	require.Error(t, err)
	for _, s := range []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err)} {
		for _, c := range []string{secret, code, token} {
			assert.NotContains(t, s, c)
		}
	}
	var e *Error
	if errors.As(err, &e) {
		for _, c := range []string{secret, code, token} {
			assert.NotContains(t, e.Msg, c)
		}
	}
}

// recorder is a second server: it records whether it was contacted and the
// headers it got.
type recorder struct {
	*httptest.Server
	mu      sync.Mutex
	hits    int
	headers []http.Header
}

func newRecorder(t *testing.T) *recorder {
	r := &recorder{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.hits++
		r.headers = append(r.headers, req.Header.Clone())
		r.mu.Unlock()
		_, _ = io.WriteString(w, `{"access_token":"attacker","openid":"x"}`)
	}))
	t.Cleanup(r.Close)
	return r
}

func TestRedirectIsNeverFollowed(t *testing.T) {
	t.Parallel()
	for _, status := range []int{301, 302, 303, 307, 308} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			t.Parallel()
			evil := newRecorder(t)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, evil.URL+"/steal?next="+url.QueryEscape(r.URL.String()), status)
			}))
			t.Cleanup(srv.Close)

			for name, call := range map[string]func(c *http.Client) error{
				"GetJSON": func(c *http.Client) error {
					var out map[string]any
					return GetJSON(context.Background(), c, credURL(srv, "/sns/x"), 1<<10, &out)
				},
				"PostJSON": func(c *http.Client) error {
					return PostJSON(context.Background(), c, credURL(srv, "/cgi-bin/x"), map[string]string{"a": "b"}, 1<<10, nil)
				},
				"Do": func(c *http.Client) error {
					resp, err := Do(context.Background(), c, http.MethodGet, credURL(srv, "/media"), nil, "")
					if err == nil {
						resp.Body.Close()
					}
					return err
				},
			} {
				// A caller's client that follows redirects, and the default.
				for _, c := range []*http.Client{nil, {}, srv.Client()} {
					err := call(c)
					require.Error(t, err, name)
					var se *StatusError
					require.ErrorAs(t, err, &se, name)
					assert.Equal(t, status, se.StatusCode)
					assert.ErrorIs(t, err, ErrRedirect)
					assert.NotContains(t, err.Error(), evil.URL, "no Location in the message")
					assertNoSecret(t, err)
				}
			}
			evil.mu.Lock()
			defer evil.mu.Unlock()
			assert.Zero(t, evil.hits, "the redirect target was contacted, with headers %v", evil.headers)
		})
	}
}

func TestNoRedirect(t *testing.T) {
	t.Parallel()
	d := NoRedirect(nil)
	assert.Equal(t, DefaultTimeout, d.Timeout)
	require.NotNil(t, d.CheckRedirect)
	assert.ErrorIs(t, d.CheckRedirect(nil, nil), http.ErrUseLastResponse)

	jar := &nopJar{}
	orig := &http.Client{Timeout: 3, Jar: jar}
	c := NoRedirect(orig)
	assert.NotSame(t, orig, c)
	assert.Nil(t, orig.CheckRedirect, "the caller's client is not modified")
	assert.Equal(t, orig.Timeout, c.Timeout)
	assert.Same(t, jar, c.Jar)
	assert.ErrorIs(t, c.CheckRedirect(nil, nil), http.ErrUseLastResponse)
}

type nopJar struct{}

func (*nopJar) SetCookies(*url.URL, []*http.Cookie) {}
func (*nopJar) Cookies(*url.URL) []*http.Cookie     { return nil }

func serve(t *testing.T, h http.HandlerFunc) *httptest.Server {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func TestGetJSON(t *testing.T) {
	t.Parallel()
	var got *http.Request
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		got = r
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, `{"access_token":"T","expires_in":"7200"}`)
	})
	var out struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   Int    `json:"expires_in"`
	}
	require.NoError(t, GetJSON(context.Background(), nil, srv.URL+"/a?x=1&y=2", 1<<10, &out))
	assert.Equal(t, "T", out.AccessToken)
	assert.EqualValues(t, 7200, out.ExpiresIn)
	assert.Equal(t, http.MethodGet, got.Method)
	assert.Equal(t, "x=1&y=2", got.URL.RawQuery, "the query is sent as given, in its order")
	assert.Equal(t, "application/json", got.Header.Get("Accept"))
}

func TestPostJSON(t *testing.T) {
	t.Parallel()
	var body []byte
	var ct string
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		ct = r.Header.Get("Content-Type")
		body, _ = io.ReadAll(r.Body)
		_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok","msgid":3717005636572528642}`)
	})
	var out struct {
		MsgID int64 `json:"msgid"`
	}
	in := map[string]string{"content": "<a href=\"x\">&</a>"}
	require.NoError(t, PostJSON(context.Background(), nil, srv.URL+"/cgi-bin/send?access_token=T", in, 1<<10, &out))
	assert.EqualValues(t, 3717005636572528642, out.MsgID)
	assert.Equal(t, "application/json; charset=utf-8", ct)
	assert.Equal(t, `{"content":"<a href=\"x\">&</a>"}`, string(body), "no \\u003c escapes, no trailing newline")

	err := PostJSON(context.Background(), nil, srv.URL, func() {}, 1<<10, nil)
	assert.ErrorIs(t, err, ErrInvalidRequest)
}

func TestRemoteErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		body   string
		check  func(t *testing.T, err error)
	}{
		{"errcode", 200, `{"errcode":40029,"errmsg":"invalid code"}`, func(t *testing.T, err error) {
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, &Error{Code: 40029, Msg: "invalid code"}, e)
			assert.Equal(t, "wxhttp: errcode 40029: invalid code", err.Error())
		}},
		{"quoted errcode", 200, `{"errcode":"42001","errmsg":"access_token expired"}`, func(t *testing.T, err error) {
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, 42001, e.Code)
		}},
		{"errcode with data", 200, `{"errcode":-1,"errmsg":"system error","access_token":"x"}`, func(t *testing.T, err error) {
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, -1, e.Code)
		}},
		{"status", 502, `{"errcode":0}`, func(t *testing.T, err error) {
			var se *StatusError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, 502, se.StatusCode)
			assert.NotErrorIs(t, err, ErrRedirect)
			assert.Equal(t, "wxhttp: unexpected HTTP status 502 Bad Gateway", err.Error())
		}},
		{"not JSON", 200, `<html>`, func(t *testing.T, err error) {
			assert.ErrorIs(t, err, ErrInvalidResponse)
			var d *DecodeError
			assert.ErrorAs(t, err, &d)
		}},
		{"wrong type", 200, `{"access_token":7}`, func(t *testing.T, err error) {
			assert.ErrorIs(t, err, ErrInvalidResponse)
		}},
		{"too large", 200, `{"access_token":"` + strings.Repeat("a", 100) + `"}`, func(t *testing.T, err error) {
			assert.ErrorIs(t, err, ErrResponseTooLarge)
			assert.NotErrorIs(t, err, ErrInvalidResponse)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			})
			var out struct {
				AccessToken string `json:"access_token"`
			}
			err := GetJSON(context.Background(), nil, credURL(srv, "/x"), 64, &out)
			tt.check(t, err)
			assertNoSecret(t, err)
		})
	}
}

func TestSecretNeverLeaks(t *testing.T) {
	t.Parallel()
	// A server that echoes the whole query in errmsg, in a field of the wrong
	// type, and a dead server.
	echo := serve(t, func(w http.ResponseWriter, r *http.Request) {
		msg, _ := json.Marshal(r.URL.RawQuery + " " + r.URL.Query().Encode())
		_, _ = fmt.Fprintf(w, `{"errcode":40001,"errmsg":%s}`, msg)
	})
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := credURL(dead, "/x")
	dead.Close()

	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	for name, err := range map[string]error{
		"echoed errmsg":  GetJSON(context.Background(), nil, credURL(echo, "/x"), 1<<10, nil),
		"echoed post":    PostJSON(context.Background(), nil, credURL(echo, "/x"), nil, 1<<10, nil),
		"dead server":    GetJSON(context.Background(), nil, deadURL, 1<<10, nil),
		"canceled":       GetJSON(ctx, nil, credURL(echo, "/x"), 1<<10, nil),
		"unparsable URL": GetJSON(context.Background(), nil, "http://h\x7f/x?secret="+secret, 1<<10, nil),
		"relative URL":   GetJSON(context.Background(), nil, "/x?secret="+secret, 1<<10, nil),
		"bad limit":      GetJSON(context.Background(), nil, credURL(echo, "/x"), 0, nil),
		"escaped secret": GetJSON(context.Background(), nil, echo.URL+"/x?secret=a+b%2Fc", 1<<10, nil),
	} {
		t.Run(name, func(t *testing.T) {
			assertNoSecret(t, err)
			assert.NotContains(t, err.Error(), "a b/c")
			assert.NotContains(t, err.Error(), "a+b%2Fc")
			assert.NotContains(t, err.Error(), "a%20b%2Fc")
		})
	}
	err := GetJSON(ctx, nil, credURL(echo, "/x"), 1<<10, nil)
	assert.ErrorIs(t, err, context.Canceled)
	var ue *url.Error
	require.ErrorAs(t, err, &ue)
	assert.Contains(t, ue.URL, "secret="+Redacted)
	assert.Contains(t, ue.URL, "appid=wx1", "non-credentials stay, for debugging")
}

func TestDoReturnsRawBody(t *testing.T) {
	t.Parallel()
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/jpeg")
		_, _ = w.Write([]byte{0xff, 0xd8, 0xff})
	})
	resp, err := Do(context.Background(), nil, http.MethodGet, srv.URL+"/media?access_token=T", nil, "")
	require.NoError(t, err)
	assert.Equal(t, "image/jpeg", resp.Header.Get("Content-Type"))
	b, err := ReadBody(resp, 3)
	require.NoError(t, err)
	assert.Equal(t, []byte{0xff, 0xd8, 0xff}, b)

	resp, err = Do(context.Background(), nil, http.MethodGet, srv.URL, nil, "")
	require.NoError(t, err)
	_, err = ReadBody(resp, 2)
	assert.ErrorIs(t, err, ErrResponseTooLarge)
}

func TestDecode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body string
		code int  // 0: no *Error
		bad  bool // *DecodeError
	}{
		{body: `{}`},
		{body: `{"errcode":0,"errmsg":"ok"}`},
		{body: `{"errcode":null}`},
		{body: `{"errcode":""}`},
		{body: `{"errcode":" 0 "}`},
		{body: `{"errcode":40163,"errmsg":"code been used, rid: 1-2-3"}`, code: 40163},
		{body: `{"errcode":"-1"}`, code: -1},
		{body: `{"errcode":1.5}`, bad: true},
		{body: `{"errcode":"x"}`, bad: true},
		{body: `{"errcode":true}`, bad: true},
		{body: `[]`, bad: true},
		{body: `null`},
		{body: ``, bad: true},
		{body: `{"errmsg":3}`, bad: true},
	}
	for _, tt := range tests {
		err := Decode([]byte(tt.body), nil)
		var e *Error
		switch {
		case tt.code != 0:
			require.ErrorAs(t, err, &e, tt.body)
			assert.Equal(t, tt.code, e.Code, tt.body)
		case tt.bad:
			assert.ErrorIs(t, err, ErrInvalidResponse, tt.body)
		default:
			assert.NoError(t, err, tt.body)
		}
	}
}

func TestScrub(t *testing.T) {
	t.Parallel()
	assert.NoError(t, Scrub(nil, "x"))
	base := errors.New("plain")
	assert.Same(t, base, Scrub(base, "absent", ""), "an error without secrets is returned as is")

	e := &Error{Code: 1, Msg: "echo " + secret}
	err := Scrub(fmt.Errorf("wrapped: %w", e), secret)
	assert.Equal(t, "wrapped: wxhttp: errcode 1: echo "+Redacted, err.Error())
	assert.ErrorIs(t, err, e)
	assert.Equal(t, "echo "+Redacted, e.Msg)

	d := &DecodeError{Err: errors.New("near " + secret)}
	err = Scrub(d, secret)
	assert.ErrorIs(t, err, ErrInvalidResponse)
	assert.NotContains(t, d.Error(), secret)
}

func TestSecrets(t *testing.T) {
	t.Parallel()
	s := Secrets("https://h/x?appid=wx&secret=a%20b&code=c&access_token=&lang=en")
	assert.ElementsMatch(t, []string{"a b", "a+b", "a%20b", "c"}, s)
	assert.Nil(t, Secrets("http://h\x7f/"))
}

func TestParseInt(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{`7200`: 7200, `"7200"`: 7200, `" 1 "`: 1, `""`: 0, `null`: 0, `-1`: -1} {
		got, err := ParseInt([]byte(in))
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{`1.5`, `"x9secret"`, `true`, `"`, `{}`, `1e3`} {
		_, err := ParseInt([]byte(in))
		require.Error(t, err, in)
		assert.NotContains(t, err.Error(), "secret", in)
	}
}

// FuzzDecode: any body gives nil, an *Error with a non-zero Code, or a
// *DecodeError; never a panic, never two at once.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{}`, `{"errcode":40029,"errmsg":"invalid code"}`, `{"errcode":"42001"}`,
		`{"errcode":null,"access_token":"x","expires_in":"7200"}`, `[1]`, `{"errcode":1e309}`, `"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var out struct {
			AccessToken string `json:"access_token"`
			ExpiresIn   Int    `json:"expires_in"`
		}
		err := Decode(body, &out)
		if err == nil {
			if !json.Valid(body) {
				t.Fatalf("accepted invalid JSON %q", body)
			}
			return
		}
		var e *Error
		var d *DecodeError
		isE, isD := errors.As(err, &e), errors.As(err, &d)
		if isE == isD {
			t.Fatalf("error %v is both or neither *Error and *DecodeError", err)
		}
		if isE && e.Code == 0 {
			t.Fatalf("*Error with code 0")
		}
	})
}

// TestHint: the codes any call may return have a hint in plain words,
// which accesstoken, api and jssdk fall back to; others have none.
func TestHint(t *testing.T) {
	for _, code := range []int{40164, 61004, 89501, 89503, 89506, 89507, 40243, -1} {
		assert.NotEmpty(t, Hint(code), "errcode %d", code)
	}
	assert.Contains(t, Hint(40164), "IP白名单")
	assert.Empty(t, Hint(40001), "a package's own code: no shared hint")
	assert.Equal(t, "api: unexpected HTTP status 502 Bad Gateway", StatusMessage("api", 502))
	assert.Equal(t, "jssdk: unexpected HTTP status 302 Found (redirects are not followed)", StatusMessage("jssdk", 302))
}
