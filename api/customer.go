package api

import (
	"context"
	"fmt"
	"strings"

	"github.com/wxmp/wxmp/reply"
)

// CustomerService sends customer-service messages (客服消息): messages to a
// user outside the 5-second answer to a push, such as a late reply. WeChat
// accepts them only within a window after the user interacted with the
// account and up to a count: 5 messages within 48 hours of a user's
// message; 3 within a minute of a click on a click/scancode menu button, a
// follow or a QR code scan. Outside the window the call fails with an
// *Error matching ErrOutsideWindow (45015), over the count ErrResponseLimit
// (45047).
//
// See https://developers.weixin.qq.com/doc/service/api/customer/message/api_sendcustommessage
// and https://developers.weixin.qq.com/doc/service/en/guide/product/kf/intro.html
type CustomerService service

// Paths of the customer-service API.
const (
	customSendPath   = "/cgi-bin/message/custom/send"
	customTypingPath = "/cgi-bin/message/custom/typing"
)

// Message is a customer-service message: [Text], [Image], [Voice], [Video],
// [Music], [News], [MPNews], [MPNewsArticle], [MsgMenu] or
// [MiniProgramPage], as values or pointers. Each is sent as
// {"touser":…,"msgtype":MsgType(),MsgType():{its fields}}.
type Message interface {
	// MsgType is the message's msgtype, e.g. "text".
	MsgType() string
	// check reports what WeChat would refuse, before the call.
	check() error
}

// Text is a text message. Content is required; it may hold newlines and
// <a href="…">links</a>, which WeChat shows as such.
type Text struct {
	Content string `json:"content"`
}

// Image is an image message: MediaID, required, is an uploaded temporary
// or permanent image ([MediaService.Upload]).
type Image struct {
	MediaID string `json:"media_id"`
}

// Voice is a voice message; MediaID, required, is an uploaded voice file.
type Voice struct {
	MediaID string `json:"media_id"`
}

// Video is a video message. MediaID, required, is an uploaded video;
// ThumbMediaID, Title and Description are optional.
type Video struct {
	MediaID      string `json:"media_id"`
	ThumbMediaID string `json:"thumb_media_id,omitempty"`
	Title        string `json:"title,omitempty"`
	Description  string `json:"description,omitempty"`
}

// Music is a music card. ThumbMediaID (an uploaded thumb) and one of
// MusicURL and HQMusicURL (the high-quality file, preferred on Wi-Fi) are
// required. The JSON keys are lower case (musicurl), unlike the XML of a
// passive reply.
type Music struct {
	Title        string `json:"title,omitempty"`
	Description  string `json:"description,omitempty"`
	MusicURL     string `json:"musicurl"`
	HQMusicURL   string `json:"hqmusicurl"`
	ThumbMediaID string `json:"thumb_media_id"`
}

// MaxNewsArticles is how many articles a customer-service news message
// carries: 1, since WeChat's rule change of 2018 (more are refused with
// 45008).
const MaxNewsArticles = 1

// News is a news (图文) card linking to a web page: exactly
// MaxNewsArticles article.
type News struct {
	Articles []Article `json:"articles"`
}

// Article is the card of a [News] message: Title is required; URL is opened
// when the user taps the card; PicURL is its picture (JPG or PNG).
type Article struct {
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	URL         string `json:"url,omitempty"`
	PicURL      string `json:"picurl,omitempty"`
}

// MPNews is a news message from the account's material library: MediaID,
// required, is a permanent news material.
type MPNews struct {
	MediaID string `json:"media_id"`
}

// MPNewsArticle sends a published article: ArticleID, required, comes from
// the publishing (发布) API.
type MPNewsArticle struct {
	ArticleID string `json:"article_id"`
}

// MsgMenu is a menu message: HeadContent, then the Items as tappable lines,
// then TailContent. A tap sends the item's Content back as a text message
// whose bizmsgmenuid is the item's ID. At least one item is required.
type MsgMenu struct {
	HeadContent string        `json:"head_content,omitempty"`
	Items       []MsgMenuItem `json:"list"`
	TailContent string        `json:"tail_content,omitempty"`
}

