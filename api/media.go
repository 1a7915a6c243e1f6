package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"time"

	"github.com/wxmp/wxmp/internal/wxhttp"
)

// MediaService uploads and downloads temporary media (临时素材): files a
// message refers to by media_id. WeChat keeps them 3 days.
//
// See https://developers.weixin.qq.com/doc/service/api/material/temporary/api_uploadtempmedia
type MediaService service

const (
	mediaUploadPath = "/cgi-bin/media/upload"
	mediaGetPath    = "/cgi-bin/media/get"
)

// MediaType is the kind of a temporary media file.
type MediaType string

// Media types and their limits. WeChat's page gives an image both 10 MB
// ("其他补充") and 2 MB ("注意事项"); the larger is checked here, so an image
// between the two may still be refused by WeChat (40006/45001).
const (
	MediaImage MediaType = "image" // PNG, JPEG or GIF, up to MaxImageBytes
	MediaVoice MediaType = "voice" // AMR or MP3, up to MaxVoiceBytes and 60 s
	MediaVideo MediaType = "video" // MP4, up to MaxVideoBytes
	MediaThumb MediaType = "thumb" // JPEG, up to MaxThumbBytes: the thumbnail of a video or music message
)

// Size limits of temporary media, in bytes.
const (
	MaxImageBytes = 10 << 20
	MaxVoiceBytes = 2 << 20
	MaxVideoBytes = 10 << 20
	MaxThumbBytes = 64 << 10
)

// MaxBytes returns the size limit of t in bytes, or 0 for an unknown type.
func (t MediaType) MaxBytes() int64 {
	switch t {
	case MediaImage:
		return MaxImageBytes
	case MediaVoice:
		return MaxVoiceBytes
	case MediaVideo:
		return MaxVideoBytes
	case MediaThumb:
		return MaxThumbBytes
	}
	return 0
}

// formats returns the content types t accepts and their file extensions.
func (t MediaType) formats() map[string]string {
	switch t {
	case MediaImage:
		return map[string]string{"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif"}
	case MediaVoice:
		return map[string]string{"audio/amr": ".amr", "audio/mpeg": ".mp3"}
	case MediaVideo:
		return map[string]string{"video/mp4": ".mp4"}
	case MediaThumb:
		return map[string]string{"image/jpeg": ".jpg"}
	}
	return nil
}

// sniff returns the content type the first bytes of a file say.
func sniff(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("#!AMR")):
		return "audio/amr"
	case bytes.HasPrefix(head, []byte("ID3")) || len(head) > 1 && head[0] == 0xFF && head[1]&0xE0 == 0xE0:
		return "audio/mpeg"
	case len(head) >= 12 && string(head[4:8]) == "ftyp":
		return "video/mp4"
	}
	ct, _, _ := mime.ParseMediaType(http.DetectContentType(head))
	return ct
}

// Uploaded is a temporary media file WeChat has stored.
type Uploaded struct {
	Type      MediaType
	MediaID   string    // a thumb's comes as thumb_media_id; it is here all the same
	CreatedAt time.Time // upload time; the media_id works for 3 days from it
}

