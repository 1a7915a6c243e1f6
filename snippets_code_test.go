package wxmp_test

// The compiled copies of the documentation's Go snippets (see
// snippets_test.go), and tests that run them. Each function below holds one
// snippet verbatim, indentation aside; a comment names where it comes from.
// Edit a snippet here and in the documentation together.

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/event"
	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/msgcrypt"
	"github.com/wxmp/wxmp/oauth"
	"github.com/wxmp/wxmp/push"
	"github.com/wxmp/wxmp/reply"
	"github.com/wxmp/wxmp/signature"
	"github.com/wxmp/wxmp/wxmptest"
)

// token is the token of the README's handler, the one its test snippet
// pushes with.
const token = "my-token"

// handle is README.md's "A handler in about 20 lines" and the handler of
// doc.go's package comment.
func handle(w http.ResponseWriter, r *http.Request) {
	if err := signature.VerifyRequest(token, r); err != nil {
		http.Error(w, "bad signature", http.StatusForbidden)
		return
	}
	if r.Method == http.MethodGet { // WeChat's server verification
		signature.WriteEcho(w, r) // echostr as text/plain, never as HTML
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 256<<10)) // pushes are a few KiB
	if err != nil {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	}
	msg, err := message.Parse(body)
	if err != nil {
		http.Error(w, "bad push", http.StatusBadRequest)
		return
	}
	if m, ok := msg.(*message.Text); ok {
		if out, err := reply.NewText(m, "you said: "+m.Content).Marshal(); err == nil {
			w.Write(out)
			return
		}
	}
	io.WriteString(w, reply.Success) // "no reply", and WeChat does not retry
}

// TestREADMEHandler runs the README's test snippet against the README's
// handler, as a reader who pastes both gets them, and plays the
// verification GET the handler answers.
func TestREADMEHandler(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	myHandler := http.HandlerFunc(handle)

	// README.md, "In your own tests":
	p, err := wxmptest.NewPusher("my-token", wxmptest.WithHandler(myHandler))
	require.NoError(t, err)
	res, err := p.Push(ctx, &message.Text{Content: "hi"}) // err names the broken rule, e.g. wxmptest.ErrNotSwapped
	require.NoError(t, err)
	assert.Equal(t, "you said: hi", res.Reply.Content)

	_, err = p.Verify(ctx)
	require.NoError(t, err, "the server verification GET")

	res, err = p.Push(ctx, &event.Subscribe{Event: event.NameSubscribe})
	require.NoError(t, err)
	assert.Equal(t, wxmptest.KindSuccess, res.Reply.Kind, "anything but text: success")

	res, err = p.PushXML(ctx, []byte("<xml><MsgType>text</MsgType><CreateTime>x</CreateTime></xml>"))
	require.Error(t, err, "a push that does not parse is answered with 400")
	assert.Equal(t, http.StatusBadRequest, res.StatusCode)
}

// readmeSafeMode is README.md's "Safe mode and compatible mode" snippet,
// grown into a handler where it leaves code out.
func readmeSafeMode(token, encodingAESKey, appID string) (http.Handler, error) {
	c, err := msgcrypt.New(token, encodingAESKey, appID) // the 43-character key from the console
	// …in the handler, for the POST:
	if err != nil {
		return nil, err
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		p, err := c.OpenRequest(r) // checks signature or msg_signature, decrypts, checks the AppID
		if err != nil {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		msg, err := message.Parse(p.Plaintext)
		// …build the reply as in plain mode, then:
		if err != nil {
			http.Error(w, "bad push", http.StatusBadRequest)
			return
		}
		replyXML, err := reply.NewText(msg, "got it").Marshal()
		if err != nil {
			io.WriteString(w, reply.Success)
			return
		}
		out, err := p.Seal(replyXML) // encrypted when the push was; "success" stays plain
		if err != nil {
			io.WriteString(w, reply.Success)
			return
		}
		w.Write(out)
	}), nil
}

// TestREADMESafeMode pushes an encrypted message to the README's safe-mode
// snippet and gets an encrypted reply back.
func TestREADMESafeMode(t *testing.T) {
	t.Parallel()
	const aesKey, appID = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wx5823bf96d3bd56c7"
	h, err := readmeSafeMode(token, aesKey, appID)
	require.NoError(t, err)
	p, err := wxmptest.NewPusher(token, wxmptest.WithHandler(h),
		wxmptest.WithEncryption(msgcrypt.ModeSafe, aesKey, appID))
	require.NoError(t, err)
	res, err := p.Push(t.Context(), &message.Text{Content: "hi"})
	require.NoError(t, err)
	assert.True(t, res.Reply.Encrypted)
	assert.Equal(t, "got it", res.Reply.Content)
}

// replyDoc holds reply/doc.go's snippet.
func replyDoc(w http.ResponseWriter, body []byte) {
	in, err := message.Parse(body)
	if err != nil {
		http.Error(w, "bad push", http.StatusBadRequest)
		return
	}
	out, err := reply.NewText(in, "你好").Marshal()
	if err != nil {
		io.WriteString(w, reply.Success) // no reply, and no retry
		return
	}
	w.Write(out) // in safe mode, encrypt out first
}

// messageDoc holds message/doc.go's snippet.
func messageDoc(w http.ResponseWriter, body []byte) {
	msg, err := message.Parse(body)
	if err != nil {
		http.Error(w, "bad push", http.StatusBadRequest)
		return
	}
	switch m := msg.(type) {
	case *message.Text:
		fmt.Println(m.FromUserName, "says", m.Content)
	case *event.Subscribe:
		fmt.Println(m.FromUserName, "followed")
	}
}

