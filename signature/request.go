package signature

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/wxmp/wxmp/internal/query"
)

// Names of the query parameters WeChat signs every request to a server URL
// with, exactly as it spells them.
const (
	ParamSignature = "signature"
	ParamTimestamp = "timestamp"
	ParamNonce     = "nonce"
)

// VerifyQuery reads the lowercase query parameters "signature", "timestamp"
// and "nonce" from q and checks them with [Verify]. It suits any framework
// that exposes the query as url.Values; it returns the same errors as
// [Verify].
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Basic_Information/Access_Overview.html
func VerifyQuery(token string, q url.Values, opts ...Option) error {
	return Verify(token, q.Get(ParamTimestamp), q.Get(ParamNonce), q.Get(ParamSignature), opts...)
}

// VerifyRequest is [VerifyQuery] on r's URL query. It works for both the GET
// that checks a server URL (the caller then writes the "echostr" parameter
// back verbatim) and the POST of every push. It never reads the body. A nil
// request or URL is reported as [ErrMissingParams].
//
// It reads the three parameters straight from r.URL.RawQuery, with the
// meaning r.URL.Query() gives them, without building url.Values: nothing is
// allocated for a query as WeChat sends it.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Basic_Information/Access_Overview.html
func VerifyRequest(token string, r *http.Request, opts ...Option) error {
	if r == nil || r.URL == nil {
		return fmt.Errorf("%w: no request URL", ErrMissingParams)
	}
	params := [...]query.Param{{Name: ParamTimestamp}, {Name: ParamNonce}, {Name: ParamSignature}}
	query.Scan(r.URL.RawQuery, params[:])
	return Verify(token, params[0].Value, params[1].Value, params[2].Value, opts...)
}
