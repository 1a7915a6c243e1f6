package jssdk

import (
	"crypto/sha1"
	"encoding/hex"
	"strconv"
	"strings"
)

// Sign returns the JS-SDK signature wx.config checks: the lowercase hex
// SHA-1 of
//
//	jsapi_ticket=TICKET&noncestr=NONCESTR&timestamp=TIMESTAMP&url=URL
//
// with the four keys in that (ASCII) order and the values as given, not
// URL-escaped. timestamp is in Unix seconds. pageURL is the full address
// of the page that calls wx.config, as the browser's location.href has it
// (scheme, host, path and query); Sign drops a '#' and everything after it
// itself, as WeChat does, so passing location.href unchanged is right.
//
// nonceStr and timestamp must be the ones the page passes to wx.config
// (there spelt nonceStr and timestamp). Sign checks nothing and never
// fails; [Source.Config] draws the nonce and the time and checks the URL.
//
// See appendix 1 of
// https://developers.weixin.qq.com/doc/offiaccount/en/OA_Web_Apps/JS-SDK.html
func Sign(ticket, nonceStr string, timestamp int64, pageURL string) string {
	pageURL, _, _ = strings.Cut(pageURL, "#")
	const (
		k1 = "jsapi_ticket="
		k2 = "&noncestr="
		k3 = "&timestamp="
		k4 = "&url="
	)
	n := len(k1) + len(ticket) + len(k2) + len(nonceStr) + len(k3) + 20 + len(k4) + len(pageURL)
	var stack [512]byte
	b := stack[:0]
	if n > len(stack) {
		b = make([]byte, 0, n)
	}
	b = append(b, k1...)
	b = append(b, ticket...)
	b = append(b, k2...)
	b = append(b, nonceStr...)
	b = append(b, k3...)
	b = strconv.AppendInt(b, timestamp, 10)
	b = append(b, k4...)
	b = append(b, pageURL...)
	sum := sha1.Sum(b)
	var out [2 * sha1.Size]byte
	hex.Encode(out[:], sum[:])
	return string(out[:])
}
