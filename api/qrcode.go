package api

import (
	"context"
	"fmt"
	"net/url"
	"time"
	"unicode/utf8"

	"github.com/wxmp/wxmp/internal/wxhttp"
)

// QRCodeService creates parametric QR codes (带参数二维码): codes that, when
// scanned, push a subscribe event (for a user not yet following; EventKey
// "qrscene_" + the scene) or a SCAN event (EventKey the scene) carrying the
// scene they were created with.
//
// See https://developers.weixin.qq.com/doc/service/Account_Management/Generating_a_Parametric_QR_Code.html
type QRCodeService service

const (
	qrCreatePath   = "/cgi-bin/qrcode/create"
	showQRCodePath = "/cgi-bin/showqrcode"
)

// QR code limits.
const (
	// MaxQRCodeExpiry is the longest a temporary code lives: 30 days
	// (expire_seconds 2592000).
	MaxQRCodeExpiry = 30 * 24 * time.Hour
	// MaxPermanentSceneID is the largest numeric scene of a permanent code.
	// An account has at most 100,000 permanent codes.
	MaxPermanentSceneID = 100000
	// MaxSceneStrLen is the longest string scene, in characters.
	MaxSceneStrLen = 64
)

// Scene is what a QR code carries: a number (ID) or a string (Str), exactly
// one of them. A temporary code takes an ID of 1 to 4294967295, a
// permanent one 1 to MaxPermanentSceneID; a Str has 1 to MaxSceneStrLen
// characters.
type Scene struct {
	ID  uint32
	Str string
}

// QRCode is a created code.
type QRCode struct {
	// Ticket identifies the code: give it to ShowURL for the image.
	Ticket string
	// URL is what the code encodes ("http://weixin.qq.com/q/…"): draw the
	// code yourself from it if you like.
	URL string
	// ExpiresIn is how long a temporary code lives; 0 for a permanent one.
	ExpiresIn time.Duration
}

type qrBody struct {
	ExpireSeconds int64  `json:"expire_seconds,omitempty"`
	ActionName    string `json:"action_name"`
	ActionInfo    struct {
		Scene qrScene `json:"scene"`
	} `json:"action_info"`
}

type qrScene struct {
	SceneID  uint32 `json:"scene_id,omitempty"`
	SceneStr string `json:"scene_str,omitempty"`
}

// checkScene returns the scene's JSON and whether it is a string scene.
func checkScene(s Scene, maxID uint32) (qrScene, bool, error) {
	switch {
	case s.ID != 0 && s.Str != "":
		return qrScene{}, false, fmt.Errorf("%w: a Scene has an ID or a Str, not both", ErrInvalidArgument)
	case s.Str != "":
		if n := utf8.RuneCountInString(s.Str); n > MaxSceneStrLen || !utf8.ValidString(s.Str) {
			return qrScene{}, false, fmt.Errorf("%w: Scene.Str must be 1 to %d characters of UTF-8", ErrInvalidArgument, MaxSceneStrLen)
		}
		return qrScene{SceneStr: s.Str}, true, nil
	case s.ID == 0:
		return qrScene{}, false, fmt.Errorf("%w: a Scene needs an ID (not 0) or a Str", ErrInvalidArgument)
	case s.ID > maxID:
		return qrScene{}, false, fmt.Errorf("%w: Scene.ID of a permanent code must be 1 to %d", ErrInvalidArgument, maxID)
	}
	return qrScene{SceneID: s.ID}, false, nil
}

// CreateTemporary creates a code that works for expiry, which must be
// 1 second to MaxQRCodeExpiry (30 days), in whole seconds (a fraction is
// dropped). Errors about the arguments wrap ErrInvalidArgument.
func (s *QRCodeService) CreateTemporary(ctx context.Context, scene Scene, expiry time.Duration) (*QRCode, error) {
	if expiry < time.Second || expiry > MaxQRCodeExpiry {
		return nil, fmt.Errorf("%w: expiry must be 1s to %s", ErrInvalidArgument, MaxQRCodeExpiry)
	}
	sc, str, err := checkScene(scene, ^uint32(0))
	if err != nil {
		return nil, err
	}
	b := qrBody{ExpireSeconds: int64(expiry / time.Second), ActionName: "QR_SCENE"}
	if str {
		b.ActionName = "QR_STR_SCENE"
	}
	b.ActionInfo.Scene = sc
	return s.create(ctx, &b)
}

// CreatePermanent creates a code that never expires. An account may have
// at most 100,000 of them; numeric scenes are 1 to MaxPermanentSceneID.
func (s *QRCodeService) CreatePermanent(ctx context.Context, scene Scene) (*QRCode, error) {
	sc, str, err := checkScene(scene, MaxPermanentSceneID)
	if err != nil {
		return nil, err
	}
	b := qrBody{ActionName: "QR_LIMIT_SCENE"}
	if str {
		b.ActionName = "QR_LIMIT_STR_SCENE"
	}
	b.ActionInfo.Scene = sc
	return s.create(ctx, &b)
}

func (s *QRCodeService) create(ctx context.Context, b *qrBody) (*QRCode, error) {
	var a qrAnswer
	if err := s.c.postJSON(ctx, qrCreatePath, nil, b, &a); err != nil {
		return nil, err
	}
	return a.qrCode()
}

type qrAnswer struct {
	Ticket        string     `json:"ticket"`
	ExpireSeconds wxhttp.Int `json:"expire_seconds"`
	URL           string     `json:"url"`
}

func (a qrAnswer) qrCode() (*QRCode, error) {
	if a.Ticket == "" {
		return nil, fmt.Errorf("%w: no ticket in the answer", ErrInvalidResponse)
	}
	return &QRCode{Ticket: a.Ticket, URL: a.URL, ExpiresIn: time.Duration(a.ExpireSeconds) * time.Second}, nil
}

// ShowURL returns the address of the code's image (a JPEG, no token
// needed): https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=TICKET with
// the ticket URL-escaped, as it must be (tickets hold '+', '/' and '=').
// WeChat answers an unknown or expired ticket with HTTP 404. The host is
// WithMPBaseURL's.
func (s *QRCodeService) ShowURL(ticket string) string {
	return s.c.mpBase + showQRCodePath + "?ticket=" + url.QueryEscape(ticket)
}
