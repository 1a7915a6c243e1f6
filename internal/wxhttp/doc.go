// Package wxhttp is the one HTTP/JSON transport this module uses to call
// WeChat's servers: the /sns/ OAuth calls of package oauth now, and the
// cgi-bin API client next. It keeps four promises so that no caller has to:
//
//   - No redirect is ever followed. [NoRedirect] returns a copy of a client
//     whose CheckRedirect stops at the first answer, and every function here
//     applies it to the client it is given. A 3xx answer is a *[StatusError]
//     that matches [ErrRedirect]; neither its message nor anything else this
//     package returns holds the Location value. (Following a 302 would send
//     the query, with its AppSecret, code or access_token, to the new host in
//     the Referer header, and then trust that host's JSON.)
//   - Every read is bounded: the caller gives the limit in bytes per call, and
//     a larger body fails with [ErrResponseTooLarge].
//   - WeChat's errcode/errmsg envelope, which arrives with HTTP 200 and often
//     Content-Type text/plain, becomes an *[Error]; a status outside 200–299
//     becomes a *[StatusError]; a body that is not the JSON expected is a
//     *[DecodeError] matching [ErrInvalidResponse].
//   - No credential leaves in an error. The values of the query parameters
//     named by [IsCredential] (secret, code, access_token, refresh_token,
//     component_access_token) are replaced by [Redacted] in the URL of a
//     transport error (*url.Error), in the message of every error returned
//     and in Error.Msg (a server may echo the query back in errmsg).
//
// The API, ctx first:
//
//	func NoRedirect(c *http.Client) *http.Client
//	func GetJSON(ctx context.Context, c *http.Client, rawURL string, limit int64, out any) error
//	func PostJSON(ctx context.Context, c *http.Client, rawURL string, body any, limit int64, out any) error
//	func Do(ctx context.Context, c *http.Client, method, rawURL string, body io.Reader, contentType string) (*http.Response, error)
//	func ReadBody(resp *http.Response, limit int64) ([]byte, error)
//	func Decode(body []byte, out any) error
//	func Secrets(rawURL string) []string
//	func Scrub(err error, secrets ...string) error
//
// GetJSON and PostJSON are Do, ReadBody and Decode in a row, with Scrub
// applied to whatever fails. Do is the lower level for answers that are not
// always JSON, such as a media download that returns the file or a JSON
// error: it returns the 2xx response with its body open, and the caller
// reads it with ReadBody (bounded), decides by Content-Type, and calls
// Scrub(err, Secrets(rawURL)...) on its own errors.
//
// [Int] (with [ParseInt]) decodes a number WeChat may send quoted, as
// errcode and expires_in sometimes are. [IsCredential] names the query
// parameters whose values are scrubbed.
//
// Values a caller puts in a POST body (the AppSecret of stable_token) are not
// known to this package: wrap the error with [Scrub] and those values.
//
// The public packages convert these errors to their own types (oauth.Error,
// oauth.StatusError, …) with errors.As; the types here are never exported
// to users.
package wxhttp
