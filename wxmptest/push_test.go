package wxmptest_test

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/event"
	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/msgcrypt"
	"github.com/wxmp/wxmp/reply"
	"github.com/wxmp/wxmp/signature"
	"github.com/wxmp/wxmp/wxmptest"
)

// TestPushGoodAccount pushes every kind of input the good account answers
// differently, in all three modes, and checks the reply a user would see.
func TestPushGoodAccount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		in    message.Message
		check func(t *testing.T, r *wxmptest.Reply)
	}{
		{"text echoed", &message.Text{Content: "你好 ]]> <b>&amp;\r\nCRLF"}, func(t *testing.T, r *wxmptest.Reply) {
			assert.Equal(t, "text", r.MsgType)
			assert.Equal(t, "你好 ]]> <b>&amp;\r\nCRLF", r.Content)
		}},
		{"follow gets two articles", &event.Subscribe{Event: event.NameSubscribe}, func(t *testing.T, r *wxmptest.Reply) {
			assert.Equal(t, "news", r.MsgType)
			require.Len(t, r.Articles, 2)
			assert.Equal(t, "Getting started", r.Articles[1].Title)
			assert.Equal(t, "https://example.com/2", r.Articles[1].URL)
		}},
		{"image", &message.Image{MediaID: "m-1", PicURL: "https://example.com/p.jpg"}, func(t *testing.T, r *wxmptest.Reply) {
			assert.Equal(t, "image", r.MsgType)
			assert.Equal(t, "m-1", r.MediaID)
		}},
		{"voice", &message.Voice{MediaID: "v-1", Format: "amr"}, func(t *testing.T, r *wxmptest.Reply) {
			assert.Equal(t, "voice", r.MsgType)
			assert.Equal(t, "v-1", r.MediaID)
		}},
		{"video", &message.Video{MediaID: "vid-1"}, func(t *testing.T, r *wxmptest.Reply) {
			assert.Equal(t, "video", r.MsgType)
			assert.Equal(t, "vid-1", r.MediaID)
			assert.Equal(t, "clip", r.Title)
		}},
		{"location gets music", &message.Location{LocationX: 23.1, LocationY: 113.3, Label: "x"}, func(t *testing.T, r *wxmptest.Reply) {
			assert.Equal(t, "music", r.MsgType)
			assert.Equal(t, "thumb-1", r.ThumbMediaID)
		}},
		{"link to customer service", &message.Link{Title: "t", URL: "https://example.com"}, func(t *testing.T, r *wxmptest.Reply) {
			assert.Equal(t, "transfer_customer_service", r.MsgType)
		}},
		{"click gets success", &event.Click{Event: event.NameClick, EventKey: "K"}, func(t *testing.T, r *wxmptest.Reply) {
			assert.Equal(t, wxmptest.KindSuccess, r.Kind)
		}},
		{"unfollow gets an empty body", &event.Unsubscribe{Event: event.NameUnsubscribe}, func(t *testing.T, r *wxmptest.Reply) {
			assert.Equal(t, wxmptest.KindEmpty, r.Kind)
		}},
	}
	for _, mode := range allModes {
		t.Run(mode.String(), func(t *testing.T) {
			t.Parallel()
			acct := newAccount(t, goodAnswer)
			p := newTestPusher(t, acct, mode)
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					res, err := p.Push(context.Background(), tt.in)
					require.NoError(t, err)
					require.NotNil(t, res.Reply)
					assert.Equal(t, 1, res.Attempts)
					assert.Equal(t, http.StatusOK, res.StatusCode)
					if res.Reply.Kind == wxmptest.KindXML {
						assert.Equal(t, wxmptest.DefaultOpenID, res.Reply.ToUserName)
						assert.Equal(t, wxmptest.DefaultAccount, res.Reply.FromUserName)
						assert.Equal(t, mode != msgcrypt.ModePlain, res.Reply.Encrypted)
						assert.InDelta(t, time.Now().Unix(), res.Reply.CreateTime, 5)
					}
					tt.check(t, res.Reply)
				})
			}
		})
	}
}

