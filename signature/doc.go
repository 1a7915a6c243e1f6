// Package signature checks the "signature" query parameter WeChat adds to
// every request it sends to an Official Account's server URL: the GET that
// verifies the URL when it is saved in the console, and the POST of every
// message or event push.
//
// The signature is the SHA-1, in lowercase hex, of the token, timestamp and
// nonce sorted and concatenated ([Compute]). [Verify] checks one in constant
// time; [VerifyQuery] and [VerifyRequest] read the parameters from
// url.Values or an *http.Request. [WriteEcho] answers the verification GET
// once it is checked, as plain text:
//
//	func serve(w http.ResponseWriter, r *http.Request) {
//		if err := signature.VerifyRequest(token, r); err != nil {
//			http.Error(w, "forbidden", http.StatusForbidden)
//			return
//		}
//		if r.Method == http.MethodGet {
//			signature.WriteEcho(w, r) // URL check: echostr back, as plain text
//			return
//		}
//		// POST: a push; see package msgcrypt for encrypted ones.
//	}
//
// Never write echostr back without WriteEcho's headers: anyone can put
// markup in it, and a browser would run it as a page of your site.
//
// An optional timestamp window ([WithWindow], [WithNow]) refuses requests
// stamped too far from now; it is off by default and is not replay
// protection. An option given a nil or out-of-range value makes every check
// fail with [ErrInvalidConfig].
//
// The encrypted modes add a second signature, msg_signature, over the
// ciphertext too; package github.com/wxmp/wxmp/msgcrypt checks that one.
//
// The official reference is
// https://developers.weixin.qq.com/doc/offiaccount/en/Basic_Information/Access_Overview.html
package signature
