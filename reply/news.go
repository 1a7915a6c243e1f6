package reply

import (
	"fmt"
	"strconv"

	"github.com/wxmp/wxmp/message"
)

// Article is one item of a news reply. Title is required; Description,
// PicURL and URL are written as empty elements when empty. PicURL is a JPG
// or PNG picture (WeChat suggests 360×200 for the large picture of the
// first item and 200×200 for small ones); URL is opened when the user taps
// the item.
type Article struct {
	Title       string
	Description string
	PicURL      string
	URL         string
}

// News is a news (图文) reply (MsgType "news"): 1 to [MaxArticles] article
// cards.
//
// WeChat's rule: a reply to one of the five kinds of message the official
// page names (text, image, video, news/article or location sent by the
// user) shows only 1 article; up to 8 are shown in a reply to anything
// else, such as an event (follow, menu click, QR scan). Older copies of the
// page also named voice; to be safe, answer a voice message with 1 article
// too. Marshal allows up to 8 in every case, since which case applies is
// the caller's to know; reply to a user's message with 1 article.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Message_Management/Passive_user_reply_message.html
type News struct {
	Header
	Articles []Article
}

// NewNews returns a news reply to in with a copy of articles, addressed
// as described at [Header]. It never fails; problems (no articles or more
// than MaxArticles, an article without a Title, characters XML cannot
// carry) are reported by Marshal.
func NewNews(in message.Message, articles ...Article) *News {
	return &News{Header: addressTo(in), Articles: append([]Article(nil), articles...)}
}

func checkCount(n int) error {
	if n < 1 || n > MaxArticles {
		return fmt.Errorf("%w: got %d", ErrArticleCount, n)
	}
	return nil
}

// Marshal returns the reply as XML. Errors wrap ErrArticleCount,
// ErrMissingField (no ToUserName, FromUserName, or an article without a
// Title) or ErrInvalidChar.
func (r *News) Marshal() ([]byte, error) {
	if err := checkCount(len(r.Articles)); err != nil {
		return nil, err
	}
	if err := r.check(); err != nil {
		return nil, err
	}
	for i, a := range r.Articles {
		if err := checkItem(i,
			field{name: "Title", value: a.Title, rule: requiredText},
			field{name: "Description", value: a.Description},
			field{name: "PicUrl", value: a.PicURL},
			field{name: "Url", value: a.URL},
		); err != nil {
			return nil, err
		}
	}
	return r.appendTo(make([]byte, 0, r.size())), nil
}

func (r *News) size() int {
	n := r.Header.size(typeNews) +
		len("<ArticleCount></ArticleCount><Articles></Articles></xml>") + intLen(int64(len(r.Articles)))
	for _, a := range r.Articles {
		n += len("<item></item>") +
			elemLen("Title", a.Title) +
			elemLen("Description", a.Description) +
			elemLen("PicUrl", a.PicURL) +
			elemLen("Url", a.URL)
	}
	return n
}

func (r *News) appendTo(b []byte) []byte {
	b = r.Header.appendTo(b, typeNews)
	b = append(b, "<ArticleCount>"...)
	b = strconv.AppendInt(b, int64(len(r.Articles)), 10)
	b = append(b, "</ArticleCount><Articles>"...)
	for _, a := range r.Articles {
		b = append(b, "<item>"...)
		b = appendElem(b, "Title", a.Title)
		b = appendElem(b, "Description", a.Description)
		b = appendElem(b, "PicUrl", a.PicURL)
		b = appendElem(b, "Url", a.URL)
		b = append(b, "</item>"...)
	}
	return append(b, "</Articles></xml>"...)
}
