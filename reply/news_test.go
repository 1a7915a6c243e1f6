package reply_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/reply"
)

func articles(n int) []reply.Article {
	a := make([]reply.Article, n)
	for i := range a {
		a[i] = reply.Article{
			Title:       fmt.Sprintf("Article %d", i+1),
			Description: fmt.Sprintf("Summary %d", i+1),
			PicURL:      fmt.Sprintf("https://example.com/%d.jpg", i+1),
			URL:         fmt.Sprintf("https://example.com/%d", i+1),
		}
	}
	return a
}

// TestNewsArticleCount: 1 to 8 articles go out with a matching
// ArticleCount; NewNews takes 0 and 9 without complaint (it returns no
// error), and Marshal refuses them with ErrArticleCount.
func TestNewsArticleCount(t *testing.T) {
	t.Parallel()
	in := inbound(t, "wechatpy_click.xml")
	for _, n := range []int{0, 1, 8, 9} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			t.Parallel()
			r := reply.NewNews(in, articles(n)...)
			require.NotNil(t, r)
			assert.Len(t, r.Articles, n)
			out, err := r.Marshal()
			if n == 0 || n > reply.MaxArticles {
				require.ErrorIs(t, err, reply.ErrArticleCount)
				assert.Contains(t, err.Error(), fmt.Sprintf("got %d", n))
				assert.Nil(t, out)
				return
			}
			require.NoError(t, err)
			got := decode(t, out)
			require.NotNil(t, got.ArticleCount)
			assert.Equal(t, n, *got.ArticleCount)
			require.NotNil(t, got.Articles)
			require.Len(t, got.Articles.Item, n)
			for i, a := range articles(n) {
				assert.Equal(t, decodedArticle(a), got.Articles.Item[i], "article %d in order", i)
			}
		})
	}
}

// TestNewsArticlesChangedLater: Marshal checks the count of the Articles
// field as it is when Marshal runs, since Articles is exported.
func TestNewsArticlesChangedLater(t *testing.T) {
	t.Parallel()
	in := inbound(t, "wechatpy_click.xml")
	for _, n := range []int{0, 9} {
		r := reply.NewNews(in, articles(1)...)
		r.Articles = articles(n)
		out, err := r.Marshal()
		require.ErrorIs(t, err, reply.ErrArticleCount, "%d articles", n)
		assert.Nil(t, out)
	}
	r := reply.NewNews(in)
	r.Articles = articles(2)
	_, err := r.Marshal()
	require.NoError(t, err, "articles added after NewNews")
}

// TestNewsCopiesArticles: changing the caller's slice after NewNews does
// not change the reply.
func TestNewsCopiesArticles(t *testing.T) {
	t.Parallel()
	a := articles(2)
	r := reply.NewNews(inbound(t, "wechatpy_click.xml"), a...)
	a[0].Title = "changed"
	assert.Equal(t, "Article 1", r.Articles[0].Title)
}
