// Package wxmp is the root of a Go SDK for the server side of a WeChat
// Official Account (微信公众号 / 服务号). The root package holds only this
// overview; the work is done by small packages, each with one job:
//
//   - github.com/wxmp/wxmp/signature checks the signature WeChat puts on the
//     server-verification GET and on every push.
//   - github.com/wxmp/wxmp/message parses a push into a typed value (*message.Text,
//     *message.Image, …), handing events to github.com/wxmp/wxmp/event, which
//     types every event WeChat documents (*event.Subscribe, *event.Click, …).
//   - github.com/wxmp/wxmp/reply builds the passive reply that answers a push
//     within WeChat's 5-second window.
//   - github.com/wxmp/wxmp/msgcrypt opens and seals pushes in compatible and
//     safe mode (AES).
//   - github.com/wxmp/wxmp/oauth signs visitors into web pages with WeChat web
//     authorization (网页授权, OAuth 2.0) and fetches their profile.
//   - github.com/wxmp/wxmp/wxmptest plays WeChat's side in tests: it pushes
//     signed (and encrypted) messages to a handler, judges the replies by
//     WeChat's rules, and fakes WeChat's OAuth hosts. The command
//     github.com/wxmp/wxmp/cmd/wxmp does the same from a terminal.
//
// Every package works on bytes and strings first, so it fits any HTTP
// framework; net/http helpers sit on top. None of them depends on anything
// beyond the standard library.
//
// A complete plain-mode handler, which answers WeChat's server
// verification and echoes text messages back (README.md shows the same
// handler with its test):
//
//	func handle(w http.ResponseWriter, r *http.Request) {
//		if err := signature.VerifyRequest(token, r); err != nil {
//			http.Error(w, "bad signature", http.StatusForbidden)
//			return
//		}
//		if r.Method == http.MethodGet { // WeChat's server verification
//			signature.WriteEcho(w, r) // echostr as text/plain, never as HTML
//			return
//		}
//		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 256<<10)) // pushes are a few KiB
//		if err != nil {
//			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
//			return
//		}
//		msg, err := message.Parse(body)
//		if err != nil {
//			http.Error(w, "bad push", http.StatusBadRequest)
//			return
//		}
//		if m, ok := msg.(*message.Text); ok {
//			if out, err := reply.NewText(m, "you said: "+m.Content).Marshal(); err == nil {
//				w.Write(out)
//				return
//			}
//		}
//		io.WriteString(w, reply.Success) // "no reply", and WeChat does not retry
//	}
//
// The program in examples/echo is this handler grown into a server, with
// logging, limits and graceful shutdown.
package wxmp