// Upload streams the file r holds to WeChat as a temporary media file of
// type t, and returns its media_id. filename is the name sent with it; an
// empty one becomes "media" with the extension of the format found.
//
// Before sending anything Upload checks, wrapping ErrInvalidArgument: that
// t is a MediaType; that the file is not empty and (when r reports its size:
// *os.File, *bytes.Reader, *strings.Reader, *bytes.Buffer) not larger than
// t.MaxBytes(); and that its first bytes are of a format t accepts (image
// PNG, JPEG or GIF; voice AMR or MP3; video MP4; thumb JPEG). A reader of
// unknown size is counted as it streams, and the upload stops with the
// same error once it passes the limit. The file is streamed (multipart,
// part "media") and never held whole in memory.
//
// Like every call, Upload retries once with a new token after 40001, 40014
// or 42001, but only when r is an io.Seeker (it seeks back to where it
// started); otherwise it returns that *Error, having invalidated the token.
//
// See https://developers.weixin.qq.com/doc/service/api/material/temporary/api_uploadtempmedia
func (s *MediaService) Upload(ctx context.Context, t MediaType, filename string, r io.Reader) (*Uploaded, error) {
	limit := t.MaxBytes()
	if limit == 0 {
		return nil, fmt.Errorf("%w: media type must be image, voice, video or thumb", ErrInvalidArgument)
	}
	if isNil(r) {
		return nil, fmt.Errorf("%w: nil reader", ErrInvalidArgument)
	}
	if n, ok := sizeOf(r); ok && n > limit {
		return nil, fmt.Errorf("%w: %s file of %d bytes, more than %d", ErrInvalidArgument, t, n, limit)
	}
	var start int64 = -1 // where a Seeker started, to replay a retry
	if sk, ok := r.(io.Seeker); ok {
		if pos, err := sk.Seek(0, io.SeekCurrent); err == nil {
			start = pos
		}
	}

	var (
		first   error // the first attempt's stale-token error
		attempt int
		up      *Uploaded
	)
	err := s.c.withToken(ctx, func(token string) error {
		attempt++
		if attempt > 1 {
			if start < 0 {
				return first
			}
			if _, err := r.(io.Seeker).Seek(start, io.SeekStart); err != nil {
				return first
			}
		}
		u := s.c.endpoint(mediaUploadPath, url.Values{"type": {string(t)}}, token)
		var err error
		up, err = s.upload(ctx, u, t, filename, r, limit)
		if attempt == 1 {
			first = err
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return up, nil
}

// upload sends one attempt. Its errors are the transport's (for withToken
// to judge and convert) or this package's.
func (s *MediaService) upload(ctx context.Context, u string, t MediaType, filename string, r io.Reader, limit int64) (*Uploaded, error) {
	head := make([]byte, 512)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("api: read the file: %w", err)
	}
	head = head[:n]
	if n == 0 {
		return nil, fmt.Errorf("%w: empty %s file", ErrInvalidArgument, t)
	}
	ct := sniff(head)
	ext, ok := t.formats()[ct]
	if !ok {
		return nil, fmt.Errorf("%w: the file is not of a format WeChat accepts as %s (found %s)", ErrInvalidArgument, t, ct)
	}
	if filename == "" {
		filename = "media" + ext
	}

	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	done := make(chan error, 1)
	go func() {
		err := writeMedia(mw, filename, ct, &limitedReader{r: io.MultiReader(bytes.NewReader(head), r), left: limit})
		_ = pw.CloseWithError(err)
		done <- err
	}()
	resp, err := wxhttp.Do(ctx, s.c.http, http.MethodPost, u, pr, mw.FormDataContentType())
	_ = pr.CloseWithError(errUploadOver) // stops the writer if the server answered early
	werr := <-done
	if errors.Is(werr, errTooLarge) {
		if resp != nil {
			_ = resp.Body.Close()
		}
		return nil, fmt.Errorf("%w: %s file larger than %d bytes", ErrInvalidArgument, t, limit)
	}
	if err != nil {
		if werr != nil && !errors.Is(werr, errUploadOver) && !errors.Is(werr, io.ErrClosedPipe) {
			return nil, fmt.Errorf("api: read the file: %w", werr)
		}
		return nil, wxhttp.Scrub(err, wxhttp.Secrets(u)...)
	}
	body, err := wxhttp.ReadBody(resp, s.c.maxBody)
	if err == nil {
		var a uploadAnswer
		if err = wxhttp.Decode(body, &a); err == nil {
			return a.uploaded(t)
		}
	}
	return nil, wxhttp.Scrub(err, wxhttp.Secrets(u)...)
}

var (
	errTooLarge   = errors.New("api: file larger than its limit")
	errUploadOver = errors.New("api: upload over")
)

// writeMedia writes the multipart body: one file part named "media".
func writeMedia(mw *multipart.Writer, filename, contentType string, r io.Reader) error {
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", mime.FormatMediaType("form-data", map[string]string{"name": "media", "filename": filename}))
	h.Set("Content-Type", contentType)
	w, err := mw.CreatePart(h)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, r); err != nil {
		return err
	}
	return mw.Close()
}

// limitedReader fails with errTooLarge once more than left bytes came.
type limitedReader struct {
	r    io.Reader
	left int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return n, errTooLarge
	}
	return n, err
}

// sizeOf returns how many bytes r has left, when it can tell.
func sizeOf(r io.Reader) (int64, bool) {
	switch v := r.(type) {
	case interface{ Len() int }:
		return int64(v.Len()), true
	case interface{ Stat() (fs.FileInfo, error) }:
		fi, err := v.Stat()
		if err != nil || !fi.Mode().IsRegular() {
			return 0, false
		}
		n := fi.Size()
		if sk, ok := r.(io.Seeker); ok {
			if pos, err := sk.Seek(0, io.SeekCurrent); err == nil {
				n -= pos
			}
		}
		return n, true
	}
	return 0, false
}