// eventDoc holds event/doc.go's snippet.
func eventDoc(body []byte) error {
	msg, err := message.Parse(body)
	if err != nil {
		return err
	}
	switch e := msg.(type) {
	case *event.Subscribe:
		if scene, ok := e.QRScene(); ok {
			fmt.Println(e.FromUserName, "followed from QR code", scene)
		}
	case *event.MassSendJobFinish:
		if code, ok := e.ErrCode(); ok {
			fmt.Println("mass send", e.MsgID, "stopped:", code)
		}
	case *event.Unknown:
		fmt.Println("new kind of event:", e.Event, len(e.Raw))
	}
	return nil
}

// TestPackageDocSnippets runs the package comments' snippets on a text
// push and on a body that is not a push.
func TestPackageDocSnippets(t *testing.T) {
	t.Parallel()
	push := []byte("<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o1]]></FromUserName>" +
		"<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi]]></Content>" +
		"<MsgId>1</MsgId></xml>")
	for name, serve := range map[string]func(http.ResponseWriter, []byte){"reply": replyDoc, "message": messageDoc} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w := httptest.NewRecorder()
			serve(w, push)
			assert.Equal(t, http.StatusOK, w.Code)
			w = httptest.NewRecorder()
			serve(w, []byte("not xml"))
			assert.Equal(t, http.StatusBadRequest, w.Code)
		})
	}
	require.NoError(t, eventDoc(push))
	require.Error(t, eventDoc([]byte("not xml")))
}

// newHandler is the handler wxmptest/doc.go's snippet tests: it echoes a
// text message's content.
func newHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if signature.VerifyRequest("my-token", r) != nil {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		msg, err := message.Parse(body)
		if err != nil {
			http.Error(w, "bad push", http.StatusBadRequest)
			return
		}
		if m, ok := msg.(*message.Text); ok {
			if out, err := reply.NewText(m, m.Content).Marshal(); err == nil {
				w.Write(out)
				return
			}
		}
		io.WriteString(w, reply.Success)
	})
}

// TestEcho is wxmptest/doc.go's snippet.
func TestEcho(t *testing.T) {
	p, err := wxmptest.NewPusher("my-token", wxmptest.WithHandler(newHandler()))
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Push(context.Background(), &message.Text{Content: "hi"})
	if err != nil {
		t.Fatal(err) // names the broken rule, e.g. wxmptest.ErrNotSwapped
	}
	if res.Reply.Content != "hi" {
		t.Errorf("reply %q, want the echo", res.Reply.Content)
	}
}

// oauthDoc holds oauth/doc.go's snippet; r is the callback's request, and
// endpoint stands in for WeChat's hosts.
func oauthDoc(ctx context.Context, r *http.Request, endpoint oauth.Endpoint) (string, *oauth.UserInfo, error) {
	cfg := oauth.Config{
		AppID:       "wx…",
		AppSecret:   os.Getenv("WECHAT_SECRET"),
		RedirectURL: "https://example.com/callback",
		Scope:       oauth.ScopeUserInfo,
	}
	state := rand.Text() // crypto/rand; keep it in an HttpOnly cookie
	link, err := cfg.AuthCodeURL(state)
	// … later, in the callback, after comparing ?state= with the cookie:
	if err != nil {
		return "", nil, err
	}
	cfg.Endpoint = endpoint
	tok, err := cfg.Exchange(ctx, r.FormValue("code"))
	if errors.Is(err, oauth.ErrCodeUsed) {
		// the page was reloaded: start again
	}
	user, err := cfg.UserInfo(ctx, tok, oauth.LangZhCN)
	return link, user, err
}

// TestOAuthDoc runs oauth/doc.go's snippet against the fake of WeChat's
// hosts, with a code the fake never issued: the link is WeChat's consent
// page, and the exchange fails, so there is no profile.
func TestOAuthDoc(t *testing.T) {
	t.Parallel()
	s := wxmptest.NewOAuthServer(wxmptest.OAuthConfig{})
	t.Cleanup(s.Close)
	r := httptest.NewRequest(http.MethodGet, "/callback?code=not-issued&state=x", nil)
	link, user, err := oauthDoc(t.Context(), r, s.Endpoint())
	require.Error(t, err)
	assert.Nil(t, user)
	assert.True(t, strings.HasPrefix(link, "https://open.weixin.qq.com/connect/oauth2/authorize?appid="), link)
}

// pushServerMain is README.md's "A push server in about 15 lines" and the
// snippet of push/doc.go. It is compiled, not run (it listens on :8080);
// push's own Example runs the same Mux against a push.
func pushServerMain() {
	mux := push.NewMux()
	push.Handle(mux, func(ctx context.Context, m *message.Text) (reply.Reply, error) {
		return reply.NewText(m, m.Content), nil // echo
	})
	push.Handle(mux, func(ctx context.Context, e *event.Subscribe) (reply.Reply, error) {
		return reply.NewText(e, "Welcome!"), nil
	})
	srv, err := push.NewServer(os.Getenv("WECHAT_TOKEN"), mux,
		push.WithEncryption(os.Getenv("WECHAT_AES_KEY"), os.Getenv("WECHAT_APPID")))
	if err != nil {
		log.Fatal(err) // an empty token, a malformed key…
	}
	http.Handle("/wechat", srv)
	log.Fatal(http.ListenAndServe(":8080", nil))
}

var _ = pushServerMain // compiled for the snippet test; never run