// TestPushBrokenHandlers answers pushes in every way that makes WeChat show
// "该公众号暂时无法提供服务" and expects the rule to be named.
func TestPushBrokenHandlers(t *testing.T) {
	t.Parallel()
	plainOnly := []msgcrypt.Mode{msgcrypt.ModePlain}
	encrypted := []msgcrypt.Mode{msgcrypt.ModeCompatible, msgcrypt.ModeSafe}
	tests := []struct {
		name   string
		modes  []msgcrypt.Mode
		in     message.Message // nil means a text message
		answer answerFunc
		rule   error
	}{
		// A good answer, but written only after the Pusher gave up (see
		// the loop: the rule ErrTimeout makes the handler slow).
		{"slow", allModes, nil, goodAnswer, wxmptest.ErrTimeout},
		{"JSON reply", allModes, nil, func(in message.Message, _ *msgcrypt.Push) (int, []byte) {
			return 0, []byte(`{"ToUserName":"` + in.Head().FromUserName + `","MsgType":"text","Content":"hi"}`)
		}, wxmptest.ErrNotXML},
		{"To and From not swapped", allModes, nil, handReply(func(r *textReply) {
			r.ToUserName, r.FromUserName = r.FromUserName, r.ToUserName
		}), wxmptest.ErrNotSwapped},
		{"reply to another user", allModes, nil, handReply(func(r *textReply) { r.ToUserName = "oSomeoneElse" }), wxmptest.ErrNotSwapped},
		{"truncated XML", plainOnly, nil, func(in message.Message, p *msgcrypt.Push) (int, []byte) {
			_, b := goodAnswer(in, p)
			return 0, b[:len(b)/2]
		}, wxmptest.ErrNotXML},
		{"truncated envelope", encrypted, nil, func(in message.Message, p *msgcrypt.Push) (int, []byte) {
			_, b := goodAnswer(in, p)
			return 0, b[:len(b)-10]
		}, wxmptest.ErrNotXML},
		{"plaintext reply to an encrypted push", encrypted, nil, func(in message.Message, _ *msgcrypt.Push) (int, []byte) {
			b, _ := reply.NewText(in, "hi").Marshal()
			return 0, b
		}, wxmptest.ErrNotEncrypted},
		{"encrypted reply to a plain push", plainOnly, nil, func(in message.Message, _ *msgcrypt.Push) (int, []byte) {
			c, _ := msgcrypt.New(pushToken, pushAESKey, pushAppID)
			b, _ := reply.NewText(in, "hi").Marshal()
			out, _ := c.Encrypt(msgcrypt.CurrentKey, b, "1700000000", "1")
			return 0, out
		}, wxmptest.ErrMsgType},
		{"envelope for another AppID", encrypted, nil, func(in message.Message, _ *msgcrypt.Push) (int, []byte) {
			c, _ := msgcrypt.New(pushToken, pushAESKey, otherAppID)
			b, _ := reply.NewText(in, "hi").Marshal()
			out, _ := c.Encrypt(msgcrypt.CurrentKey, b, "1700000000", "1")
			return 0, out
		}, wxmptest.ErrBadEnvelope},
		{"envelope signed with another token", encrypted, nil, func(in message.Message, _ *msgcrypt.Push) (int, []byte) {
			c, _ := msgcrypt.New("another-token", pushAESKey, pushAppID)
			b, _ := reply.NewText(in, "hi").Marshal()
			out, _ := c.Encrypt(msgcrypt.CurrentKey, b, "1700000000", "1")
			return 0, out
		}, wxmptest.ErrBadEnvelope},
		{"envelope without TimeStamp", encrypted, nil, func(in message.Message, p *msgcrypt.Push) (int, []byte) {
			_, b := goodAnswer(in, p)
			start, end := bytes.Index(b, []byte("<TimeStamp>")), bytes.Index(b, []byte("</TimeStamp>"))
			return 0, append(append([]byte{}, b[:start]...), b[end+len("</TimeStamp>"):]...)
		}, wxmptest.ErrBadEnvelope},
		{"HTTP 500", allModes, nil, func(message.Message, *msgcrypt.Push) (int, []byte) {
			return http.StatusInternalServerError, []byte("oops")
		}, wxmptest.ErrStatus},
		{"MsgType in the wrong case", allModes, nil, handReply(func(r *textReply) { r.MsgType = "Text" }), wxmptest.ErrMsgType},
		{"no MsgType", allModes, nil, handReply(func(r *textReply) { r.MsgType = "" }), wxmptest.ErrMsgType},
		{"empty Content", allModes, nil, handReply(func(r *textReply) { r.Content = "" }), wxmptest.ErrMissingField},
		{"two articles to a text", allModes, nil, handNews(2, 2), wxmptest.ErrArticleCount},
		{"nine articles to a follow", allModes, &event.Subscribe{Event: event.NameSubscribe}, handNews(9, 9), wxmptest.ErrArticleCount},
		{"ArticleCount not the items", allModes, &event.Subscribe{Event: event.NameSubscribe}, handNews(3, 2), wxmptest.ErrArticleCount},
		{"panic", allModes, nil, func(message.Message, *msgcrypt.Push) (int, []byte) {
			panic("handler bug")
		}, wxmptest.ErrNoAnswer},
		{"SUCCESS in capitals", allModes, nil, func(message.Message, *msgcrypt.Push) (int, []byte) {
			return 0, []byte("SUCCESS")
		}, wxmptest.ErrNotXML},
	}
	for _, tt := range tests {
		for _, mode := range tt.modes {
			t.Run(tt.name+"/"+mode.String(), func(t *testing.T) {
				t.Parallel()
				in := tt.in
				if in == nil {
					in = &message.Text{Content: "hello"}
				}
				var h http.Handler = newAccount(t, tt.answer)
				timeout := answerTimeout // the broken handlers do answer
				if tt.rule == wxmptest.ErrTimeout {
					h, timeout = afterGivingUp(h), fastTimeout
				}
				p := newTestPusher(t, h, mode, wxmptest.WithRetries(0), wxmptest.WithTimeout(timeout))
				res, err := p.Push(context.Background(), in)
				require.Error(t, err)
				assert.ErrorIs(t, err, tt.rule)
				var v *wxmptest.Violation
				require.ErrorAs(t, err, &v)
				assert.Equal(t, tt.rule, v.Rule)
				require.NotNil(t, res)
				assert.Equal(t, 1, res.Attempts)
				for _, secret := range []string{pushToken, pushAESKey, "hello"} {
					assert.NotContains(t, err.Error(), secret)
				}
			})
		}
	}
}