// MsgMenuItem is one line of a [MsgMenu]; ID and Content are required.
type MsgMenuItem struct {
	ID      string `json:"id"`
	Content string `json:"content"`
}

// MiniProgramPage is a mini program card. Every field is required: the
// mini program's AppID (linked to the account), the page path and the card
// picture's media_id.
type MiniProgramPage struct {
	Title        string `json:"title"`
	AppID        string `json:"appid"`
	PagePath     string `json:"pagepath"`
	ThumbMediaID string `json:"thumb_media_id"`
}

func (Text) MsgType() string            { return "text" }
func (Image) MsgType() string           { return "image" }
func (Voice) MsgType() string           { return "voice" }
func (Video) MsgType() string           { return "video" }
func (Music) MsgType() string           { return "music" }
func (News) MsgType() string            { return "news" }
func (MPNews) MsgType() string          { return "mpnews" }
func (MPNewsArticle) MsgType() string   { return "mpnewsarticle" }
func (MsgMenu) MsgType() string         { return "msgmenu" }
func (MiniProgramPage) MsgType() string { return "miniprogrampage" }

// required returns an ErrInvalidArgument error for the first empty value
// (white space counts as empty) among name/value pairs.
func required(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if strings.TrimSpace(pairs[i+1]) == "" {
			return fmt.Errorf("%w: %s is empty", ErrInvalidArgument, pairs[i])
		}
	}
	return nil
}

func (m Text) check() error  { return required("Text.Content", m.Content) }
func (m Image) check() error { return required("Image.MediaID", m.MediaID) }
func (m Voice) check() error { return required("Voice.MediaID", m.MediaID) }
func (m Video) check() error { return required("Video.MediaID", m.MediaID) }
func (m Music) check() error {
	if m.MusicURL == "" && m.HQMusicURL == "" {
		return fmt.Errorf("%w: Music needs MusicURL or HQMusicURL", ErrInvalidArgument)
	}
	return required("Music.ThumbMediaID", m.ThumbMediaID)
}
func (m News) check() error {
	if len(m.Articles) != MaxNewsArticles {
		return fmt.Errorf("%w: News must have exactly %d article, not %d", ErrInvalidArgument, MaxNewsArticles, len(m.Articles))
	}
	return required("News.Articles[0].Title", m.Articles[0].Title)
}
func (m MPNews) check() error        { return required("MPNews.MediaID", m.MediaID) }
func (m MPNewsArticle) check() error { return required("MPNewsArticle.ArticleID", m.ArticleID) }
func (m MsgMenu) check() error {
	if len(m.Items) == 0 {
		return fmt.Errorf("%w: MsgMenu has no items", ErrInvalidArgument)
	}
	for i, it := range m.Items {
		if err := required(fmt.Sprintf("MsgMenu.Items[%d].ID", i), it.ID, fmt.Sprintf("MsgMenu.Items[%d].Content", i), it.Content); err != nil {
			return err
		}
	}
	return nil
}
func (m MiniProgramPage) check() error {
	return required("MiniProgramPage.Title", m.Title, "MiniProgramPage.AppID", m.AppID,
		"MiniProgramPage.PagePath", m.PagePath, "MiniProgramPage.ThumbMediaID", m.ThumbMediaID)
}

// Send sends m to the user toUser (an OpenID of this account). It checks m
// first (an empty required field, a News without exactly one article)
// and returns an error wrapping ErrInvalidArgument without calling WeChat.
// WeChat's refusals are an *Error: ErrOutsideWindow (45015),
// ErrResponseLimit (45047), ErrNotFollowing (43004), ErrInvalidOpenID
// (40003), ErrInvalidMediaID (40007)…
func (s *CustomerService) Send(ctx context.Context, toUser string, m Message) error {
	return s.send(ctx, toUser, "", m)
}

// SendAs is Send as the customer-service agent kfAccount
// ("account@wechat_id", as the console lists it), so the user sees the
// agent's name and avatar.
func (s *CustomerService) SendAs(ctx context.Context, kfAccount, toUser string, m Message) error {
	if !strings.Contains(kfAccount, "@") {
		return fmt.Errorf("%w: kfAccount must be account@wechat_id", ErrInvalidArgument)
	}
	return s.send(ctx, toUser, kfAccount, m)
}

