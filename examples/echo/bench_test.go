package main

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
)

// BenchmarkPush serves a plain text push through the echo's handler, with
// its log line per push (JSON, to io.Discard: the formatting, not the
// write) and without (a logger above Info, so the line is skipped), so
// that the line's share of a push is visible: the difference of the two.
func BenchmarkPush(b *testing.B) {
	for _, bb := range []struct {
		name  string
		level slog.Level
	}{{"log", slog.LevelInfo}, {"no_log", slog.LevelError}} {
		b.Run(bb.name, func(b *testing.B) {
			h, err := newHandler(config{token: testToken}, slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: bb.level})))
			if err != nil {
				b.Fatal(err)
			}
			q := signedQuery(testToken).Encode()
			var body bytes.Buffer
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++ // each push its own MsgId: no retries
				body.Reset()
				body.WriteString("<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o_2]]></FromUserName>" +
					"<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello]]></Content><MsgId>")
				body.WriteString(strconv.Itoa(i))
				body.WriteString("</MsgId></xml>")
				r := httptest.NewRequest(http.MethodPost, "/wechat?"+q, &body)
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatal(w.Code)
				}
			}
		})
	}
}
