// Package reply builds the passive replies (被动回复) an Official Account
// sends back in the HTTP response to a push: [Text], [Image], [Voice],
// [Video], [Music], [News] and [TransferCustomerService].
//
// Each builder takes the inbound message from message.Parse and addresses
// the reply back to its sender (see [Header]); Marshal checks the reply and
// returns the XML to write as the response body:
//
//	in, err := message.Parse(body)
//	if err != nil {
//		http.Error(w, "bad push", http.StatusBadRequest)
//		return
//	}
//	out, err := reply.NewText(in, "你好").Marshal()
//	if err != nil {
//		io.WriteString(w, reply.Success) // no reply, and no retry
//		return
//	}
//	w.Write(out) // in safe mode, encrypt out first
//
// Marshal catches what WeChat would reject, which would show the user
// "该公众号暂时无法提供服务，请稍后再试": a missing address, media ID or
// text ([ErrMissingField]), a news reply without articles or with more
// than 8 ([ErrArticleCount]), and characters XML cannot carry
// ([ErrInvalidChar]). Any other text, including "]]>", "<", "&", emoji and
// CRLF line ends, is written so that an XML parser reads it back exactly.
//
// To answer nothing, write [Success] (or an empty body); WeChat then
// neither shows anything nor retries.
//
// The official reference is
// https://developers.weixin.qq.com/doc/offiaccount/en/Message_Management/Passive_user_reply_message.html
package reply
