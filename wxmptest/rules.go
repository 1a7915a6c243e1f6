package wxmptest

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/wxmp/wxmp/msgcrypt"
	"github.com/wxmp/wxmp/reply"
)

// Errors returned by this package. Each one but ErrInvalidConfig, ErrBuild and
// ErrTooLarge is a rule of WeChat's: a push answered that way makes WeChat
// show the user "该公众号暂时无法提供服务，请稍后再试" (this Official Account cannot
// provide service at the moment) instead of a reply. Those come wrapped in
// a *Violation that adds the detail; test them with errors.Is, and any of
// them with errors.As and a *Violation. No error carries the token, the key,
// a signature or the text of a push or reply.
//
// The rules are those of
// https://developers.weixin.qq.com/doc/offiaccount/en/Message_Management/Passive_user_reply_message.html
// and, for the encrypted modes,
// https://developers.weixin.qq.com/doc/oplatform/en/Third-party_Platforms/Message_Encryption/Technical_Plan.html
var (
	// ErrInvalidConfig means NewPusher was given an option it cannot use:
	// an empty token, no target, a nil value, a bad EncodingAESKey, a
	// non-positive timeout… The error names the option, never its value.
	ErrInvalidConfig = errors.New("wxmptest: invalid config")
	// ErrBuild means a typed push could not be turned into XML: a nil
	// value, a type that is not a message or event struct, an event without
	// its Event name, or text XML cannot carry.
	ErrBuild = errors.New("wxmptest: cannot build the push")
	// ErrTooLarge means a reply was longer than MaxReplyBytes, which is
	// where the Pusher stops reading: a limit of this package, not one
	// WeChat documents.
	ErrTooLarge = errors.New("wxmptest: reply larger than MaxReplyBytes")

	// ErrTimeout means no delivery of the push was answered within the
	// timeout (WeChat's is 5 s): the first and every retry. WeChat drops
	// each connection at the deadline and, after the last retry, shows the
	// user the error.
	ErrTimeout = errors.New("wxmptest: no answer in time")
	// ErrNoAnswer means a delivery ended without an HTTP answer: the
	// connection was refused or reset, or an in-process handler panicked.
	ErrNoAnswer = errors.New("wxmptest: no HTTP answer")
	// ErrStatus means the answer's HTTP status was not 200 OK. A redirect
	// is not followed: WeChat does not follow one either.
	ErrStatus = errors.New("wxmptest: HTTP status is not 200")
	// ErrNotXML means the reply is neither "success", nor empty, nor one
	// well-formed XML document with the root element <xml>: JSON, HTML,
	// plain text, truncated XML and "success" inside an encrypted envelope
	// all break this rule.
	ErrNotXML = errors.New("wxmptest: reply is not success, empty or an <xml> document")
	// ErrMsgType means the reply's MsgType is missing or is not one of the
	// passive reply types, spelled in lower case: text, image, voice,
	// video, music, news and transfer_customer_service. An encrypted
	// envelope sent in answer to a plain push breaks this rule too: WeChat
	// reads it as a reply with no MsgType.
	ErrMsgType = errors.New("wxmptest: reply MsgType is not a reply type")
	// ErrNotSwapped means the reply's ToUserName is not the push's
	// FromUserName (the user's OpenID) or its FromUserName is not the push's
	// ToUserName (the account's original ID).
	ErrNotSwapped = errors.New("wxmptest: reply ToUserName/FromUserName are not the push's swapped")
	// ErrMissingField means a field the reply's MsgType requires is missing
	// or empty: ToUserName, FromUserName and a whole-number CreateTime
	// always; Content for text; MediaId inside Image, Voice or Video;
	// ThumbMediaId inside Music; a Title for every news article.
	ErrMissingField = errors.New("wxmptest: reply lacks a required field")
	// ErrArticleCount means a news reply's article count is not allowed:
	// ArticleCount is not the number of <item>s in Articles, there are
	// none, more than 8, or more than 1 in answer to a message the user
	// sent (text, image, voice, video, shortvideo, location or link). The
	// page lists five of these types (older versions six, with voice);
	// short video and link are held to the same rule here.
	ErrArticleCount = errors.New("wxmptest: news reply has a forbidden article count")
	// ErrNotEncrypted means a push sent encrypted (compatible or safe mode)
	// was answered with a reply in clear. "success" and an empty body need
	// no encryption and pass. WeChat's documentation requires encrypted
	// replies in the safe mode and does not say whether the compatible mode
	// accepts one in clear; this package requires encryption whenever the
	// push carried encrypt_type=aes, as the SDKs that answer WeChat do.
	ErrNotEncrypted = errors.New("wxmptest: reply to an encrypted push is not encrypted")
	// ErrBadEnvelope means an encrypted reply's envelope is wrong: an
	// element of Encrypt, MsgSignature, TimeStamp and Nonce is missing,
	// TimeStamp is not a whole number, MsgSignature does not sign the
	// others with the token, or Encrypt does not decrypt, with the
	// account's EncodingAESKey, to a message for the account's AppID.
	ErrBadEnvelope = errors.New("wxmptest: encrypted reply envelope is invalid")
	// ErrEchostr means the answer to the server verification GET was not
	// the echostr parameter, byte for byte. WeChat then refuses to save the
	// server URL.
	ErrEchostr = errors.New("wxmptest: verification answer is not the echostr")

	// errDeadline marks one delivery not answered within the timeout; the
	// caller retries or reports ErrTimeout. It never leaves the package.
	errDeadline = errors.New("wxmptest: delivery deadline passed")
)

