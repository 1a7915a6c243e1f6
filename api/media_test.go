package api_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/api"
	"github.com/wxmp/wxmp/wxmptest"
)

// Files whose first bytes are of each format, padded to n bytes.
func file(head string, n int) []byte {
	b := make([]byte, n)
	copy(b, head)
	for i := len(head); i < n; i++ {
		b[i] = byte(i * 7)
	}
	return b
}

const (
	pngHead  = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
	jpegHead = "\xff\xd8\xff\xe0\x00\x10JFIF\x00"
	gifHead  = "GIF89a"
	amrHead  = "#!AMR\n"
	mp3Head  = "ID3\x03\x00"
	mp4Head  = "\x00\x00\x00\x18ftypmp42"
)

// onlyReader hides every method of a reader but Read: its size is unknown
// and it cannot seek.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func TestMediaUpload(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	for _, tc := range []struct {
		typ      api.MediaType
		filename string
		data     []byte
		wantName string
		wantCT   string
	}{
		{api.MediaImage, "photo.png", file(pngHead, 3000), "photo.png", "image/png"},
		{api.MediaImage, "", file(jpegHead, 100), "media.jpg", "image/jpeg"},
		{api.MediaImage, "", file(gifHead, 100), "media.gif", "image/gif"},
		{api.MediaVoice, "", file(amrHead, 500), "media.amr", "audio/amr"},
		{api.MediaVoice, "a \"quoted\" name.mp3", file(mp3Head, 500), "a \"quoted\" name.mp3", "audio/mpeg"},
		{api.MediaVideo, "", file(mp4Head, 70000), "media.mp4", "video/mp4"},
		{api.MediaThumb, "", file(jpegHead, api.MaxThumbBytes), "media.jpg", "image/jpeg"},
	} {
		t.Run(string(tc.typ)+"/"+tc.wantName, func(t *testing.T) {
			up, err := f.c.Media.Upload(ctx, tc.typ, tc.filename, onlyReader{bytes.NewReader(tc.data)})
			require.NoError(t, err)
			assert.Equal(t, tc.typ, up.Type)
			assert.Equal(t, f.fake.Now().Unix(), up.CreatedAt.Unix())
			m, ok := f.fake.Media(up.MediaID)
			require.True(t, ok, "a thumb's thumb_media_id is the MediaID too")
			assert.Equal(t, string(tc.typ), m.Type)
			assert.Equal(t, tc.wantName, m.Filename)
			assert.Equal(t, tc.wantCT, m.ContentType)
			assert.True(t, bytes.Equal(tc.data, m.Data), "the whole file arrived")
		})
	}

	// An *os.File: its size is known.
	path := filepath.Join(t.TempDir(), "big.jpg")
	require.NoError(t, os.WriteFile(path, file(jpegHead, api.MaxThumbBytes+1), 0o600))
	fh, err := os.Open(path)
	require.NoError(t, err)
	defer fh.Close()
	_, err = f.c.Media.Upload(ctx, api.MediaThumb, "", fh)
	require.ErrorIs(t, err, api.ErrInvalidArgument)
	assert.Contains(t, err.Error(), "65537 bytes")

	for _, tc := range []struct {
		name string
		typ  api.MediaType
		r    io.Reader
		in   string
	}{
		{"unknown type", "file", bytes.NewReader(file(pngHead, 10)), "image, voice, video or thumb"},
		{"nil reader", api.MediaImage, nil, "nil reader"},
		{"empty", api.MediaImage, strings.NewReader(""), "empty"},
		{"empty unknown size", api.MediaImage, onlyReader{strings.NewReader("")}, "empty"},
		{"png as thumb", api.MediaThumb, bytes.NewReader(file(pngHead, 100)), "not of a format"},
		{"text as image", api.MediaImage, strings.NewReader("hello, world"), "not of a format"},
		{"jpeg as voice", api.MediaVoice, bytes.NewReader(file(jpegHead, 100)), "not of a format"},
		{"image as video", api.MediaVideo, bytes.NewReader(file(pngHead, 100)), "not of a format"},
		{"known size over", api.MediaVoice, bytes.NewReader(file(amrHead, api.MaxVoiceBytes+1)), "more than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.c.Media.Upload(ctx, tc.typ, "", tc.r)
			require.ErrorIs(t, err, api.ErrInvalidArgument)
			assert.Contains(t, err.Error(), tc.in)
		})
	}
	assert.Equal(t, 7, f.fake.Calls(wxmptest.APIMediaUploadPath), "no refused file was sent")
}

// TestMediaUploadStreamsOverLimit: a reader of unknown size is counted as
// it streams, and the upload stops at the limit.
func TestMediaUploadStreamsOverLimit(t *testing.T) {
	t.Parallel()
	received := make(chan int64, 2) // bytes each upload delivered
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		received <- n
		_, _ = io.WriteString(w, `{"type":"thumb","thumb_media_id":"X","created_at":1}`)
	}))
	defer srv.Close()
	c, err := api.NewClient(staticSource("TOKEN_static_0001"), api.WithBaseURL(srv.URL))
	require.NoError(t, err)
	big := onlyReader{io.MultiReader(strings.NewReader(jpegHead), bytes.NewReader(make([]byte, 200<<10)))}
	_, err = c.Media.Upload(context.Background(), api.MediaThumb, "", big)
	require.ErrorIs(t, err, api.ErrInvalidArgument)
	assert.Contains(t, err.Error(), "larger than 65536 bytes")
	assert.Less(t, <-received, int64(100<<10), "the upload stopped near the limit")

	// Just at the limit it goes through.
	ok := onlyReader{io.MultiReader(strings.NewReader(jpegHead), bytes.NewReader(make([]byte, api.MaxThumbBytes-len(jpegHead))))}
	up, err := c.Media.Upload(context.Background(), api.MediaThumb, "", ok)
	require.NoError(t, err)
	assert.Equal(t, "X", up.MediaID)
	assert.Greater(t, <-received, int64(api.MaxThumbBytes), "the whole file and the multipart framing")
}

