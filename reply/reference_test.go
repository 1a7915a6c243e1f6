package reply_test

import (
	"encoding/xml"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wxmp/wxmp/internal/xmltext"
	"github.com/wxmp/wxmp/reply"
)

// This file is the reference for FuzzDifferential: replies as this package
// wrote them with encoding/xml before it had its own writer. The wire
// structs are the ones Marshal used then; refCheck repeats Marshal's
// checks in their order with an independent character test.

type refHeader struct {
	XMLName      xml.Name     `xml:"xml"`
	ToUserName   xmltext.Text `xml:"ToUserName"`
	FromUserName xmltext.Text `xml:"FromUserName"`
	CreateTime   int64        `xml:"CreateTime"`
	MsgType      xmltext.Text `xml:"MsgType"`
}

func refWireHeader(h reply.Header, msgType string) refHeader {
	return refHeader{
		ToUserName:   xmltext.Wrap(h.ToUserName),
		FromUserName: xmltext.Wrap(h.FromUserName),
		CreateTime:   h.CreateTime,
		MsgType:      xmltext.Wrap(msgType),
	}
}

type refText struct {
	refHeader
	Content xmltext.Text `xml:"Content"`
}

type refMedia struct {
	MediaID xmltext.Text `xml:"MediaId"`
}

type refImage struct {
	refHeader
	Image refMedia `xml:"Image"`
}

type refVoice struct {
	refHeader
	Voice refMedia `xml:"Voice"`
}

type refVideo struct {
	refHeader
	Video struct {
		MediaID     xmltext.Text  `xml:"MediaId"`
		Title       *xmltext.Text `xml:"Title,omitempty"`
		Description *xmltext.Text `xml:"Description,omitempty"`
	} `xml:"Video"`
}

type refMusic struct {
	refHeader
	Music struct {
		Title        xmltext.Text `xml:"Title"`
		Description  xmltext.Text `xml:"Description"`
		MusicURL     xmltext.Text `xml:"MusicUrl"`
		HQMusicURL   xmltext.Text `xml:"HQMusicUrl"`
		ThumbMediaID xmltext.Text `xml:"ThumbMediaId"`
	} `xml:"Music"`
}

type refArticle struct {
	Title       xmltext.Text `xml:"Title"`
	Description xmltext.Text `xml:"Description"`
	PicURL      xmltext.Text `xml:"PicUrl"`
	URL         xmltext.Text `xml:"Url"`
}

type refNews struct {
	refHeader
	ArticleCount int          `xml:"ArticleCount"`
	Articles     []refArticle `xml:"Articles>item"`
}

type refKf struct {
	KfAccount xmltext.Text `xml:"KfAccount"`
}

type refTransfer struct {
	refHeader
	TransInfo *refKf `xml:"TransInfo,omitempty"`
}

func refOptional(s string) *xmltext.Text {
	if s == "" {
		return nil
	}
	t := xmltext.Wrap(s)
	return &t
}

// refRule says whether a field may be empty.
type refRule int

const (
	refOptionalField refRule = iota
	refRequiredText          // not ""
	refRequiredID            // not empty or only white space
)

type refField struct {
	name, value string
	rule        refRule
}

// refCheck returns the error Marshal returns for the first bad field, in
// the order given.
func refCheck(fields ...refField) error {
	for _, f := range fields {
		if f.rule == refRequiredText && f.value == "" || f.rule == refRequiredID && strings.TrimSpace(f.value) == "" {
			return fmt.Errorf("%w: %s", reply.ErrMissingField, f.name)
		}
		if at := refInvalidAt(f.value); at >= 0 {
			return fmt.Errorf("%w: %s at byte %d", reply.ErrInvalidChar, f.name, at)
		}
	}
	return nil
}

// refInvalidAt is the offset of the first byte that is not valid UTF-8
// for a character in XML 1.0's Char production, or -1.
func refInvalidAt(s string) int {
	for i, r := range s {
		if r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD") || !unicode.Is(xmlChars, r) {
			return i
		}
	}
	return -1
}

func refHeaderFields(h reply.Header, body ...refField) []refField {
	return append([]refField{
		{"ToUserName", h.ToUserName, refRequiredID},
		{"FromUserName", h.FromUserName, refRequiredID},
	}, body...)
}

