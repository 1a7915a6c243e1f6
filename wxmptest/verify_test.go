package wxmptest_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/msgcrypt"
	"github.com/wxmp/wxmp/signature"
	"github.com/wxmp/wxmp/wxmptest"
)

// verifier answers the GET the way answer says, after checking the
// signature as a correct server does.
func verifier(answer func(w http.ResponseWriter, echostr string)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			http.Error(w, "method", http.StatusMethodNotAllowed)
			return
		}
		if err := signature.VerifyRequest(pushToken, r); err != nil {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		answer(w, r.URL.Query().Get("echostr"))
	})
}

func TestVerify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		answer func(w http.ResponseWriter, echostr string)
		rule   error
		detail string
	}{
		{"echostr verbatim", func(w http.ResponseWriter, e string) { io.WriteString(w, e) }, nil, ""},
		{"echostr with a newline", func(w http.ResponseWriter, e string) { fmt.Fprintln(w, e) }, wxmptest.ErrEchostr, "white space"},
		{"echostr in JSON", func(w http.ResponseWriter, e string) { fmt.Fprintf(w, `{"echostr":%q}`, e) }, wxmptest.ErrEchostr, "and more"},
		{"success instead", func(w http.ResponseWriter, e string) { io.WriteString(w, "success") }, wxmptest.ErrEchostr, "not the echostr"},
		{"nothing", func(w http.ResponseWriter, e string) {}, wxmptest.ErrEchostr, "empty"},
		{"forbidden", func(w http.ResponseWriter, e string) { http.Error(w, e, http.StatusForbidden) }, wxmptest.ErrStatus, "403"},
		// The echostr, but only once the Pusher has given up (see below:
		// the rule ErrTimeout makes the handler slow).
		{"slow", func(w http.ResponseWriter, e string) { io.WriteString(w, e) }, wxmptest.ErrTimeout, "50ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			h := verifier(func(w http.ResponseWriter, e string) { calls.Add(1); tt.answer(w, e) })
			timeout := answerTimeout
			if tt.rule == wxmptest.ErrTimeout {
				h, timeout = afterGivingUp(h), fastTimeout
			}
			finished := make(chan struct{}, 4)
			counted := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				defer func() { finished <- struct{}{} }()
				h.ServeHTTP(w, r)
			})
			// The GET is plain in every mode.
			p := newTestPusher(t, counted, msgcrypt.ModeSafe, wxmptest.WithTimeout(timeout))
			res, err := p.Verify(context.Background())
			require.NotNil(t, res)
			assert.Equal(t, 1, res.Attempts)
			waitFor(t, finished, "the handler") // a slow one runs on after Verify returns
			assert.EqualValues(t, 1, calls.Load(), "the signature checked out and WeChat does not retry the GET")
			assert.NotEmpty(t, res.Query.Get("echostr"))
			if tt.rule == nil {
				require.NoError(t, err)
				assert.Equal(t, res.Query.Get("echostr"), string(res.Response))
				assert.Equal(t, http.StatusOK, res.StatusCode)
				return
			}
			require.ErrorIs(t, err, tt.rule)
			assert.Contains(t, err.Error(), tt.detail)
			assert.NotContains(t, err.Error(), res.Query.Get("signature"))
		})
	}
}

func TestVerifyWrongToken(t *testing.T) {
	t.Parallel()
	h := verifier(func(w http.ResponseWriter, e string) { io.WriteString(w, e) })
	p, err := wxmptest.NewPusher("not-the-token", wxmptest.WithHandler(h))
	require.NoError(t, err)
	_, err = p.Verify(context.Background())
	require.ErrorIs(t, err, wxmptest.ErrStatus, "a server checking its token refuses the GET")
}

func TestVerifyOverHTTP(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(verifier(func(w http.ResponseWriter, e string) { io.WriteString(w, e) }))
	t.Cleanup(srv.Close)
	p, err := wxmptest.NewPusher(pushToken, wxmptest.WithURL(srv.URL+"/wechat"), wxmptest.WithNow(fixedClock()))
	require.NoError(t, err)
	res, err := p.Verify(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "1700000000", res.Query.Get("timestamp"))
	require.NoError(t, signature.VerifyQuery(pushToken, res.Query))

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = p.Verify(ctx)
	require.ErrorIs(t, err, context.Canceled)
}
