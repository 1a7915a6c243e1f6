// Package event types the events WeChat pushes to an Official Account's
// server URL (MsgType "event"): follows and QR scans, menu taps, location
// reports, job results (template, mass send, publish), subscription
// notifications, customer-service sessions, cards and offers, account
// verification, and the rest, one Go type per event name.
//
// Most callers get these values from message.Parse, which hands every event
// push to [Parse]. Every type embeds [Header] and has an Event field with
// the name as it arrived; an event this package does not know comes back as
// *[Unknown] with its raw XML, never as an error:
//
//	msg, err := message.Parse(body)
//	if err != nil {
//		return err
//	}
//	switch e := msg.(type) {
//	case *event.Subscribe:
//		if scene, ok := e.QRScene(); ok {
//			fmt.Println(e.FromUserName, "followed from QR code", scene)
//		}
//	case *event.MassSendJobFinish:
//		if code, ok := e.ErrCode(); ok {
//			fmt.Println("mass send", e.MsgID, "stopped:", code)
//		}
//	case *event.Unknown:
//		fmt.Println("new kind of event:", e.Event, len(e.Raw))
//	}
//
// # Names
//
// The Name… constants hold every event name with WeChat's exact casing,
// which is mixed: "subscribe", "SCAN", "TEMPLATESENDJOBFINISH",
// "WifiConnected". [Parse] matches the exact name first and falls back to a
// match that ignores ASCII case (and only ASCII: "CLIC\u212A", with a
// Kelvin sign, is no CLICK), so a push whose name differs only in case still
// gets its type.
//
// # Retries and duplicates
//
// WeChat retries a push it got no answer to within five seconds, up to
// three times. Events have no MsgId; WeChat's rule is to de-duplicate them
// by FromUserName + CreateTime, which would merge two events of one user in
// one second. Every type's DedupKey adds the fields that tell such events
// apart (see [Event]); EventName gives the name without a type switch.
//
// # Wire names
//
// Struct tags carry WeChat's spelling, quirks included: "MsgID" in job
// results against "MsgId" in normal messages, "MenuId", "Poiname",
// "TemplateId", and the lowercase children of PUBLISHJOBFINISH's
// PublishEventInfo. Go field names follow Go's initialisms (MsgID, MenuID,
// PoiName, TemplateID).
//
// The official reference is
// https://developers.weixin.qq.com/doc/offiaccount/en/Message_Management/Receiving_event_pushes.html
package event
