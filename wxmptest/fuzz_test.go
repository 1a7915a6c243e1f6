package wxmptest_test

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/msgcrypt"
	"github.com/wxmp/wxmp/wxmptest"
)

// FuzzCheck feeds the judge arbitrary reply bodies, in clear and
// encrypted modes: it must never panic, every error must name a rule, and
// whatever passes must be a reply WeChat shows.
func FuzzCheck(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "replies", "*"))
	require.NoError(f, err)
	for _, name := range files {
		b, err := os.ReadFile(name)
		require.NoError(f, err)
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
	c, err := msgcrypt.New(pushToken, pushAESKey, pushAppID)
	require.NoError(f, err)
	text, err := os.ReadFile(filepath.Join("testdata", "replies", "text.xml"))
	require.NoError(f, err)
	env, err := c.Encrypt(msgcrypt.CurrentKey, text, "1700000002", "77")
	require.NoError(f, err)
	f.Add(env)
	f.Add([]byte("success"))
	f.Add([]byte(""))
	f.Add([]byte("<xml><Encrypt>AAAA</Encrypt></xml>"))

	plain := newTestPusher(f, http.NotFoundHandler(), msgcrypt.ModePlain)
	safe := newTestPusher(f, http.NotFoundHandler(), msgcrypt.ModeSafe)
	push := []byte(textPush)
	replyTypes := []string{"text", "image", "voice", "video", "music", "news", "transfer_customer_service"}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, p := range []*wxmptest.Pusher{plain, safe} {
			r, err := p.Check(push, body)
			if err != nil {
				var v *wxmptest.Violation
				require.ErrorAs(t, err, &v, "every judgement names a rule")
				continue
			}
			require.NotNil(t, r)
			if r.Kind != wxmptest.KindXML {
				continue
			}
			assert.Contains(t, replyTypes, r.MsgType)
			assert.Equal(t, "oUser", r.ToUserName)
			assert.Equal(t, "gh_acct", r.FromUserName)
			assert.Equal(t, p.Mode() != msgcrypt.ModePlain, r.Encrypted)
			if r.MsgType == "news" {
				assert.Len(t, r.Articles, 1, "a text gets one article")
			}
		}
	})
}

// FuzzBuildText builds text pushes with arbitrary content: Build either
// refuses with ErrBuild or writes XML a handler reads back exactly.
func FuzzBuildText(f *testing.F) {
	for _, s := range []string{"hi", "]]>", "a\r\nb", "<![CDATA[x]]>", "\x00", "\xff", "😀", " padded ", "\ufffe"} {
		f.Add(s)
	}
	p := newTestPusher(f, http.NotFoundHandler(), msgcrypt.ModePlain)
	f.Fuzz(func(t *testing.T, content string) {
		out, err := p.Build(&message.Text{Content: content})
		if err != nil {
			require.ErrorIs(t, err, wxmptest.ErrBuild)
			return
		}
		m, err := message.Parse(out)
		require.NoError(t, err)
		assert.Equal(t, content, m.(*message.Text).Content)
		assert.Equal(t, "text", m.Head().MsgType)
	})
}