// refMarshal is Marshal as it was: the checks, then encoding/xml.
func refMarshal(r reply.Reply) ([]byte, error) {
	v, err := refWire(r)
	if err != nil {
		return nil, err
	}
	return xml.Marshal(v)
}

// refWire returns r's wire struct, and the error Marshal returns before
// writing it, if any.
func refWire(r reply.Reply) (v any, err error) {
	switch r := r.(type) {
	case *reply.Text:
		err = refCheck(refHeaderFields(r.Header, refField{"Content", r.Content, refRequiredText})...)
		v = refText{refHeader: refWireHeader(r.Header, "text"), Content: xmltext.Wrap(r.Content)}
	case *reply.Image:
		err = refCheck(refHeaderFields(r.Header, refField{"Image.MediaId", r.MediaID, refRequiredID})...)
		v = refImage{refHeader: refWireHeader(r.Header, "image"), Image: refMedia{xmltext.Wrap(r.MediaID)}}
	case *reply.Voice:
		err = refCheck(refHeaderFields(r.Header, refField{"Voice.MediaId", r.MediaID, refRequiredID})...)
		v = refVoice{refHeader: refWireHeader(r.Header, "voice"), Voice: refMedia{xmltext.Wrap(r.MediaID)}}
	case *reply.Video:
		err = refCheck(refHeaderFields(r.Header,
			refField{"Video.MediaId", r.MediaID, refRequiredID},
			refField{"Video.Title", r.Title, refOptionalField},
			refField{"Video.Description", r.Description, refOptionalField})...)
		w := refVideo{refHeader: refWireHeader(r.Header, "video")}
		w.Video.MediaID = xmltext.Wrap(r.MediaID)
		w.Video.Title = refOptional(r.Title)
		w.Video.Description = refOptional(r.Description)
		v = w
	case *reply.Music:
		err = refCheck(refHeaderFields(r.Header,
			refField{"Music.Title", r.Title, refOptionalField},
			refField{"Music.Description", r.Description, refOptionalField},
			refField{"Music.MusicUrl", r.MusicURL, refOptionalField},
			refField{"Music.HQMusicUrl", r.HQMusicURL, refOptionalField},
			refField{"Music.ThumbMediaId", r.ThumbMediaID, refRequiredID})...)
		w := refMusic{refHeader: refWireHeader(r.Header, "music")}
		w.Music.Title = xmltext.Wrap(r.Title)
		w.Music.Description = xmltext.Wrap(r.Description)
		w.Music.MusicURL = xmltext.Wrap(r.MusicURL)
		w.Music.HQMusicURL = xmltext.Wrap(r.HQMusicURL)
		w.Music.ThumbMediaID = xmltext.Wrap(r.ThumbMediaID)
		v = w
	case *reply.News:
		fields := refHeaderFields(r.Header)
		w := refNews{refHeader: refWireHeader(r.Header, "news"), ArticleCount: len(r.Articles)}
		for i, a := range r.Articles {
			name := fmt.Sprintf("Articles[%d].", i)
			fields = append(fields,
				refField{name + "Title", a.Title, refRequiredText},
				refField{name + "Description", a.Description, refOptionalField},
				refField{name + "PicUrl", a.PicURL, refOptionalField},
				refField{name + "Url", a.URL, refOptionalField})
			w.Articles = append(w.Articles, refArticle{
				Title:       xmltext.Wrap(a.Title),
				Description: xmltext.Wrap(a.Description),
				PicURL:      xmltext.Wrap(a.PicURL),
				URL:         xmltext.Wrap(a.URL),
			})
		}
		err = refCheck(fields...)
		if n := len(r.Articles); n < 1 || n > reply.MaxArticles {
			err = fmt.Errorf("%w: got %d", reply.ErrArticleCount, n)
		}
		v = w
	case *reply.TransferCustomerService:
		err = refCheck(refHeaderFields(r.Header, refField{"TransInfo.KfAccount", r.KfAccount, refOptionalField})...)
		w := refTransfer{refHeader: refWireHeader(r.Header, "transfer_customer_service")}
		if r.KfAccount != "" {
			w.TransInfo = &refKf{xmltext.Wrap(r.KfAccount)}
		}
		v = w
	default:
		return nil, errors.New("refWire: unknown reply type")
	}
	return v, err
}
