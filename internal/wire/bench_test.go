package wire

import (
	"encoding/xml"
	"testing"
)

// textPush is wechatpy's captured text message, as message/testdata has it.
const textPush = `<xml>
        <ToUserName><![CDATA[toUser]]></ToUserName>
        <FromUserName><![CDATA[fromUser]]></FromUserName>
         <CreateTime>1348831860</CreateTime>
        <MsgType><![CDATA[text]]></MsgType>
        <Content><![CDATA[this is a test]]></Content>
        <MsgId>1234567890123456</MsgId>
        </xml>`

func BenchmarkScan(b *testing.B) {
	body := []byte(textPush)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		d, ok := Scan(body)
		if !ok {
			b.Fatal("Scan left the text push")
		}
		d.Release()
	}
}

// BenchmarkScanXML is the same walk with encoding/xml's tokenizer, for
// comparison.
func BenchmarkScanXML(b *testing.B) {
	body := []byte(textPush)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		var root struct {
			XMLName xml.Name `xml:"xml"`
		}
		if err := xml.Unmarshal(body, &root); err != nil {
			b.Fatal(err)
		}
	}
}

// text is the shape of message.Text, which this package cannot import.
type text struct {
	Header
	Content      string `xml:"Content"`
	MsgID        int64  `xml:"MsgId"`
	MsgDataID    int64  `xml:"MsgDataId"`
	Idx          int    `xml:"Idx"`
	BizMsgMenuID int64  `xml:"bizmsgmenuid"`
}

func BenchmarkDecode(b *testing.B) {
	body := []byte(textPush)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		var v text
		if err := Decode(body, &v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeXML(b *testing.B) {
	body := []byte(textPush)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		var v text
		if err := DecodeXML(body, &v); err != nil {
			b.Fatal(err)
		}
	}
}
