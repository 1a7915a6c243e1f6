package api

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/wxmp/wxmp/internal/wxhttp"
)

// answerSeeds are answers WeChat sends (from its pages and captures) and
// near misses.
var answerSeeds = []string{
	`{"menu":{"button":[{"type":"click","name":"今日歌曲","key":"V1001_TODAY_MUSIC","sub_button":[]},{"name":"菜单","sub_button":[{"type":"view","name":"搜索","url":"http://www.soso.com/","sub_button":[]}]}],"menuid":208396938},"conditionalmenu":[{"button":[{"type":"click","name":"a","key":"k","sub_button":[]}],"matchrule":{"tag_id":"2","client_platform_type":2},"menuid":208396993}]}`,
	`{"menu":{"button":[],"menuid":"208396938"}}`,
	`{"subscribe":1,"openid":"o6_bmjrPTlm6_2sgVt7hMZOPfL2M","language":"zh_CN","subscribe_time":1382694957,"unionid":"o6_bmasdasdsad6_2sgVt7hMZOPfL","remark":"","groupid":0,"tagid_list":[128,2],"subscribe_scene":"ADD_SCENE_QR_CODE","qr_scene":98765,"qr_scene_str":""}`,
	`{"subscribe":0,"openid":"o1"}`,
	`{"subscribe":"1","openid":"o1","subscribe_time":"1382694957","tagid_list":["2"],"nickname":"","sex":0,"headimgurl":""}`,
	`{"user_info_list":[{"subscribe":1,"openid":"o1"},{"subscribe":0,"openid":"o2"}]}`,
	`{"template_list":[{"template_id":"iPk5sOIt5X_flOVKn5GrTFpncEYTojx6ddbt8WYoV5s","title":"领取奖金提醒","primary_industry":"IT科技","deputy_industry":"互联网|电子商务","content":"{ {result.DATA} }","example":"您已提交领奖申请"}]}`,
	`{"ip_list":["127.0.0.1","101.226.103.0/25"]}`,
	`{"video_url":"http://example.com/v.mp4"}`,
	`{"type":"image","media_id":"MEDIA_ID","created_at":1672500000}`,
	`{"errcode":0,"errmsg":"ok","type":"thumb","thumb_media_id":"T","created_at":"1672500000"}`,
	`{"ticket":"gQH47joAAAAAAAAAASxodHRwOi8vd2VpeGluLnFxLmNvbS9xL2taZ2Z3TVRtNzJXV1Brb3ZhYmJJAAIEZ23sUwMEmm3sUw==","expire_seconds":60,"url":"http://weixin.qq.com/q/kZgfwMTm72WWPkovabbI"}`,
	`{"errcode":0,"errmsg":"ok","msgid":3717005636572528642}`,
	`{"errcode":45015,"errmsg":"response out of time limit or subscription is canceled rid: 617682e0-09059ac5-34a8e2ea"}`,
	`{"errcode":"40001","errmsg":"invalid credential"}`,
	`{"errcode":1e400}`, `[]`, `null`, `"x"`, ``, `{`, `{"menu":{"button":[{"sub_button":[{"sub_button":[{}]}]}]}}`,
}

// FuzzDecoders feeds every answer decoder of the package the same bytes:
// none may panic, each either fails with an error of this package's kinds
// or returns a usable value.
func FuzzDecoders(f *testing.F) {
	for _, s := range answerSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if m, err := decodeMenu(body); err == nil {
			if m == nil {
				t.Fatal("decodeMenu: nil menu without error")
			}
			for _, b := range m.Buttons {
				if b.SubButtons != nil && len(b.SubButtons) == 0 {
					t.Fatal("decodeMenu left an empty sub_button list")
				}
			}
			if _, err := json.Marshal(map[string][]Button{"button": m.Buttons}); err != nil {
				t.Fatalf("decoded buttons do not marshal: %v", err)
			}
		} else {
			mustBeOurs(t, err)
		}
		if u, err := decodeUser(body); err == nil {
			if u == nil || u.OpenID == "" {
				t.Fatal("decodeUser: a user without OpenID")
			}
		} else {
			mustBeOurs(t, err)
		}
		if _, err := decodeUsers(body); err != nil {
			mustBeOurs(t, err)
		}
		if l, err := decodeTemplates(body); err == nil && l == nil {
			t.Fatal("decodeTemplates: nil list without error")
		} else if err != nil {
			mustBeOurs(t, err)
		}
		if ips, err := decodeIPs(body); err == nil && ips == nil {
			t.Fatal("decodeIPs: nil list without error")
		} else if err != nil {
			mustBeOurs(t, err)
		}
		// The decoders that run inside a call return the transport's
		// errors for convert.
		if d, err := decodeVideo(body); err == nil {
			if d.VideoURL == "" {
				t.Fatal("decodeVideo: no URL without error")
			}
		} else {
			mustBeOurs(t, convert(err))
		}
		var ua uploadAnswer
		if err := wxhttp.Decode(body, &ua); err == nil {
			if up, err := ua.uploaded(MediaImage); err == nil && up.MediaID == "" {
				t.Fatal("upload answer without media_id accepted")
			}
		} else {
			mustBeOurs(t, convert(err))
		}
		var qa qrAnswer
		if err := wxhttp.Decode(body, &qa); err == nil {
			if q, err := qa.qrCode(); err == nil && q.Ticket == "" {
				t.Fatal("QR answer without ticket accepted")
			}
		} else {
			mustBeOurs(t, convert(err))
		}
	})
}

// mustBeOurs fails unless err is an *Error or wraps ErrInvalidResponse.
func mustBeOurs(t *testing.T, err error) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) && !errors.Is(err, ErrInvalidResponse) {
		t.Fatalf("error of another kind: %v", err)
	}
}

func TestFlexString(t *testing.T) {
	for in, want := range map[string]string{`"2"`: "2", `2`: "2", `null`: "", `1e3`: "1e3"} {
		var f flexString
		if err := json.Unmarshal([]byte(in), &f); err != nil || string(f) != want {
			t.Errorf("%s: got %q, %v; want %q", in, f, err, want)
		}
	}
	var f flexString
	if err := json.Unmarshal([]byte(`{}`), &f); err == nil {
		t.Error("an object decoded as a flexString")
	}
}
