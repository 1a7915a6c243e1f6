package event_test

import (
	"fmt"

	"github.com/wxmp/wxmp/event"
)

func ExampleParse() {
	body := []byte(`<xml>
<ToUserName><![CDATA[gh_abc123]]></ToUserName>
<FromUserName><![CDATA[oUser123]]></FromUserName>
<CreateTime>1700000000</CreateTime>
<MsgType><![CDATA[event]]></MsgType>
<Event><![CDATA[subscribe]]></Event>
<EventKey><![CDATA[qrscene_spring_promo]]></EventKey>
<Ticket><![CDATA[TICKET]]></Ticket>
</xml>`)
	e, err := event.Parse(body)
	if err != nil {
		fmt.Println("bad push:", err)
		return
	}
	switch e := e.(type) {
	case *event.Subscribe:
		if scene, ok := e.QRScene(); ok {
			fmt.Println(e.FromUserName, "followed from QR scene", scene)
		}
	case *event.Unknown:
		fmt.Println("unknown event", e.Event)
	}
	// Output: oUser123 followed from QR scene spring_promo
}

func ExampleMassSendJobFinish_ErrCode() {
	e := &event.MassSendJobFinish{Status: "err(20013)"}
	if code, ok := e.ErrCode(); ok {
		fmt.Printf("stopped by review: %d (%v)\n", int(code), code)
	}
	// Output: stopped by review: 20013 (copyright infringement)
}

func ExamplePublishStatus() {
	e := &event.PublishJobFinish{PublishEventInfo: event.PublishEventInfo{
		PublishStatus: event.PublishAuditFailed,
		FailIdx:       []int{2},
	}}
	fmt.Println(e.Succeeded(), e.PublishEventInfo.PublishStatus, e.PublishEventInfo.FailIdx)
	// Output: false refused by review [2]
}

func ExampleParse_unknown() {
	e, _ := event.Parse([]byte(`<xml><MsgType>event</MsgType><Event>brand_new</Event><X>1</X></xml>`))
	if u, ok := e.(*event.Unknown); ok {
		fmt.Println(u.Event, string(u.Raw))
	}
	// Output: brand_new <xml><MsgType>event</MsgType><Event>brand_new</Event><X>1</X></xml>
}
