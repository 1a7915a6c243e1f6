package signature

import (
	"io"
	"net/http"

	"github.com/wxmp/wxmp/internal/query"
)

// ParamEcho is the query parameter of the server-verification GET whose
// value the server answers with.
const ParamEcho = "echostr"

// WriteEcho writes the answer to WeChat's server-verification GET (sent
// when the server URL is saved in the console): status 200 and the query's
// "echostr" value verbatim as the body, sent as "text/plain;
// charset=utf-8" with "X-Content-Type-Options: nosniff". The echostr comes
// from the request's URL, so anyone can choose it: written without those
// headers, it would go out as text/html and run as a page in a browser
// (reflected XSS). A missing or empty echostr gets 400 Bad Request and a
// short reason instead.
//
// WriteEcho does not check the request: call it only after [VerifyRequest]
// (or [VerifyQuery]) has returned nil, as the official access guide says:
//
//	if err := signature.VerifyRequest(token, r); err != nil {
//		http.Error(w, "forbidden", http.StatusForbidden)
//		return
//	}
//	signature.WriteEcho(w, r)
//
// It reads echostr with the meaning r.URL.Query().Get gives it, without
// building url.Values. The verification GET carries the plain echostr in
// every message encryption mode.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Basic_Information/Access_Overview.html
func WriteEcho(w http.ResponseWriter, r *http.Request) {
	echo := [...]query.Param{{Name: ParamEcho}}
	if r != nil && r.URL != nil {
		query.Scan(r.URL.RawQuery, echo[:])
	}
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	if echo[0].Value == "" {
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, "missing echostr\n")
		return
	}
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, echo[0].Value)
}
