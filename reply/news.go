package reply

import (
	"fmt"

	"github.com/wxmp/wxmp/internal/xmltext"
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
// WeChat's rule: a reply to a message the user sent (text, image, voice,
// video, news/article or location) shows only 1 article; up to 8 are shown
// in a reply to anything else, such as an event (follow, menu click, QR
// scan). Marshal allows up to 8 in every case, since which case applies is
// the caller's to know; reply to a user's message with 1 article.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Message_Management/Passive_user_reply_message.html
type News struct {
	Header
	Articles []Article
}

// NewNews returns a news reply to in with a copy of articles. It returns
// an error wrapping ErrArticleCount when there are none or more than
// MaxArticles; other problems are reported by Marshal.
func NewNews(in message.Message, articles ...Article) (*News, error) {
	if err := checkCount(len(articles)); err != nil {
		return nil, err
	}
	return &News{Header: addressTo(in), Articles: append([]Article(nil), articles...)}, nil
}

func checkCount(n int) error {
	if n < 1 || n > MaxArticles {
		return fmt.Errorf("%w: got %d", ErrArticleCount, n)
	}
	return nil
}

type articleWire struct {
	Title       xmltext.Text `xml:"Title"`
	Description xmltext.Text `xml:"Description"`
	PicURL      xmltext.Text `xml:"PicUrl"`
	URL         xmltext.Text `xml:"Url"`
}

type newsWire struct {
	wireHeader
	ArticleCount int           `xml:"ArticleCount"`
	Articles     []articleWire `xml:"Articles>item"`
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
	w := newsWire{
		wireHeader:   r.wire(typeNews),
		ArticleCount: len(r.Articles),
		Articles:     make([]articleWire, len(r.Articles)),
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
		w.Articles[i] = articleWire{
			Title:       xmltext.Wrap(a.Title),
			Description: xmltext.Wrap(a.Description),
			PicURL:      xmltext.Wrap(a.PicURL),
			URL:         xmltext.Wrap(a.URL),
		}
	}
	return marshal(&w)
}