// Violation is a broken rule of WeChat's, with what broke it. Rule is one of
// the rule errors above (ErrTimeout … ErrEchostr); Detail never holds the
// text of the reply (Reply and Result hold that).
type Violation struct {
	Rule   error
	Detail string
}

// Error returns the rule's message and the detail.
func (v *Violation) Error() string {
	if v.Detail == "" {
		return v.Rule.Error()
	}
	return v.Rule.Error() + ": " + v.Detail
}

// Unwrap returns Rule, so errors.Is matches the rule's sentinel.
func (v *Violation) Unwrap() error { return v.Rule }

// violate returns a *Violation of rule with a formatted detail.
func violate(rule error, format string, args ...any) error {
	return &Violation{Rule: rule, Detail: fmt.Sprintf(format, args...)}
}

// Kind is what a reply says to WeChat.
type Kind uint8

const (
	// KindSuccess is the body "success": no reply, and no retry.
	KindSuccess Kind = iota + 1
	// KindEmpty is an empty body: no reply, and no retry.
	KindEmpty
	// KindXML is a passive reply in XML, encrypted or not.
	KindXML
)

// String returns "success", "empty" or "xml".
func (k Kind) String() string {
	switch k {
	case KindSuccess:
		return "success"
	case KindEmpty:
		return "empty"
	case KindXML:
		return "xml"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Reply is a reply as WeChat reads it, decoded by this package from the
// protocol rather than by package reply, so that it judges replies built by
// any library. The media fields (MediaID, Title, Description and the music
// fields) are set only when the element matches MsgType; Content, Articles
// and KfAccount are set whenever the reply carries them, so that a reply
// with the wrong MsgType still shows what it held.
type Reply struct {
	// Kind says whether this is "success", an empty body or XML; only
	// KindXML has the other fields.
	Kind Kind
	// Encrypted reports whether the reply came in a valid encrypted
	// envelope.
	Encrypted bool
	// XML is the reply document in clear: the body itself, or the
	// decrypted content of the envelope.
	XML []byte

	ToUserName   string
	FromUserName string
	// CreateTime is in Unix seconds.
	CreateTime int64
	MsgType    string
	// Content is the text of a text reply.
	Content string
	// MediaID is the MediaId inside <Image>, <Voice> or <Video>.
	MediaID string
	// Title and Description belong to a video or music reply.
	Title       string
	Description string
	// MusicURL, HQMusicURL and ThumbMediaID belong to a music reply.
	MusicURL     string
	HQMusicURL   string
	ThumbMediaID string
	// Articles are the items of a news reply, in the shape package reply
	// builds them.
	Articles []reply.Article
	// KfAccount is the agent a transfer_customer_service reply names.
	KfAccount string
}

// replyXML is what the judge decodes; text fields are kept as strings so
// that a non-number is reported as a rule, not as an XML error.
type replyXML struct {
	XMLName      xml.Name
	ToUserName   string  `xml:"ToUserName"`
	FromUserName string  `xml:"FromUserName"`
	CreateTime   string  `xml:"CreateTime"`
	MsgType      string  `xml:"MsgType"`
	Content      string  `xml:"Content"`
	Image        *mediaX `xml:"Image"`
	Voice        *mediaX `xml:"Voice"`
	Video        *videoX `xml:"Video"`
	Music        *musicX `xml:"Music"`
	ArticleCount *string `xml:"ArticleCount"`
	Articles     []itemX `xml:"Articles>item"`
	TransInfo    *transX `xml:"TransInfo"`
	Encrypt      *string `xml:"Encrypt"`
	MsgSignature *string `xml:"MsgSignature"`
	TimeStamp    *string `xml:"TimeStamp"`
	Nonce        *string `xml:"Nonce"`
}

type mediaX struct {
	MediaID string `xml:"MediaId"`
}

type videoX struct {
	MediaID     string `xml:"MediaId"`
	Title       string `xml:"Title"`
	Description string `xml:"Description"`
}

type musicX struct {
	Title        string `xml:"Title"`
	Description  string `xml:"Description"`
	MusicURL     string `xml:"MusicUrl"`
	HQMusicURL   string `xml:"HQMusicUrl"`
	ThumbMediaID string `xml:"ThumbMediaId"`
}

type itemX struct {
	Title       string `xml:"Title"`
	Description string `xml:"Description"`
	PicURL      string `xml:"PicUrl"`
	URL         string `xml:"Url"`
}

type transX struct {
	KfAccount string `xml:"KfAccount"`
}

// pushHead is what the judge needs to know of the push.
type pushHead struct {
	ToUserName   string `xml:"ToUserName"`
	FromUserName string `xml:"FromUserName"`
	MsgType      string `xml:"MsgType"`
}

// readPushHead reads the header of a push in clear, as far as it can: a
// push that does not parse gives empty fields, and then no reply can be
// addressed right.
func readPushHead(push []byte) pushHead {
	var h pushHead
	_ = xml.Unmarshal(trimBody(push), &h)
	h.ToUserName = strings.TrimSpace(h.ToUserName)
	h.FromUserName = strings.TrimSpace(h.FromUserName)
	h.MsgType = strings.TrimSpace(h.MsgType)
	return h
}

// maxArticlesFor returns how many news articles may answer a push of
// msgType: 1 for what a user sends, 8 otherwise (events). WeChat's page
// names text, image, video, news (link) and location, and names voice in
// older versions; short video is a video.
func maxArticlesFor(msgType string) int {
	switch msgType {
	case "text", "image", "voice", "video", "shortvideo", "location", "link":
		return 1
	}
	return 8
}

// Check judges body, the HTTP 200 answer to the push whose XML in clear is
// push, by WeChat's rules, as this Pusher's mode requires. It returns the
// decoded reply, and nil or an error wrapping the first broken rule:
// ErrNotXML, ErrMsgType, ErrNotSwapped, ErrMissingField, ErrArticleCount,
// ErrNotEncrypted or ErrBadEnvelope. The reply is nil only when body is
// not XML at all.
//
// Push and PushXML judge their answers this way (Verify has its own
// rule); call Check to judge a reply obtained some other way, for example
// from a framework's own test recorder.
func (p *Pusher) Check(push, body []byte) (*Reply, error) {
	return p.check(readPushHead(push), body)
}

// check is Check for a push whose header has been read.
func (p *Pusher) check(head pushHead, body []byte) (*Reply, error) {
	trimmed := trimBody(body)
	switch {
	case len(trimmed) == 0:
		return &Reply{Kind: KindEmpty}, nil
	case string(trimmed) == "success":
		return &Reply{Kind: KindSuccess}, nil
	}
	var x replyXML
	if err := decodeDocument(trimmed, &x); err != nil {
		return nil, err
	}
	r := &Reply{Kind: KindXML, XML: trimmed}
	if x.Encrypt != nil {
		if p.crypter == nil {
			return r, violate(ErrMsgType, "the reply is an encrypted envelope, but the push was sent in clear")
		}
		plain, err := p.openEnvelope(&x)
		if err != nil {
			return r, err
		}
		r.Encrypted, r.XML = true, plain
		x = replyXML{}
		inner := trimBody(plain)
		if len(inner) == 0 || string(inner) == "success" {
			return r, violate(ErrNotXML, "the envelope holds %q, which only goes unencrypted", inner)
		}
		if err := decodeDocument(inner, &x); err != nil {
			return r, err
		}
		if x.Encrypt != nil {
			return r, violate(ErrMsgType, "the envelope holds another envelope")
		}
	} else if p.crypter != nil {
		fill(r, &x)
		return r, violate(ErrNotEncrypted, "a %s-mode push was answered in clear", p.mode)
	}
	fill(r, &x)
	return r, judgeReply(head, &x)
}

// openEnvelope checks the envelope x and returns the reply inside it.
func (p *Pusher) openEnvelope(x *replyXML) ([]byte, error) {
	for _, f := range []struct {
		name string
		v    *string
	}{{"Encrypt", x.Encrypt}, {"MsgSignature", x.MsgSignature}, {"TimeStamp", x.TimeStamp}, {"Nonce", x.Nonce}} {
		if f.v == nil || strings.TrimSpace(*f.v) == "" {
			return nil, violate(ErrBadEnvelope, "no %s", f.name)
		}
	}
	ts := strings.TrimSpace(*x.TimeStamp)
	if _, err := strconv.ParseInt(ts, 10, 64); err != nil {
		return nil, violate(ErrBadEnvelope, "TimeStamp is not a whole number of Unix seconds")
	}
	plain, _, err := p.crypter.Decrypt(strings.TrimSpace(*x.MsgSignature), ts,
		strings.TrimSpace(*x.Nonce), strings.TrimSpace(*x.Encrypt))
	switch {
	case err == nil:
		return plain, nil
	case errors.Is(err, msgcrypt.ErrSignatureMismatch):
		return nil, violate(ErrBadEnvelope, "MsgSignature does not sign Encrypt, TimeStamp and Nonce with the token")
	case errors.Is(err, msgcrypt.ErrAppIDMismatch):
		return nil, violate(ErrBadEnvelope, "Encrypt is addressed to another AppID")
	default:
		// msgcrypt's errors name the failure (base64, padding, length)
		// without any key or text.
		return nil, violate(ErrBadEnvelope, "Encrypt does not decrypt: %v", err)
	}
}

// judgeReply applies the rules of a passive reply in clear.
func judgeReply(head pushHead, x *replyXML) error {
	msgType := strings.TrimSpace(x.MsgType)
	switch msgType {
	case "text", "image", "voice", "video", "music", "news", "transfer_customer_service":
	case "":
		return violate(ErrMsgType, "no MsgType")
	default:
		return violate(ErrMsgType, "MsgType is not one of text, image, voice, video, music, news, transfer_customer_service (lower case)")
	}

	to, from := strings.TrimSpace(x.ToUserName), strings.TrimSpace(x.FromUserName)
	switch {
	case to == "":
		return violate(ErrMissingField, "no ToUserName")
	case from == "":
		return violate(ErrMissingField, "no FromUserName")
	case to == head.ToUserName && from == head.FromUserName && to != from:
		return violate(ErrNotSwapped, "ToUserName and FromUserName are the push's own, not swapped")
	case to != head.FromUserName:
		return violate(ErrNotSwapped, "ToUserName is not the push's FromUserName (the user's OpenID)")
	case from != head.ToUserName:
		return violate(ErrNotSwapped, "FromUserName is not the push's ToUserName (the account's original ID)")
	}

	ct := strings.TrimSpace(x.CreateTime)
	if ct == "" {
		return violate(ErrMissingField, "no CreateTime")
	}
	if _, err := strconv.ParseInt(ct, 10, 64); err != nil {
		return violate(ErrMissingField, "CreateTime is not a whole number of Unix seconds")
	}

	switch msgType {
	case "text":
		if x.Content == "" {
			return violate(ErrMissingField, "text reply without Content (answer \"success\" to say nothing)")
		}
	case "image", "voice":
		m := x.Image
		name := "Image"
		if msgType == "voice" {
			m, name = x.Voice, "Voice"
		}
		if m == nil || strings.TrimSpace(m.MediaID) == "" {
			return violate(ErrMissingField, "%s reply without %s>MediaId", msgType, name)
		}
	case "video":
		if x.Video == nil || strings.TrimSpace(x.Video.MediaID) == "" {
			return violate(ErrMissingField, "video reply without Video>MediaId")
		}
	case "music":
		if x.Music == nil || strings.TrimSpace(x.Music.ThumbMediaID) == "" {
			return violate(ErrMissingField, "music reply without Music>ThumbMediaId")
		}
	case "news":
		return judgeNews(head, x)
	}
	return nil
}

// judgeNews applies the article rules of a news reply.
func judgeNews(head pushHead, x *replyXML) error {
	if x.ArticleCount == nil || strings.TrimSpace(*x.ArticleCount) == "" {
		return violate(ErrMissingField, "news reply without ArticleCount")
	}
	count, err := strconv.Atoi(strings.TrimSpace(*x.ArticleCount))
	if err != nil {
		return violate(ErrArticleCount, "ArticleCount is not a whole number")
	}
	n := len(x.Articles)
	limit := maxArticlesFor(head.MsgType)
	switch {
	case count != n:
		return violate(ErrArticleCount, "ArticleCount is %d but Articles holds %d item(s)", count, n)
	case n == 0:
		return violate(ErrArticleCount, "no articles")
	case n > limit && limit == 1:
		// limit is 1 only for the short MsgTypes maxArticlesFor names.
		return violate(ErrArticleCount, "%d articles in answer to a %q message: a message the user sent gets 1", n, head.MsgType)
	case n > limit:
		return violate(ErrArticleCount, "%d articles: at most %d", n, limit)
	}
	for i, it := range x.Articles {
		if strings.TrimSpace(it.Title) == "" {
			return violate(ErrMissingField, "news article %d without Title", i+1)
		}
	}
	return nil
}

// fill copies the decoded fields into r.
func fill(r *Reply, x *replyXML) {
	r.ToUserName = strings.TrimSpace(x.ToUserName)
	r.FromUserName = strings.TrimSpace(x.FromUserName)
	r.CreateTime, _ = strconv.ParseInt(strings.TrimSpace(x.CreateTime), 10, 64)
	r.MsgType = strings.TrimSpace(x.MsgType)
	r.Content = x.Content
	switch {
	case x.Image != nil && r.MsgType == "image":
		r.MediaID = x.Image.MediaID
	case x.Voice != nil && r.MsgType == "voice":
		r.MediaID = x.Voice.MediaID
	case x.Video != nil && r.MsgType == "video":
		r.MediaID, r.Title, r.Description = x.Video.MediaID, x.Video.Title, x.Video.Description
	case x.Music != nil && r.MsgType == "music":
		m := x.Music
		r.Title, r.Description = m.Title, m.Description
		r.MusicURL, r.HQMusicURL, r.ThumbMediaID = m.MusicURL, m.HQMusicURL, m.ThumbMediaID
	}
	for _, it := range x.Articles {
		r.Articles = append(r.Articles, reply.Article(it))
	}
	if x.TransInfo != nil {
		r.KfAccount = x.TransInfo.KfAccount
	}
}

// decodeDocument checks that b is exactly one well-formed XML document with
// the root element <xml> (comments, processing instructions and white space
// aside) and decodes it into x, in one pass. encoding/xml alone would accept
// text after the root element and stop reading at its end.
func decodeDocument(b []byte, x *replyXML) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	decoded := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return violate(ErrNotXML, "%s", describeXMLError(b, err))
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if decoded {
				return violate(ErrNotXML, "more than one root element")
			}
			if t.Name.Local != "xml" || t.Name.Space != "" {
				return violate(ErrNotXML, "the root element is not <xml>")
			}
			if err := d.DecodeElement(x, &t); err != nil {
				return violate(ErrNotXML, "%s", describeXMLError(b, err))
			}
			decoded = true
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return violate(ErrNotXML, "%s", describeStray(b))
			}
		}
	}
	if !decoded {
		return violate(ErrNotXML, "%s", describeStray(b))
	}
	return nil
}

