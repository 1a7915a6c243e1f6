package wxmptest

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"net/http"
	"net/url"
	"time"
	"unicode/utf8"
)

// QR code limits, as WeChat documents them.
const (
	qrMaxExpire       = 2592000 // seconds: 30 days
	qrDefaultExpire   = 60      // seconds, when a temporary code gives none
	qrMaxLimitSceneID = 100000
	qrMaxSceneStr     = 64 // characters
)

// qrRequest is the body of POST /cgi-bin/qrcode/create.
type qrRequest struct {
	ExpireSeconds *int64 `json:"expire_seconds"`
	ActionName    string `json:"action_name"`
	ActionInfo    struct {
		Scene struct {
			SceneID  *int64  `json:"scene_id"`
			SceneStr *string `json:"scene_str"`
		} `json:"scene"`
	} `json:"action_info"`
}

// qrJSON is the body of a create answer; expire_seconds is absent for a
// permanent code.
type qrJSON struct {
	Ticket        string `json:"ticket"`
	ExpireSeconds int64  `json:"expire_seconds,omitempty"`
	URL           string `json:"url"`
}

// serveQRCodeCreate answers POST /cgi-bin/qrcode/create with
// {"ticket","expire_seconds","url"} (no expire_seconds for a permanent
// code). Errors: 40052 for an action_name other than QR_SCENE,
// QR_STR_SCENE, QR_LIMIT_SCENE and QR_LIMIT_STR_SCENE; 40053 for a scene
// that does not fit the action (scene_id for the numeric actions, a
// non-zero 32-bit integer for QR_SCENE and 1–100000 for QR_LIMIT_SCENE;
// scene_str of 1–64 characters for the string actions); 40097 for an
// expire_seconds outside 1–2592000 on a temporary code. A temporary code
// without expire_seconds lives 60 s. Tickets hold '+', '/' and '=', as
// WeChat's base64 tickets may, so a showqrcode URL must escape them. See
// https://developers.weixin.qq.com/doc/service/Account_Management/Generating_a_Parametric_QR_Code.html
func (s *APIServer) serveQRCodeCreate(r *http.Request, _ url.Values, _ string) any {
	var req qrRequest
	if e := readJSON(r, &req); e != nil {
		return *e
	}
	sc := req.ActionInfo.Scene
	var temporary, numeric bool
	switch req.ActionName {
	case "QR_SCENE":
		temporary, numeric = true, true
	case "QR_STR_SCENE":
		temporary = true
	case "QR_LIMIT_SCENE":
		numeric = true
	case "QR_LIMIT_STR_SCENE":
	default:
		return apiError{code: 40052}
	}
	code := APIQRCode{ActionName: req.ActionName}
	switch {
	case numeric && sc.SceneID == nil:
		return apiError{code: 40053, msg: "invalid action info: scene_id missing"}
	case numeric && temporary && (*sc.SceneID == 0 || *sc.SceneID < math.MinInt32 || *sc.SceneID > math.MaxUint32):
		return apiError{code: 40053, msg: "invalid action info: scene_id must be a non-zero 32-bit integer"}
	case numeric && !temporary && (*sc.SceneID < 1 || *sc.SceneID > qrMaxLimitSceneID):
		return apiError{code: 40053, msg: "invalid action info: scene_id must be 1-100000"}
	case numeric:
		code.SceneID = *sc.SceneID
	case sc.SceneStr == nil || *sc.SceneStr == "" || utf8.RuneCountInString(*sc.SceneStr) > qrMaxSceneStr:
		return apiError{code: 40053, msg: "invalid action info: scene_str must be 1-64 characters"}
	default:
		code.SceneStr = *sc.SceneStr
	}
	expire := int64(qrDefaultExpire)
	if temporary && req.ExpireSeconds != nil {
		expire = *req.ExpireSeconds
		if expire < 1 || expire > qrMaxExpire {
			return apiError{code: 40097, msg: "invalid args: expire_seconds must be 1-2592000"}
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	code.Ticket = newQRTicket()
	code.URL = "http://weixin.qq.com/q/" + rand.Text()
	a := qrJSON{Ticket: code.Ticket, URL: code.URL}
	if temporary {
		code.Expires = s.nowLocked().Add(time.Duration(expire) * time.Second)
		a.ExpireSeconds = expire
	}
	s.qrcodes[code.Ticket] = &code
	s.qrOrder = append(s.qrOrder, code.Ticket)
	return a
}

// newQRTicket returns a ticket in WeChat's style: standard base64 with
// '+', '/' and '=' in it.
func newQRTicket() string {
	b := make([]byte, 40)
	_, _ = rand.Read(b)
	b[0], b[1], b[2] = 0xfb, 0xef, 0xbf // "+++/"; 40 bytes end in "="
	return base64.StdEncoding.EncodeToString(b)
}

// serveShowQRCode answers GET /cgi-bin/showqrcode?ticket=… (on
// mp.weixin.qq.com at WeChat) with a JPEG image, without a token; a
// ticket that is unknown or expired gets HTTP 404, as WeChat answers.
func (s *APIServer) serveShowQRCode(r *http.Request, q url.Values, _ string) any {
	s.mu.Lock()
	c := s.qrcodes[q.Get("ticket")]
	ok := c != nil && (c.Expires.IsZero() || s.nowLocked().Before(c.Expires))
	s.mu.Unlock()
	if !ok {
		return apiRaw{status: http.StatusNotFound, contentType: "text/plain; charset=utf-8", body: []byte("404 page not found\n")}
	}
	return apiRaw{contentType: "image/jpg", body: qrImage(c.URL)}
}

// qrImage draws a 29×29-module picture that stands for a QR code of
// content (not a readable one: the fake only needs a real JPEG).
func qrImage(content string) []byte {
	const modules, scale = 29, 4
	sum := sha256.Sum256([]byte(content))
	img := image.NewGray(image.Rect(0, 0, modules*scale, modules*scale))
	for y := range modules {
		for x := range modules {
			bit := sum[(y*modules+x)/8%len(sum)]>>((y*modules+x)%8)&1 == 1
			c := color.Gray{Y: 255}
			if bit {
				c.Y = 0
			}
			for dy := range scale {
				for dx := range scale {
					img.SetGray(x*scale+dx, y*scale+dy, c)
				}
			}
		}
	}
	var b bytes.Buffer
	_ = jpeg.Encode(&b, img, &jpeg.Options{Quality: 75})
	return b.Bytes()
}
