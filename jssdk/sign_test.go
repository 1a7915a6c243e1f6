package jssdk_test

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/wxmp/wxmp/jssdk"
)

// The example of the JS-SDK documentation (appendix 1), PROTOCOL.md H.
const (
	docTicket    = "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg"
	docNonce     = "Wm3WZYTPz0wzccnW"
	docTimestamp = 1414587457
)

func TestSignPublishedVectors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, url, want string
	}{
		// The current documentation's example.
		{"with query", "http://mp.weixin.qq.com?params=value", "0f9de62fce790f9a083d5c99e95740ceb90c27ed"},
		// The older documentation's example.
		{"without query", "http://mp.weixin.qq.com", "f4d90daf4b3bca3078ab155816175ba34c443a7b"},
		// location.href with a fragment signs as without it.
		{"fragment dropped", "http://mp.weixin.qq.com?params=value#wechat_redirect", "0f9de62fce790f9a083d5c99e95740ceb90c27ed"},
		{"empty fragment dropped", "http://mp.weixin.qq.com?params=value#", "0f9de62fce790f9a083d5c99e95740ceb90c27ed"},
		{"fragment with a second hash", "http://mp.weixin.qq.com#a#b", "f4d90daf4b3bca3078ab155816175ba34c443a7b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, jssdk.Sign(docTicket, docNonce, docTimestamp, tt.url))
		})
	}
}

// reference is the signature written the plain way.
func reference(ticket, nonce string, ts int64, pageURL string) string {
	pageURL, _, _ = strings.Cut(pageURL, "#")
	sum := sha1.Sum(fmt.Appendf(nil, "jsapi_ticket=%s&noncestr=%s&timestamp=%d&url=%s", ticket, nonce, ts, pageURL))
	return hex.EncodeToString(sum[:])
}

func TestSignMatchesTheReference(t *testing.T) {
	t.Parallel()
	long := "https://example.com/page?" + strings.Repeat("q=%E4%BD%A0&", 100) // over the stack buffer
	for _, tt := range []struct {
		ticket, nonce string
		ts            int64
		url           string
	}{
		{docTicket, docNonce, docTimestamp, long},
		{docTicket, docNonce, -1, "https://example.com/"},
		{"", "", 0, ""},
		{docTicket, docNonce, 1<<63 - 1, "https://example.com/a b?c=d&e=f#g"},
	} {
		assert.Equal(t, reference(tt.ticket, tt.nonce, tt.ts, tt.url), jssdk.Sign(tt.ticket, tt.nonce, tt.ts, tt.url))
	}
}

func TestSignIsCaseAndEscapeSensitive(t *testing.T) {
	t.Parallel()
	base := jssdk.Sign(docTicket, docNonce, docTimestamp, "http://mp.weixin.qq.com?params=value")
	assert.NotEqual(t, base, jssdk.Sign(docTicket, docNonce, docTimestamp, "http://mp.weixin.qq.com/?params=value"), "a slash changes it")
	assert.NotEqual(t, base, jssdk.Sign(docTicket, docNonce, docTimestamp, "http://mp.weixin.qq.com?params=valu%65"), "no unescaping")
	assert.NotEqual(t, base, jssdk.Sign(docTicket, docNonce, docTimestamp+1, "http://mp.weixin.qq.com?params=value"))
}

func TestSignAllocatesOnlyItsResult(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() {
		_ = jssdk.Sign(docTicket, docNonce, docTimestamp, "http://mp.weixin.qq.com?params=value#x")
	})
	assert.LessOrEqual(t, allocs, 1.0)
}

func BenchmarkSign(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = jssdk.Sign(docTicket, docNonce, docTimestamp, "https://example.com/article/12345?from=timeline&isappinstalled=0#top")
	}
}

// FuzzSign checks Sign against the plain reference, and that anything after
// a '#' never changes the signature.
func FuzzSign(f *testing.F) {
	f.Add(docTicket, docNonce, int64(docTimestamp), "http://mp.weixin.qq.com?params=value", "frag")
	f.Add("", "", int64(0), "", "")
	f.Add("t", "n", int64(-5), "https://a/#b", "#")
	f.Fuzz(func(t *testing.T, ticket, nonce string, ts int64, pageURL, frag string) {
		got := jssdk.Sign(ticket, nonce, ts, pageURL)
		if want := reference(ticket, nonce, ts, pageURL); got != want {
			t.Fatalf("Sign = %s, reference %s", got, want)
		}
		if !strings.Contains(pageURL, "#") {
			if with := jssdk.Sign(ticket, nonce, ts, pageURL+"#"+frag); with != got {
				t.Fatalf("a fragment changed the signature")
			}
		}
	})
}
