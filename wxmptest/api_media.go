package wxmptest

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
)

// apiMediaLimits are the largest temporary media file of each type, in
// bytes, as WeChat's upload page gives them: image 10 MB (the same page
// also says 2 MB; the fake takes the larger), voice 2 MB, video 10 MB,
// thumb 64 KB.
var apiMediaLimits = map[string]int64{
	"image": 10 << 20,
	"voice": 2 << 20,
	"video": 10 << 20,
	"thumb": 64 << 10,
}

// apiVideoPath is where the fake serves a video's bytes: the video_url
// that /cgi-bin/media/get answers for a video.
const apiVideoPath = "/wxmptest/video/"

// mediaUploadJSON is the body of an upload answer. A thumb's id comes back
// as thumb_media_id, as WeChat sends it.
type mediaUploadJSON struct {
	Type         string `json:"type"`
	MediaID      string `json:"media_id,omitempty"`
	ThumbMediaID string `json:"thumb_media_id,omitempty"`
	CreatedAt    int64  `json:"created_at"` // Unix seconds
}

// serveMediaUpload answers POST /cgi-bin/media/upload?type=…, a
// multipart/form-data body whose file part is named "media". Errors: 40004
// for a type other than image, voice, video and thumb, 41005 for no media
// part (or a body that is not multipart), 40006 for an empty file, 45001
// for one over the type's limit, 40005 for a file that is not of the
// type's formats (image PNG, JPEG or GIF; voice AMR or MP3; video MP4;
// thumb JPEG), judged by its first bytes. See
// https://developers.weixin.qq.com/doc/service/api/material/temporary/api_uploadtempmedia
func (s *APIServer) serveMediaUpload(r *http.Request, q url.Values, _ string) any {
	typ := q.Get("type")
	limit, ok := apiMediaLimits[typ]
	if !ok {
		return apiError{code: 40004}
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return apiError{code: 41005, msg: "media data missing: body is not multipart/form-data"}
	}
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return apiError{code: 41005, msg: "media data missing"}
		}
		if err != nil {
			return apiError{code: 41005, msg: "media data missing: bad multipart body"}
		}
		if p.FormName() != "media" || p.FileName() == "" {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(p, limit+1))
		if err != nil {
			return apiError{code: 41005, msg: "media data missing: bad multipart body"}
		}
		switch {
		case len(data) == 0:
			return apiError{code: 40006}
		case int64(len(data)) > limit:
			return apiError{code: 45001}
		case !mediaFormatOK(typ, data):
			return apiError{code: 40005}
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		id := s.addMediaLocked(typ, p.FileName(), data)
		a := mediaUploadJSON{Type: typ, CreatedAt: s.media[id].CreatedAt.Unix()}
		if typ == "thumb" {
			a.ThumbMediaID = id
		} else {
			a.MediaID = id
		}
		return a
	}
}

// mediaFormatOK reports whether data starts like a file of a format the
// type accepts.
func mediaFormatOK(typ string, data []byte) bool {
	switch ct := sniffMedia(data); typ {
	case "image":
		return ct == "image/png" || ct == "image/jpeg" || ct == "image/gif"
	case "voice":
		return ct == "audio/amr" || ct == "audio/mpeg"
	case "video":
		return ct == "video/mp4"
	case "thumb":
		return ct == "image/jpeg"
	}
	return false
}

// sniffMedia returns the media type data starts like.
func sniffMedia(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("#!AMR")):
		return "audio/amr"
	case bytes.HasPrefix(data, []byte("ID3")) || len(data) > 1 && data[0] == 0xFF && data[1]&0xE0 == 0xE0:
		return "audio/mpeg"
	case len(data) >= 12 && string(data[4:8]) == "ftyp":
		return "video/mp4"
	}
	return http.DetectContentType(data)
}

// addMediaLocked stores a media file and returns its new id.
func (s *APIServer) addMediaLocked(typ, filename string, data []byte) string {
	id := s.newIDLocked("FAKEMEDIA")
	s.media[id] = &APIMedia{
		MediaID:     id,
		Type:        typ,
		Filename:    filename,
		ContentType: sniffMedia(data),
		Data:        data,
		CreatedAt:   s.nowLocked(),
	}
	return id
}

// serveMediaGet answers GET /cgi-bin/media/get?media_id=…: the file, with
// Content-Type and Content-Disposition: attachment; filename="…"; for a
// video, {"video_url":…}. 41006 without media_id; 40007 for an id that is
// unknown or older than APIMediaLifetime. See
// https://developers.weixin.qq.com/doc/service/api/material/temporary/api_getmedia
func (s *APIServer) serveMediaGet(_ *http.Request, q url.Values, _ string) any {
	id := q.Get("media_id")
	if id == "" {
		return apiError{code: 41006}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.media[id]
	if m == nil || !s.nowLocked().Before(m.CreatedAt.Add(APIMediaLifetime)) {
		return apiError{code: 40007}
	}
	if m.Type == "video" {
		return struct {
			VideoURL string `json:"video_url"`
		}{s.URL + apiVideoPath + url.PathEscape(id)}
	}
	return apiRaw{
		contentType: m.ContentType,
		header: map[string]string{
			"Content-Disposition": mime.FormatMediaType("attachment", map[string]string{"filename": m.Filename}),
			"Cache-Control":       "no-cache, must-revalidate",
		},
		body: m.Data,
	}
}

// serveVideo serves a video's bytes at its video_url, without a token, as
// WeChat's download host does.
func (s *APIServer) serveVideo(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	m := s.media[r.PathValue("id")]
	var data []byte
	if m != nil && m.Type == "video" {
		data = m.Data
	}
	s.mu.Unlock()
	if data == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "video/mp4")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	_, _ = w.Write(data)
}