// handNews answers with a news reply written by hand, as a library other
// than package reply (which refuses too many articles) might: count in
// ArticleCount and items <item>s.
func handNews(count, items int) answerFunc {
	type item struct {
		Title string `xml:"Title"`
		URL   string `xml:"Url"`
	}
	type news struct {
		XMLName      xml.Name `xml:"xml"`
		ToUserName   string   `xml:"ToUserName"`
		FromUserName string   `xml:"FromUserName"`
		CreateTime   int64    `xml:"CreateTime"`
		MsgType      string   `xml:"MsgType"`
		ArticleCount int      `xml:"ArticleCount"`
		Items        []item   `xml:"Articles>item"`
	}
	return func(in message.Message, p *msgcrypt.Push) (int, []byte) {
		n := news{ToUserName: in.Head().FromUserName, FromUserName: in.Head().ToUserName,
			CreateTime: time.Now().Unix(), MsgType: "news", ArticleCount: count}
		for i := range items {
			n.Items = append(n.Items, item{Title: "article " + strconv.Itoa(i+1), URL: "https://example.com"})
		}
		return 0, sealedXML(p, n)
	}
}

// TestPushRetries checks the delivery count: a push not answered in time
// is delivered again, identical, up to the retries, and the first answer in
// time wins.
func TestPushRetries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		retries   int
		slowCalls int32 // how many first deliveries are answered only after the Pusher gave up
		wantCalls int32
		wantErr   error
	}{
		{"answered on the first", 3, 0, 1, nil},
		{"answered on the second", 3, 1, 2, nil},
		{"answered on the last retry", 3, 3, 4, nil},
		{"never answered: four deliveries", 3, 99, 4, wxmptest.ErrTimeout},
		{"no retries", 0, 99, 1, wxmptest.ErrTimeout},
		{"one retry", 1, 1, 2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// Each slow delivery costs the whole timeout. Where a later
			// delivery must be answered in time, that is WeChat's 5 s, more
			// than three times the slowest answer seen on a loaded machine
			// under -race; where none is, the short one the test is about.
			timeout := wxmptest.DefaultTimeout
			if tt.wantErr != nil {
				timeout = fastTimeout
			}
			var mu sync.Mutex
			var seen []string
			var deliveries atomic.Int32
			finished := make(chan struct{}, 16)
			acct := newAccount(t, goodAnswer)
			rec := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				defer func() { finished <- struct{}{} }()
				body, _ := io.ReadAll(r.Body)
				mu.Lock()
				seen = append(seen, r.URL.RawQuery+"\n"+string(body))
				mu.Unlock()
				r.Body = io.NopCloser(bytes.NewReader(body))
				if deliveries.Add(1) <= tt.slowCalls {
					<-r.Context().Done() // the Pusher gave up on this delivery
				}
				acct.ServeHTTP(w, r)
			})
			p := newTestPusher(t, rec, msgcrypt.ModeSafe, wxmptest.WithRetries(tt.retries), wxmptest.WithTimeout(timeout))
			res, err := p.Push(context.Background(), &message.Text{Content: "hello"})
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				assert.Contains(t, err.Error(), "none answered within 50ms")
				assert.Zero(t, res.StatusCode)
				assert.Nil(t, res.Reply)
			} else {
				require.NoError(t, err)
				assert.Equal(t, "hello", res.Reply.Content)
			}
			assert.Equal(t, int(tt.wantCalls), res.Attempts)
			for range tt.wantCalls {
				waitFor(t, finished, "a delivery's handler")
			}
			assert.Equal(t, tt.wantCalls, deliveries.Load())
			assert.Equal(t, tt.wantCalls, acct.calls.Load())
			mu.Lock()
			defer mu.Unlock()
			for _, s := range seen[1:] {
				assert.Equal(t, seen[0], s, "a retry is the same push, byte for byte")
			}
		})
	}
}

