// Package event types the events WeChat pushes to an Official Account
// (MsgType "event"): follows, menu taps, QR scans, job results and the rest.
//
// Most callers get these values from message.Parse, which hands every event
// push to [Parse]. Every type embeds [Header] and has an Event field with
// the name as it arrived:
//
//	msg, err := message.Parse(body)
//	// …
//	switch e := msg.(type) {
//	case *event.Subscribe:
//		fmt.Println(e.FromUserName, "followed")
//	case *event.Unknown:
//		fmt.Println("new kind of event:", e.Event)
//	}
//
// The official reference is
// https://developers.weixin.qq.com/doc/offiaccount/en/Message_Management/Receiving_event_pushes.html
package event
