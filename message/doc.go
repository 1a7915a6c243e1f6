// Package message parses the XML that WeChat pushes to an Official
// Account's server URL into typed values.
//
// [Parse] takes the plaintext body and returns a [Message]: a *[Text],
// *[Image], *[Voice], *[Video], *[ShortVideo], *[Location], *[Link] or
// *[File] for what users send, a typed event from package
// github.com/wxmp/wxmp/event for MsgType "event", or an *[Unknown] holding
// the raw XML for a type this package does not know:
//
//	msg, err := message.Parse(body)
//	if err != nil {
//		http.Error(w, "bad push", http.StatusBadRequest)
//		return
//	}
//	switch m := msg.(type) {
//	case *message.Text:
//		fmt.Println(m.FromUserName, "says", m.Content)
//	case *event.Subscribe:
//		fmt.Println(m.FromUserName, "followed")
//	}
//
// The official reference is
// https://developers.weixin.qq.com/doc/offiaccount/en/Message_Management/Receiving_standard_messages.html
package message