// TestPushRequestShape checks the request itself against the protocol,
// decrypting with a small implementation written here from the protocol
// rather than with package msgcrypt.
func TestPushRequestShape(t *testing.T) {
	t.Parallel()
	for _, mode := range allModes {
		t.Run(mode.String(), func(t *testing.T) {
			t.Parallel()
			var got *http.Request
			var gotBody []byte
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got = r
				gotBody, _ = io.ReadAll(r.Body)
				io.WriteString(w, "success")
			})
			p := newTestPusher(t, h, mode,
				wxmptest.WithURL("http://example.com/wechat?tenant=7"),
				wxmptest.WithOpenID("oUser1"), wxmptest.WithAccount("gh_acct1"),
				wxmptest.WithNow(fixedClock()))
			res, err := p.Push(context.Background(), &message.Text{Content: "secret words"})
			require.NoError(t, err)
			require.NotNil(t, got)

			assert.Equal(t, http.MethodPost, got.Method)
			assert.Equal(t, "/wechat", got.URL.Path)
			q := got.URL.Query()
			assert.Equal(t, "7", q.Get("tenant"), "the URL's own query is kept")
			assert.Equal(t, "1700000000", q.Get("timestamp"))
			assert.Equal(t, "oUser1", q.Get("openid"))
			require.NoError(t, signature.VerifyQuery(pushToken, q))
			assert.Equal(t, res.Body, gotBody)

			var push struct {
				ToUserName, FromUserName, MsgType, Content, Encrypt string
				CreateTime, MsgId                                   int64
			}
			require.NoError(t, xml.Unmarshal(gotBody, &push))
			assert.Equal(t, "gh_acct1", push.ToUserName)
			if mode == msgcrypt.ModePlain {
				assert.Empty(t, q.Get("encrypt_type"))
				assert.Empty(t, q.Get("msg_signature"))
				assert.Equal(t, "secret words", push.Content)
				assert.Empty(t, push.Encrypt)
				return
			}
			assert.Equal(t, "aes", q.Get("encrypt_type"))
			require.NotEmpty(t, push.Encrypt)
			assert.Equal(t, sha1Sorted(pushToken, q.Get("timestamp"), q.Get("nonce"), push.Encrypt), q.Get("msg_signature"))
			plain, appID := decryptIndependently(t, push.Encrypt)
			assert.Equal(t, pushAppID, appID)
			assert.Equal(t, res.Push, plain)
			var inner struct {
				ToUserName, FromUserName, MsgType, Content string
				CreateTime, MsgId                          int64
			}
			require.NoError(t, xml.Unmarshal(plain, &inner))
			assert.Equal(t, "oUser1", inner.FromUserName)
			assert.Equal(t, "text", inner.MsgType)
			assert.Equal(t, "secret words", inner.Content)
			assert.EqualValues(t, 1700000000, inner.CreateTime)
			assert.NotZero(t, inner.MsgId, "a MsgId is filled in for de-duplicating handlers")
			if mode == msgcrypt.ModeSafe {
				assert.Empty(t, push.Content, "safe mode sends only ToUserName and Encrypt")
				assert.NotContains(t, string(gotBody), "secret words")
			} else {
				assert.Equal(t, "secret words", push.Content, "compatible mode keeps the fields in clear")
				assert.Equal(t, inner.MsgId, push.MsgId)
			}
		})
	}
}

