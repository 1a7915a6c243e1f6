// Package wxmptest plays WeChat's side of an Official Account's server URL,
// in the spirit of net/http/httptest: it pushes messages and events to a
// handler the way WeChat does and judges the answers by WeChat's rules, so
// that a handler can be tested on a laptop, failure cases included, without
// a public domain, port 80 or WeChat's test account.
//
// A [Pusher] (see [NewPusher]) targets an http.Handler in process
// ([WithHandler]) or a URL over HTTP ([WithURL]). [Pusher.Push] sends a typed
// message or event (built by [Pusher.Build]), [Pusher.PushXML] any XML;
// both sign the request with the token (signature, timestamp, nonce and
// openid in the query) and, in the compatible and safe modes
// ([WithEncryption]), encrypt it and add encrypt_type=aes and
// msg_signature. [Pusher.Verify] plays the GET with echostr that WeChat sends
// when the URL is saved.
//
//	func TestEcho(t *testing.T) {
//		p, err := wxmptest.NewPusher("my-token", wxmptest.WithHandler(newHandler()))
//		if err != nil {
//			t.Fatal(err)
//		}
//		res, err := p.Push(context.Background(), &message.Text{Content: "hi"})
//		if err != nil {
//			t.Fatal(err) // names the broken rule, e.g. wxmptest.ErrNotSwapped
//		}
//		if res.Reply.Content != "hi" {
//			t.Errorf("reply %q, want the echo", res.Reply.Content)
//		}
//	}
//
// # WeChat's rules
//
// An answer breaks a rule when it would make WeChat show the user
// "该公众号暂时无法提供服务，请稍后再试" instead of a reply. The error then wraps a
// [*Violation] naming the rule, matched with errors.Is:
//
//   - [ErrTimeout]: no answer within 5 s ([WithTimeout]), on the first
//     delivery and each retry. WeChat drops the connection at the deadline
//     and delivers the same push again, "a maximum of three retries"; this
//     package reads that as three deliveries after the first, four in all
//     ([WithRetries]), as WeChat's text does not say which it means.
//   - [ErrNoAnswer]: the connection failed or the handler panicked.
//   - [ErrStatus]: an HTTP status other than 200.
//   - [ErrNotXML]: neither "success", nor an empty body, nor one
//     well-formed <xml> document (JSON, truncated XML…).
//   - [ErrMsgType], [ErrNotSwapped], [ErrMissingField], [ErrArticleCount]:
//     the reply's MsgType is not a reply type; its ToUserName and
//     FromUserName are not the push's swapped; a field its type needs is
//     missing; a news reply's article count is wrong.
//   - [ErrNotEncrypted], [ErrBadEnvelope]: an encrypted push answered in
//     clear, or with an envelope whose MsgSignature, TimeStamp, Nonce or
//     Encrypt is wrong, or that does not decrypt for the AppID.
//   - [ErrEchostr]: the verification GET did not get the echostr back.
//
// # Retries, and what the user got
//
// WeChat drops a delivery not answered within 5 s and delivers the push
// again, byte for byte, up to three times, while the server may still be
// at work on the earlier delivery; a server recognizes the retries (by
// MsgId, or by the event's fields) and runs its handler once. A Pusher does
// the same: each retry starts when the delivery before it timed out
// ([WithTimeout] makes that short in tests, [WithRetries] sets the count).
// [Pusher.Prepare] seals a push without sending it and [Pusher.Deliver]
// sends it, again and again or from several goroutines at once, to play
// retries that reach the server while the first delivery runs, or after it
// finished.
//
// A valid answer is not a reply: "success", answered by a server's
// 5-second guard or by a retry of a push whose reply went with the first
// delivery, shows the user nothing. [Result.Outcome] says what the user
// got: a passive reply, an error, nothing, or a late reply, which a server
// sends after "success" as a customer-service message: give the Pusher the
// fake of WeChat's API the handler sends to ([WithAPIServer], and
// [NewAPIServer]) and the Result finds it there ([Result.LateReplies],
// [Result.AwaitOutcome]).
//
// [Pusher.Check] applies the reply rules to a body obtained some other way.
// The judge decodes replies itself, from the protocol, so it also judges
// replies that other libraries build.
//
// Everything random (nonces, echostr, MsgIds, the encryption's random
// prefix) comes from [WithRandom] and every stamp from [WithNow], so tests
// can make pushes reproducible.
//
// The command github.com/wxmp/wxmp/cmd/wxmp does the same from a terminal.
//
// For web authorization, [OAuthServer] fakes WeChat's OAuth hosts.
//
// The official references are
// https://developers.weixin.qq.com/doc/offiaccount/en/Basic_Information/Access_Overview.html
// and
// https://developers.weixin.qq.com/doc/offiaccount/en/Message_Management/Passive_user_reply_message.html
package wxmptest
