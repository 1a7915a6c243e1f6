// Package msgcrypt implements WeChat's message encryption for an Official
// Account's server URL: the compatible (兼容) and safe (安全) modes, in which
// pushes arrive AES-encrypted and signed with msg_signature and replies must
// go back encrypted.
//
// [New] takes the token, the 43-character EncodingAESKey and the AppID from
// the console. [Crypter.Open] (or [Crypter.OpenRequest] for net/http) takes
// a push's query and body, whatever the mode, checks its signature, decrypts
// it when needed and returns a [Push] whose Plaintext goes to message.Parse.
// [Push.Seal] turns the reply into what the mode requires: as is for a plain
// push, encrypted in the <Encrypt>/<MsgSignature>/<TimeStamp>/<Nonce>
// envelope otherwise (except "success" and the empty reply, which stay
// literal). Wired into net/http:
//
//	c, err := msgcrypt.New(token, encodingAESKey, appID)
//	if err != nil {
//		log.Fatal(err) // a bad key or an empty token/AppID
//	}
//	mux := http.NewServeMux()
//	mux.HandleFunc("/wechat", func(w http.ResponseWriter, r *http.Request) {
//		if r.Method == http.MethodGet { // URL check: plain signature in every mode
//			if signature.VerifyRequest(token, r) != nil {
//				http.Error(w, "forbidden", http.StatusForbidden)
//				return
//			}
//			signature.WriteEcho(w, r) // echostr back, as plain text
//			return
//		}
//		p, err := c.OpenRequest(r) // reads at most DefaultMaxBodyBytes
//		switch {
//		case errors.Is(err, msgcrypt.ErrBodyTooLarge):
//			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
//			return
//		case err != nil:
//			http.Error(w, "forbidden", http.StatusForbidden)
//			return
//		}
//		msg, err := message.Parse(p.Plaintext)
//		if err != nil {
//			http.Error(w, "bad push", http.StatusBadRequest)
//			return
//		}
//		text, ok := msg.(*message.Text)
//		if !ok {
//			io.WriteString(w, reply.Success) // nothing to say
//			return
//		}
//		out, err := reply.NewText(text, "you said: "+text.Content).Marshal()
//		if err == nil {
//			out, err = p.Seal(out) // encrypted in the compatible and safe modes
//		}
//		if err != nil {
//			io.WriteString(w, reply.Success)
//			return
//		}
//		w.Write(out)
//	})
//
// Frameworks other than net/http read the body themselves (bounded, see
// [DefaultMaxBodyBytes]: answer a longer one with 413) and call Open with
// the query as url.Values.
// [Crypter.Decrypt] and [Crypter.Encrypt] are the same steps without the
// query handling.
//
// The scheme: AESKey = base64(EncodingAESKey + "="), 32 bytes; AES-256-CBC
// with the first 16 bytes of the key as IV; the plaintext is 16 random
// bytes, the message length (4 bytes, big-endian), the message and the
// AppID, padded PKCS#7-style to a multiple of 32 bytes; msg_signature is the
// SHA-1 of the sorted token, timestamp, nonce and ciphertext. After a key
// change, [WithPreviousKey] keeps the old key working, and a reply is always
// encrypted with the key its push came with.
//
// In plain mode the query signature does not cover the body, so a captured
// query could carry any body in clear; once the account is in safe mode,
// [WithRequireEncryption] refuses plain pushes. To switch an account from
// plain to safe mode without refusing a push, run without it while the
// console changes mode, then add it (the echo example shows the steps).
//
// The signature is checked, in constant time, before anything is decoded:
// Open finds <Encrypt> with a bounded scan that allocates nothing, so a
// forged push costs microseconds whatever its body, and parses nothing.
// [WithWindow] adds an optional check of the timestamp. No error carries
// the token, a key, a plaintext or a computed signature.
//
// The official references are
// https://developers.weixin.qq.com/doc/oplatform/en/Third-party_Platforms/Message_Encryption/Technical_Plan.html
// and https://developers.weixin.qq.com/doc/service/en/guide/dev/push/encryption.html
package msgcrypt