// TestPushOverHTTP runs the account behind a real server and checks what
// only a network shows: refused connections and redirects.
func TestPushOverHTTP(t *testing.T) {
	t.Parallel()
	acct := newAccount(t, goodAnswer)
	mux := http.NewServeMux()
	mux.Handle("/wechat", acct)
	mux.Handle("/moved", http.RedirectHandler("/wechat", http.StatusFound))
	// /slow answers well, but only once the Pusher has hung up (which ends
	// the request's context on the server once the body is read), or when
	// the test ends.
	slow := newAccount(t, goodAnswer)
	mux.Handle("/slow", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		select {
		case <-r.Context().Done():
		case <-t.Context().Done():
		}
		slow.ServeHTTP(w, r)
	}))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	urlPusher := func(t *testing.T, u string, mode msgcrypt.Mode, timeout time.Duration) *wxmptest.Pusher {
		p, err := wxmptest.NewPusher(pushToken, wxmptest.WithURL(u),
			wxmptest.WithEncryption(mode, pushAESKey, pushAppID), wxmptest.WithTimeout(timeout), wxmptest.WithRetries(1))
		require.NoError(t, err)
		return p
	}
	for _, mode := range allModes {
		t.Run("good/"+mode.String(), func(t *testing.T) {
			t.Parallel()
			p := urlPusher(t, srv.URL+"/wechat", mode, answerTimeout)
			res, err := p.Push(context.Background(), &message.Text{Content: "over the wire"})
			require.NoError(t, err)
			assert.Equal(t, "over the wire", res.Reply.Content)

			vres, err := urlPusher(t, srv.URL+"/wechat", mode, answerTimeout).Push(context.Background(), &event.Unsubscribe{Event: event.NameUnsubscribe})
			require.NoError(t, err)
			assert.Equal(t, wxmptest.KindEmpty, vres.Reply.Kind)
		})
	}
	t.Run("redirect is not followed", func(t *testing.T) {
		t.Parallel()
		_, err := urlPusher(t, srv.URL+"/moved", msgcrypt.ModePlain, answerTimeout).Push(context.Background(), &message.Text{Content: "x"})
		require.ErrorIs(t, err, wxmptest.ErrStatus)
		assert.Contains(t, err.Error(), "302")
		assert.NotContains(t, err.Error(), "/wechat", "the Location is not in the error")
	})
	t.Run("redirect is not followed with a client that would", func(t *testing.T) {
		t.Parallel()
		follows := &http.Client{Timeout: time.Minute} // net/http's default: up to 10 redirects
		p, err := wxmptest.NewPusher(pushToken, wxmptest.WithURL(srv.URL+"/moved"), wxmptest.WithHTTPClient(follows),
			wxmptest.WithTimeout(answerTimeout), wxmptest.WithRetries(0))
		require.NoError(t, err)
		res, err := p.Push(context.Background(), &message.Text{Content: "x"})
		require.ErrorIs(t, err, wxmptest.ErrStatus)
		assert.Equal(t, http.StatusFound, res.StatusCode)
		assert.Nil(t, follows.CheckRedirect, "the given client is not changed")
		vres, err := p.Verify(context.Background())
		require.ErrorIs(t, err, wxmptest.ErrStatus)
		assert.Equal(t, http.StatusFound, vres.StatusCode)
	})
	t.Run("slow over the network", func(t *testing.T) {
		t.Parallel()
		res, err := urlPusher(t, srv.URL+"/slow", msgcrypt.ModeSafe, fastTimeout).Push(context.Background(), &message.Text{Content: "x"})
		require.ErrorIs(t, err, wxmptest.ErrTimeout)
		assert.Equal(t, 2, res.Attempts)
	})
	t.Run("connection refused", func(t *testing.T) {
		t.Parallel()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := ln.Addr().String()
		require.NoError(t, ln.Close())
		_, err = urlPusher(t, "http://"+addr+"/wechat", msgcrypt.ModePlain, answerTimeout).Push(context.Background(), &message.Text{Content: "x"})
		require.ErrorIs(t, err, wxmptest.ErrNoAnswer)
		assert.NotContains(t, err.Error(), "signature=", "the URL with its signature stays out of the error")
	})
}

