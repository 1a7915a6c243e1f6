package signature_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/signature"
)

// token is the token of the package comment's handler, serve.
const token = officialToken

// serve is the handler of the package comment (doc.go), compiled.
func serve(w http.ResponseWriter, r *http.Request) {
	if err := signature.VerifyRequest(token, r); err != nil {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	if r.Method == http.MethodGet {
		signature.WriteEcho(w, r) // URL check: echostr back, as plain text
		return
	}
	// POST: a push; see package msgcrypt for encrypted ones.
}

// TestDocHandlerAnswersEchoAsText runs the package comment's handler on a
// verification GET whose echostr holds markup: the answer must not be
// something a browser would render as HTML.
func TestDocHandlerAnswersEchoAsText(t *testing.T) {
	t.Parallel()
	q := officialQuery(t)
	q.Set("echostr", "<script>alert(1)</script>")
	w := httptest.NewRecorder()
	serve(w, httptest.NewRequest("GET", "/wechat?"+q.Encode(), nil))
	res := w.Result()
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "text/plain; charset=utf-8", res.Header.Get("Content-Type"))
	assert.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))
	body, _ := io.ReadAll(res.Body)
	assert.Equal(t, "<script>alert(1)</script>", string(body))
}

func TestWriteEcho(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		target string
		status int
		body   string
	}{
		{"digits, as WeChat sends", "/wechat?echostr=5837397520665436492&signature=x", http.StatusOK, "5837397520665436492"},
		{"markup stays text", "/wechat?echostr=" + url.QueryEscape("<script>alert(1)</script>"), http.StatusOK, "<script>alert(1)</script>"},
		{"decoded as URL.Query does", "/wechat?echostr=a+b%26c%3D", http.StatusOK, "a b&c="},
		{"the first of two", "/wechat?echostr=1&echostr=2", http.StatusOK, "1"},
		{"missing", "/wechat?signature=x", http.StatusBadRequest, "missing echostr\n"},
		{"empty", "/wechat?echostr=", http.StatusBadRequest, "missing echostr\n"},
		{"no query", "/wechat", http.StatusBadRequest, "missing echostr\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := httptest.NewRecorder()
			signature.WriteEcho(w, httptest.NewRequest("GET", tt.target, nil))
			res := w.Result()
			assert.Equal(t, tt.status, res.StatusCode)
			assert.Equal(t, "text/plain; charset=utf-8", res.Header.Get("Content-Type"))
			assert.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))
			body, _ := io.ReadAll(res.Body)
			assert.Equal(t, tt.body, string(body))
		})
	}
	t.Run("nil request", func(t *testing.T) {
		t.Parallel()
		w := httptest.NewRecorder()
		signature.WriteEcho(w, nil)
		assert.Equal(t, http.StatusBadRequest, w.Code)
	})
}