func TestMediaUploadRetry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	data := file(pngHead, 5000)

	// A Seeker is replayed after a rotated token.
	f := newFixture(t)
	r := bytes.NewReader(data)
	_, _ = r.Seek(0, io.SeekStart)
	f.fake.SetFaults(wxmptest.APIFault{Path: wxmptest.APIMediaUploadPath, ErrCode: 40001, Rotate: true, Times: 1})
	up, err := f.c.Media.Upload(ctx, api.MediaImage, "a.png", r)
	require.NoError(t, err)
	m, ok := f.fake.Media(up.MediaID)
	require.True(t, ok)
	assert.True(t, bytes.Equal(data, m.Data))
	assert.Equal(t, 2, f.fake.Calls(wxmptest.APIMediaUploadPath))

	// A reader that cannot seek is not: the 40001 comes back, the token
	// was invalidated, and the next call works.
	f = newFixture(t)
	f.fake.SetFaults(wxmptest.APIFault{Path: wxmptest.APIMediaUploadPath, ErrCode: 40001, Rotate: true, Times: 1})
	_, err = f.c.Media.Upload(ctx, api.MediaImage, "a.png", onlyReader{bytes.NewReader(data)})
	require.ErrorIs(t, err, api.ErrInvalidToken)
	assert.Equal(t, 1, f.fake.Calls(wxmptest.APIMediaUploadPath))
	_, _, invalidates := f.tokens.counts()
	assert.Equal(t, 1, invalidates)
	_, err = f.c.Media.Upload(ctx, api.MediaImage, "a.png", onlyReader{bytes.NewReader(data)})
	require.NoError(t, err)
}

func TestMediaDownload(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	img := file(pngHead, 4000)
	id := f.fake.AddMedia("image", "photo 1.png", img)
	var b bytes.Buffer
	d, err := f.c.Media.Download(ctx, id, &b)
	require.NoError(t, err)
	assert.Equal(t, img, b.Bytes())
	assert.Equal(t, &api.Downloaded{ContentType: "image/png", Filename: "photo 1.png", Size: int64(len(img))}, d)

	vid := f.fake.AddMedia("video", "v.mp4", file(mp4Head, 100))
	b.Reset()
	d, err = f.c.Media.Download(ctx, vid, &b)
	require.NoError(t, err)
	assert.Zero(t, b.Len(), "a video is not copied")
	assert.True(t, strings.HasPrefix(d.VideoURL, f.fake.URL), d.VideoURL)

	_, err = f.c.Media.Download(ctx, "unknown", &b)
	require.ErrorIs(t, err, api.ErrInvalidMediaID)
	assert.Zero(t, b.Len(), "a JSON error is not written")
	_, err = f.c.Media.Download(ctx, "", &b)
	require.ErrorIs(t, err, api.ErrInvalidArgument)
	_, err = f.c.Media.Download(ctx, id, nil)
	require.ErrorIs(t, err, api.ErrInvalidArgument)

	// 40001 with a rotated token: one retry, the file arrives once.
	f.fake.SetFaults(wxmptest.APIFault{Path: wxmptest.APIMediaGetPath, ErrCode: 40001, Rotate: true, Times: 1})
	b.Reset()
	_, err = f.c.Media.Download(ctx, id, &b)
	require.NoError(t, err)
	assert.Equal(t, img, b.Bytes())

	// Over the limit.
	small, err := api.NewClient(f.tokens, api.WithBaseURL(f.fake.URL), api.WithMaxDownloadBytes(int64(len(img)-1)))
	require.NoError(t, err)
	_, err = small.Media.Download(ctx, id, io.Discard)
	require.ErrorIs(t, err, api.ErrInvalidResponse)
	exact, err := api.NewClient(f.tokens, api.WithBaseURL(f.fake.URL), api.WithMaxDownloadBytes(int64(len(img))))
	require.NoError(t, err)
	_, err = exact.Media.Download(ctx, id, io.Discard)
	require.NoError(t, err)
}

func TestMediaDownloadOddAnswers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, ct, disposition, body string
		err                         error
	}{
		{"json without fields", "application/json", "", `{}`, api.ErrInvalidResponse},
		{"not json", "text/plain", "", `<html>`, api.ErrInvalidResponse},
		{"json as octet-stream without disposition", "application/octet-stream", "", `{"errcode":40007,"errmsg":"invalid media_id"}`, api.ErrInvalidMediaID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tc.ct)
				if tc.disposition != "" {
					w.Header().Set("Content-Disposition", tc.disposition)
				}
				_, _ = fmt.Fprint(w, tc.body)
			}))
			defer srv.Close()
			c, err := api.NewClient(staticSource("TOKEN_static_0001"), api.WithBaseURL(srv.URL))
			require.NoError(t, err)
			_, err = c.Media.Download(context.Background(), "m", io.Discard)
			require.ErrorIs(t, err, tc.err)
		})
	}
}