func TestPushContextEnds(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	p := newTestPusher(t, h, msgcrypt.ModePlain, wxmptest.WithTimeout(time.Minute))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	_, err := p.Push(ctx, &message.Text{Content: "x"})
	require.ErrorIs(t, err, context.DeadlineExceeded)
	var v *wxmptest.Violation
	assert.False(t, errors.As(err, &v), "the caller's deadline is not WeChat's rule")

	done, stop := context.WithCancel(context.Background())
	stop()
	_, err = p.Push(done, &message.Text{Content: "x"})
	require.ErrorIs(t, err, context.Canceled)
}

// TestPushAnswerAfterGivingUp checks that an answer the handler writes
// only once the Pusher has given up (its request's context is done) never
// counts as answered in time, however the goroutines happen to be
// scheduled: with a 1 ns timeout the deadline has passed before the
// handler starts, so the handler's answer and the deadline are both ready
// when the Pusher looks, again and again.
func TestPushAnswerAfterGivingUp(t *testing.T) {
	t.Parallel()
	late := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
		io.WriteString(w, "success")
	})
	p := newTestPusher(t, late, msgcrypt.ModePlain, wxmptest.WithTimeout(time.Nanosecond), wxmptest.WithRetries(0))
	for i := range 200 {
		res, err := p.Push(context.Background(), &message.Text{Content: "x"})
		require.ErrorIs(t, err, wxmptest.ErrTimeout, "push %d", i)
		require.Zero(t, res.StatusCode, "push %d", i)
	}
}

// TestPushReproducible checks that a fixed clock and random source give
// the same push, ciphertext included, from run to run.
func TestPushReproducible(t *testing.T) {
	t.Parallel()
	var bodies [2][]byte
	var queries [2]url.Values
	for i := range bodies {
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
		p := newTestPusher(t, h, msgcrypt.ModeSafe, wxmptest.WithRandom(seeded(1)), wxmptest.WithNow(fixedClock()))
		res, err := p.Push(context.Background(), &message.Text{Content: "same"})
		require.NoError(t, err)
		bodies[i], queries[i] = res.Body, res.Query
	}
	assert.Equal(t, bodies[0], bodies[1])
	assert.Equal(t, queries[0], queries[1])

	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	p := newTestPusher(t, h, msgcrypt.ModeSafe, wxmptest.WithRandom(seeded(2)), wxmptest.WithNow(fixedClock()))
	res, err := p.Push(context.Background(), &message.Text{Content: "same"})
	require.NoError(t, err)
	assert.NotEqual(t, bodies[0], res.Body, "another seed gives another nonce and ciphertext")
}

func TestPushXMLSendsAsIs(t *testing.T) {
	t.Parallel()
	raw := readPush(t, "wechatpy_text.xml")
	var got []byte
	acct := newAccount(t, func(in message.Message, p *msgcrypt.Push) (int, []byte) {
		got = p.Plaintext
		return goodAnswer(in, p)
	})
	for _, mode := range allModes {
		p := newTestPusher(t, acct, mode)
		res, err := p.PushXML(context.Background(), raw)
		require.NoError(t, err, mode)
		assert.Equal(t, raw, got, "the handler gets the raw push byte for byte")
		assert.Equal(t, "fromUser", res.Query.Get("openid"), "openid follows the push's FromUserName")
		assert.Equal(t, "fromUser", res.Reply.ToUserName)
		assert.Equal(t, "toUser", res.Reply.FromUserName)
	}
}

