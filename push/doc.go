// Package push serves an Official Account's server URL: the endpoint to
// which WeChat sends the URL check and every message and event push. A
// [Server] is an http.Handler that does all the protocol work, so that a
// handler holds business logic only:
//
//	mux := push.NewMux()
//	push.Handle(mux, func(ctx context.Context, m *message.Text) (reply.Reply, error) {
//		return reply.NewText(m, m.Content), nil // echo
//	})
//	push.Handle(mux, func(ctx context.Context, e *event.Subscribe) (reply.Reply, error) {
//		return reply.NewText(e, "Welcome!"), nil
//	})
//	srv, err := push.NewServer(os.Getenv("WECHAT_TOKEN"), mux,
//		push.WithEncryption(os.Getenv("WECHAT_AES_KEY"), os.Getenv("WECHAT_APPID")))
//	if err != nil {
//		log.Fatal(err) // an empty token, a malformed key…
//	}
//	http.Handle("/wechat", srv)
//	log.Fatal(http.ListenAndServe(":8080", nil))
//
// Leave WithEncryption out for the plain mode (明文模式). Users of other
// routers, or of no router, use packages signature, msgcrypt, message and
// reply directly, which is what a Server is made of.
//
// # What a Server does with a request
//
// A GET is the check WeChat makes when the URL is saved: its signature is
// verified (signature.VerifyRequest) and the echostr written back
// (signature.WriteEcho). A POST is a push. It is authenticated before
// anything of it is parsed: by the query signature in the plain mode, by
// msg_signature over the ciphertext in the compatible and safe modes (a
// plain push to a server with encryption is refused unless
// [WithAcceptPlain]). The body is read within [WithMaxBodyBytes], decrypted,
// parsed by message.Parse, de-duplicated and given to the [Handler]; the
// reply is marshalled, sealed for the push's timestamp and nonce in the
// encrypted modes, and written as application/xml. No reply, an error or
// a panic answer "success". Requests that are not a valid push get a 4xx
// with a short reason, never a 5xx; see [Server] for the statuses.
//
// # Handlers
//
// A [Handler] (or a [HandlerFunc]) gets every push as message.Parse typed
// it. A [Mux] routes by type instead: [Handle] registers a function for one
// type, such as *message.Text or *event.Click, and [Mux.HandleFallback]
// takes the rest, *message.Unknown and *event.Unknown included. A type
// registered twice panics at registration, as in http.ServeMux.
//
// A handler's error or panic is logged ([WithLogger]) with the push's
// MsgType, event, sender, time and MsgId, never its content, the token or
// a key, and handed to [WithErrorHook]; the server answers "success" and
// goes on. A panic reaches the hook as a *[PanicError].
//
// # Retries
//
// WeChat sends a push again when it got no answer within 5 seconds, up to
// three times, about 5 seconds apart. A Server runs the handler once per
// push: a retry that arrives while the first delivery runs waits, within
// its own deadline, for that delivery's reply, and a retry that arrives
// later gets the stored reply, sealed afresh for its own timestamp and
// nonce. The push's DedupKey names it (see message.Message; [WithDedupKey]
// replaces it) and a [DedupStore] remembers it for [DefaultDedupTTL]: by
// default a [MemoryStore], bounded in entries and bytes; instances behind
// one URL share one ([WithDedup]). [WithoutDedup] turns this off.
//
// # The 5-second guard and late replies
//
// The handler runs on the request's goroutine, with a context whose
// deadline is [DefaultHandlerTimeout] (4 s, [WithHandlerTimeout]) away:
// WeChat stops waiting at 5 s, and the last second is for everything
// around the handler. If the handler has not returned by then, the context
// ends and a timer answers "success" at once, a complete response (with
// its Content-Length) flushed to WeChat, so that it neither retries nor
// shows the user an error; the handler is left to finish, and ServeHTTP
// returns when it has. A reply it returns within [DefaultLateTimeout]
// after the deadline ([WithLateTimeout]) goes to the [LateReplySender]
// ([WithLateReplies]), the customer-service message API, or is logged as
// dropped when none is configured. Retries of such a push answer
// "success". Middleware around the Server sees the request end only when
// the handler does; a ResponseWriter that cannot flush (see
// http.NewResponseController) sends the guard's answer when ServeHTTP
// returns.
//
// The handler's context is not the request's: net/http cancels that one as
// soon as the client hangs up, which would cut off a handler still at
// work after WeChat has its answer. It keeps the request context's values
// (it derives from context.WithoutCancel) and carries the handler
// deadline, so that a handler that honours it stops at the deadline. Work that should go on
// for the late reply takes [LateContext], which ends at the late timeout
// instead.
//
// The official references are
// https://developers.weixin.qq.com/doc/offiaccount/en/Basic_Information/Access_Overview.html
// and
// https://developers.weixin.qq.com/doc/offiaccount/en/Message_Management/Passive_user_reply_message.html
package push