// uploadAnswer is the body of an upload answer.
type uploadAnswer struct {
	Type         string     `json:"type"`
	MediaID      string     `json:"media_id"`
	ThumbMediaID string     `json:"thumb_media_id"`
	CreatedAt    wxhttp.Int `json:"created_at"`
}

func (a uploadAnswer) uploaded(t MediaType) (*Uploaded, error) {
	id := a.MediaID
	if id == "" {
		id = a.ThumbMediaID
	}
	if id == "" {
		return nil, fmt.Errorf("%w: no media_id in the answer", ErrInvalidResponse)
	}
	typ := MediaType(a.Type)
	if typ == "" {
		typ = t
	}
	return &Uploaded{Type: typ, MediaID: id, CreatedAt: time.Unix(int64(a.CreatedAt), 0)}, nil
}

// Downloaded describes a file [MediaService.Download] copied.
type Downloaded struct {
	ContentType string // from the answer, e.g. "image/jpeg"
	Filename    string // from Content-Disposition; may be empty
	Size        int64  // bytes written
	// VideoURL is set, and nothing written, for a video: WeChat answers
	// a video's media_id with a URL to fetch it from instead of the file.
	VideoURL string
}

// Download copies the temporary media file mediaID to w, up to
// WithMaxDownloadBytes (a longer file fails with ErrInvalidResponse after
// that much was written). A video is not copied: its URL is returned
// instead. A JSON answer (WeChat's errors come as JSON with HTTP 200) is
// an *Error, such as ErrInvalidMediaID (40007: unknown, or older than 3
// days); nothing is written to w then.
//
// See https://developers.weixin.qq.com/doc/service/api/material/temporary/api_getmedia
func (s *MediaService) Download(ctx context.Context, mediaID string, w io.Writer) (*Downloaded, error) {
	if err := required("mediaID", mediaID); err != nil {
		return nil, err
	}
	if isNil(w) {
		return nil, fmt.Errorf("%w: nil writer", ErrInvalidArgument)
	}
	var d *Downloaded
	err := s.c.withToken(ctx, func(token string) error {
		u := s.c.endpoint(mediaGetPath, url.Values{"media_id": {mediaID}}, token)
		var err error
		d, err = s.download(ctx, u, w)
		if err != nil {
			return wxhttp.Scrub(err, wxhttp.Secrets(u)...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

func (s *MediaService) download(ctx context.Context, u string, w io.Writer) (*Downloaded, error) {
	resp, err := wxhttp.Do(ctx, s.c.http, http.MethodGet, u, nil, "")
	if err != nil {
		return nil, err
	}
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	disposition := resp.Header.Get("Content-Disposition")
	if ct == "application/json" || ct == "text/plain" || disposition == "" {
		body, err := wxhttp.ReadBody(resp, s.c.maxBody)
		if err != nil {
			return nil, err
		}
		return decodeVideo(body)
	}
	defer resp.Body.Close()
	d := &Downloaded{ContentType: ct}
	if _, params, err := mime.ParseMediaType(disposition); err == nil {
		d.Filename = params["filename"]
	}
	n, err := io.Copy(w, io.LimitReader(resp.Body, s.c.maxMedia))
	d.Size = n
	if err != nil {
		return nil, fmt.Errorf("api: download: %w", err)
	}
	if n == s.c.maxMedia {
		// Is there more? One byte tells.
		if m, _ := io.ReadFull(resp.Body, make([]byte, 1)); m > 0 {
			return nil, fmt.Errorf("%w: file larger than %d bytes", ErrInvalidResponse, s.c.maxMedia)
		}
	}
	return d, nil
}

// decodeVideo decodes a JSON answer of media/get: an error, or a video's
// URL. Errors are the transport's, for withToken.
func decodeVideo(body []byte) (*Downloaded, error) {
	var a struct {
		VideoURL string `json:"video_url"`
	}
	if err := wxhttp.Decode(body, &a); err != nil {
		return nil, err
	}
	if a.VideoURL == "" {
		return nil, fmt.Errorf("%w: a JSON answer with neither errcode nor video_url", ErrInvalidResponse)
	}
	return &Downloaded{ContentType: "application/json", VideoURL: a.VideoURL}, nil
}