func TestNewPusherConfig(t *testing.T) {
	t.Parallel()
	h := http.NotFoundHandler()
	tests := []struct {
		name  string
		token string
		opts  []wxmptest.Option
		want  string // in the error: the option, never the value
	}{
		{"empty token", "", []wxmptest.Option{wxmptest.WithHandler(h)}, "empty token"},
		{"no target", pushToken, nil, "no target"},
		{"nil handler", pushToken, []wxmptest.Option{wxmptest.WithHandler(nil)}, "WithHandler"},
		{"relative URL", pushToken, []wxmptest.Option{wxmptest.WithURL("/wechat")}, "WithURL"},
		{"ftp URL", pushToken, []wxmptest.Option{wxmptest.WithURL("ftp://example.com/")}, "WithURL"},
		{"bad URL", pushToken, []wxmptest.Option{wxmptest.WithURL("http://[::1")}, "WithURL"},
		{"nil client", pushToken, []wxmptest.Option{wxmptest.WithHandler(h), wxmptest.WithHTTPClient(nil)}, "WithHTTPClient"},
		{"safe without key", pushToken, []wxmptest.Option{wxmptest.WithHandler(h), wxmptest.WithEncryption(msgcrypt.ModeSafe, "", pushAppID)}, "WithEncryption"},
		{"safe without AppID", pushToken, []wxmptest.Option{wxmptest.WithHandler(h), wxmptest.WithEncryption(msgcrypt.ModeSafe, pushAESKey, "")}, "WithEncryption"},
		{"short key", pushToken, []wxmptest.Option{wxmptest.WithHandler(h), wxmptest.WithEncryption(msgcrypt.ModeCompatible, pushAESKey[:42], pushAppID)}, "WithEncryption"},
		{"unknown mode", pushToken, []wxmptest.Option{wxmptest.WithHandler(h), wxmptest.WithEncryption(msgcrypt.Mode(9), pushAESKey, pushAppID)}, "WithEncryption"},
		{"zero timeout", pushToken, []wxmptest.Option{wxmptest.WithHandler(h), wxmptest.WithTimeout(0)}, "WithTimeout"},
		{"negative retries", pushToken, []wxmptest.Option{wxmptest.WithHandler(h), wxmptest.WithRetries(-1)}, "WithRetries"},
		{"nil clock", pushToken, []wxmptest.Option{wxmptest.WithHandler(h), wxmptest.WithNow(nil)}, "WithNow"},
		{"nil random", pushToken, []wxmptest.Option{wxmptest.WithHandler(h), wxmptest.WithRandom(nil)}, "WithRandom"},
		{"empty OpenID", pushToken, []wxmptest.Option{wxmptest.WithHandler(h), wxmptest.WithOpenID("")}, "WithOpenID"},
		{"empty account", pushToken, []wxmptest.Option{wxmptest.WithHandler(h), wxmptest.WithAccount("")}, "WithAccount"},
		{"nil API server", pushToken, []wxmptest.Option{wxmptest.WithHandler(h), wxmptest.WithAPIServer(nil)}, "WithAPIServer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := wxmptest.NewPusher(tt.token, tt.opts...)
			require.ErrorIs(t, err, wxmptest.ErrInvalidConfig)
			assert.Contains(t, err.Error(), tt.want)
			assert.Nil(t, p)
			assert.NotContains(t, err.Error(), pushAESKey[:42])
			assert.NotContains(t, err.Error(), pushToken)
		})
	}

	p, err := wxmptest.NewPusher(pushToken, wxmptest.WithHandler(h),
		wxmptest.WithEncryption(msgcrypt.ModeSafe, pushAESKey, pushAppID),
		wxmptest.WithEncryption(msgcrypt.ModePlain, "", ""))
	require.NoError(t, err)
	assert.Equal(t, msgcrypt.ModePlain, p.Mode(), "a later option wins")

	p, err = wxmptest.NewPusher(pushToken, nil, wxmptest.WithHandler(h), nil,
		wxmptest.WithEncryption(msgcrypt.ModeSafe, pushAESKey, pushAppID), nil)
	require.NoError(t, err, "a nil Option is skipped")
	assert.Equal(t, msgcrypt.ModeSafe, p.Mode())
}

// sha1Sorted is WeChat's signature written out from the protocol: the
// parts sorted, joined and hashed with SHA-1, in lowercase hex.
func sha1Sorted(parts ...string) string {
	parts = slices.Clone(parts)
	slices.Sort(parts)
	sum := sha1.Sum([]byte(strings.Join(parts, "")))
	return hex.EncodeToString(sum[:])
}

