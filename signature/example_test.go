package signature_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/wxmp/wxmp/signature"
)

func ExampleCompute() {
	// The worked example of the official access guide.
	fmt.Println(signature.Compute("AAAAA", "1714036504", "1514711492"))
	// Output: f464b24fc39322e44b38aa78f5edd27bd1441696
}

func ExampleVerify() {
	err := signature.Verify("AAAAA", "1714036504", "1514711492", "f464b24fc39322e44b38aa78f5edd27bd1441696")
	fmt.Println(err)

	err = signature.Verify("AAAAA", "1714036504", "1514711493", "f464b24fc39322e44b38aa78f5edd27bd1441696")
	fmt.Println(errors.Is(err, signature.ErrMismatch))
	// Output:
	// <nil>
	// true
}

func ExampleVerifyRequest() {
	// A push WeChat sends to the server URL, with the token set to AAAAA in
	// the console.
	r := httptest.NewRequest("POST",
		"/wechat?signature=f464b24fc39322e44b38aa78f5edd27bd1441696&timestamp=1714036504&nonce=1514711492&openid=o1",
		strings.NewReader("<xml>…</xml>"))
	fmt.Println(signature.VerifyRequest("AAAAA", r))
	// Output: <nil>
}

func ExampleWriteEcho() {
	// The GET WeChat sends when the server URL is saved in the console.
	r := httptest.NewRequest("GET",
		"/wechat?signature=f464b24fc39322e44b38aa78f5edd27bd1441696&timestamp=1714036504&nonce=1514711492&echostr=hello", nil)
	w := httptest.NewRecorder()
	if err := signature.VerifyRequest("AAAAA", r); err != nil {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	signature.WriteEcho(w, r)

	fmt.Println(w.Code, w.Header().Get("Content-Type"), w.Header().Get("X-Content-Type-Options"))
	fmt.Println(w.Body.String())
	// Output:
	// 200 text/plain; charset=utf-8 nosniff
	// hello
}

func ExampleWithWindow() {
	// Refuse requests stamped more than five minutes from now. The clock is
	// fixed here so the example is deterministic.
	now := func() time.Time { return time.Unix(1714036504, 0).Add(time.Hour) }
	err := signature.Verify("AAAAA", "1714036504", "1514711492", "f464b24fc39322e44b38aa78f5edd27bd1441696",
		signature.WithWindow(5*time.Minute), signature.WithNow(now))
	fmt.Println(errors.Is(err, signature.ErrStale))
	// Output: true
}