func (s *CustomerService) send(ctx context.Context, toUser, kfAccount string, m Message) error {
	if err := required("toUser", toUser); err != nil {
		return err
	}
	if isNil(m) {
		return fmt.Errorf("%w: nil Message", ErrInvalidArgument)
	}
	if err := m.check(); err != nil {
		return err
	}
	body := map[string]any{"touser": toUser, "msgtype": m.MsgType(), m.MsgType(): m}
	if kfAccount != "" {
		body["customservice"] = map[string]string{"kf_account": kfAccount}
	}
	return s.c.postJSON(ctx, customSendPath, nil, body, nil)
}

// SetTyping shows (typing true: command "Typing") or clears
// ("CancelTyping") the "typing…" indicator in the user's chat. WeChat
// allows it only within 30 seconds of an exchange with the user (else
// errcode 45080); it lasts 15 seconds, cannot be sent again meanwhile
// (45081), and sending a message clears it.
//
// See https://developers.weixin.qq.com/doc/service/api/customer/message/api_typing
func (s *CustomerService) SetTyping(ctx context.Context, toUser string, typing bool) error {
	if err := required("toUser", toUser); err != nil {
		return err
	}
	cmd := "CancelTyping"
	if typing {
		cmd = "Typing"
	}
	return s.c.postJSON(ctx, customTypingPath, nil, map[string]string{"touser": toUser, "command": cmd}, nil)
}

// SendReply sends a passive reply as a customer-service message to the
// reply's ToUserName: for a reply that could not be written within
// WeChat's 5 seconds (the push server answered "success" instead). Text,
// image, voice, video, music and news replies convert to [Text], [Image],
// [Voice], [Video] (without a thumbnail, which replies lack), [Music] and
// [News] (which must then hold exactly one article). A
// transfer_customer_service reply, or a Reply type of another package,
// returns an error wrapping ErrNotConvertible; a nil reply or one without
// ToUserName, ErrInvalidArgument. Other errors are Send's.
func (s *CustomerService) SendReply(ctx context.Context, r reply.Reply) error {
	to, m, err := FromReply(r)
	if err != nil {
		return err
	}
	return s.Send(ctx, to, m)
}

// FromReply returns the user a passive reply is addressed to and the
// customer-service message that says the same; see
// [CustomerService.SendReply].
func FromReply(r reply.Reply) (toUser string, m Message, err error) {
	if isNil(r) {
		return "", nil, fmt.Errorf("%w: nil reply", ErrInvalidArgument)
	}
	var h reply.Header
	switch r := r.(type) {
	case *reply.Text:
		h, m = r.Header, Text{Content: r.Content}
	case *reply.Image:
		h, m = r.Header, Image{MediaID: r.MediaID}
	case *reply.Voice:
		h, m = r.Header, Voice{MediaID: r.MediaID}
	case *reply.Video:
		h, m = r.Header, Video{MediaID: r.MediaID, Title: r.Title, Description: r.Description}
	case *reply.Music:
		h, m = r.Header, Music{Title: r.Title, Description: r.Description, MusicURL: r.MusicURL,
			HQMusicURL: r.HQMusicURL, ThumbMediaID: r.ThumbMediaID}
	case *reply.News:
		n := News{Articles: make([]Article, 0, len(r.Articles))}
		for _, a := range r.Articles {
			n.Articles = append(n.Articles, Article{Title: a.Title, Description: a.Description, URL: a.URL, PicURL: a.PicURL})
		}
		h, m = r.Header, n
	case *reply.TransferCustomerService:
		return "", nil, fmt.Errorf("%w: transfer_customer_service works only as a passive reply", ErrNotConvertible)
	default:
		return "", nil, fmt.Errorf("%w: %T", ErrNotConvertible, r)
	}
	to := strings.TrimSpace(h.ToUserName)
	if to == "" {
		return "", nil, fmt.Errorf("%w: reply has no ToUserName", ErrInvalidArgument)
	}
	return to, m, nil
}