// describeStray says what a body with text outside any element looks like.
func describeStray(b []byte) string {
	switch {
	case b[0] == '{' || b[0] == '[':
		return "the body looks like JSON; WeChat reads only XML"
	case bytes.EqualFold(b, []byte("success")):
		return "the body is \"success\" in the wrong case"
	}
	return "text outside the <xml> element"
}

// describeXMLError turns a decoder error into a detail. encoding/xml's own
// text is left out: it can quote names and entities from the body, which
// in the encrypted modes is decrypted plaintext.
func describeXMLError(b []byte, err error) string {
	if b[0] == '{' || b[0] == '[' {
		return "the body looks like JSON; WeChat reads only XML"
	}
	var syn *xml.SyntaxError
	if errors.As(err, &syn) {
		if strings.HasPrefix(syn.Msg, "unexpected EOF") { // also "... in CDATA section", "... in comment"
			return fmt.Sprintf("the XML is cut short (line %d)", syn.Line)
		}
		return fmt.Sprintf("syntax error on line %d", syn.Line)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "the XML is cut short"
	}
	if strings.Contains(err.Error(), "CharsetReader") {
		return "the XML declares an encoding other than UTF-8"
	}
	return "the XML does not parse"
}

// trimBody drops surrounding white space and a UTF-8 byte order mark.
func trimBody(b []byte) []byte {
	return bytes.TrimSpace(bytes.TrimPrefix(bytes.TrimSpace(b), []byte("\xef\xbb\xbf")))
}