// decryptIndependently decrypts an Encrypt text from the protocol: base64,
// AES-256-CBC with IV = key[:16], PKCS#7 to 32 bytes, then random(16) ||
// length(4, big-endian) || message || AppID.
func decryptIndependently(t *testing.T, encrypt string) (msg []byte, appID string) {
	t.Helper()
	key, err := base64.StdEncoding.DecodeString(pushAESKey + "=")
	require.NoError(t, err)
	ct, err := base64.StdEncoding.DecodeString(encrypt)
	require.NoError(t, err)
	require.Zero(t, len(ct)%aes.BlockSize)
	block, err := aes.NewCipher(key)
	require.NoError(t, err)
	pt := make([]byte, len(ct))
	cipher.NewCBCDecrypter(block, key[:16]).CryptBlocks(pt, ct)
	pad := int(pt[len(pt)-1])
	require.True(t, pad >= 1 && pad <= 32)
	pt = pt[:len(pt)-pad]
	n := binary.BigEndian.Uint32(pt[16:20])
	return pt[20 : 20+n], string(pt[20+n:])
}

// lateTransport answers every request with 200 and body, but only once
// the request's context is done: an answer that reaches the Pusher after
// its deadline, as a real one does when the deadline's timer fires late
// on a loaded machine and the answer wins the race. calls counts requests.
type lateTransport struct {
	body  string
	calls atomic.Int32
}

func (l *lateTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	l.calls.Add(1)
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	<-r.Context().Done()
	return &http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{"Content-Type": {"text/plain"}},
		Body:       io.NopCloser(strings.NewReader(l.body)),
		Request:    r,
	}, nil
}

// TestPushLateAnswerOverHTTP checks that an answer over HTTP that comes
// after the delivery's deadline is late, as it is in process: the push is
// delivered again and, never answered in time, fails with ErrTimeout.
func TestPushLateAnswerOverHTTP(t *testing.T) {
	t.Parallel()
	late := &lateTransport{body: "success"}
	p, err := wxmptest.NewPusher(pushToken, wxmptest.WithURL("http://wechat.example/wechat"),
		wxmptest.WithHTTPClient(&http.Client{Transport: late}),
		wxmptest.WithTimeout(fastTimeout), wxmptest.WithRetries(1))
	require.NoError(t, err)
	res, err := p.Push(context.Background(), &message.Text{Content: "x"})
	require.ErrorIs(t, err, wxmptest.ErrTimeout)
	assert.Equal(t, 2, res.Attempts)
	assert.Zero(t, res.StatusCode)
	assert.Nil(t, res.Reply)
	assert.EqualValues(t, 2, late.calls.Load())

	// The verification GET too.
	_, err = p.Verify(context.Background())
	require.ErrorIs(t, err, wxmptest.ErrTimeout)

	// The caller's context ending first is reported as such.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = p.Push(ctx, &message.Text{Content: "x"})
	require.ErrorIs(t, err, context.Canceled)
}

// TestPushInProcessFlushedAnswer: in process, as over HTTP, a handler that
// flushes a complete answer (its whole Content-Length) has answered, however
// long it goes on afterwards, as package push's guard does at its deadline;
// a flush of an incomplete answer, or of one without Content-Length, answers
// nothing until the handler returns.
func TestPushInProcessFlushedAnswer(t *testing.T) {
	t.Parallel()
	write := func(length string, body string, then func(r *http.Request)) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if length != "" {
				w.Header().Set("Content-Length", length)
			}
			io.WriteString(w, body)
			http.NewResponseController(w).Flush()
			then(r)
		})
	}
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	held := func(*http.Request) { <-release }                      // answers only when the test ends
	untilGivenUp := func(r *http.Request) { <-r.Context().Done() } // returns only when the Pusher gave up

	for _, tt := range []struct {
		name    string
		h       http.Handler
		timeout time.Duration
		want    error
	}{
		{"complete, handler still running", write("7", "success", held), answerTimeout, nil},
		{"complete, then a panic", write("7", "success", func(*http.Request) { panic("after the answer") }), answerTimeout, nil},
		{"no Content-Length", write("", "success", untilGivenUp), fastTimeout, wxmptest.ErrTimeout},
		{"body shorter than Content-Length", write("8", "success", untilGivenUp), fastTimeout, wxmptest.ErrTimeout},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := newTestPusher(t, tt.h, msgcrypt.ModePlain, wxmptest.WithRetries(0), wxmptest.WithTimeout(tt.timeout))
			res, err := p.Push(context.Background(), &message.Text{Content: "x"})
			if tt.want != nil {
				require.ErrorIs(t, err, tt.want)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, 1, res.Attempts)
			assert.Equal(t, "success", string(res.Response))
			assert.Equal(t, wxmptest.KindSuccess, res.Reply.Kind)
		})
	}
}
