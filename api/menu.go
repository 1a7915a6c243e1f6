package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/wxmp/wxmp/internal/wxhttp"
)

// MenuService creates, reads and deletes the custom menu (自定义菜单) shown
// under the chat. The client re-reads the menu when its copy is more than 5
// minutes old, so a change shows within about that.
//
// See https://developers.weixin.qq.com/doc/service/api/custommenu/api_createcustommenu
type MenuService service

const (
	menuCreatePath = "/cgi-bin/menu/create"
	menuGetPath    = "/cgi-bin/menu/get"
	menuDeletePath = "/cgi-bin/menu/delete"
)

// Menu limits, as WeChat documents them. Lengths are in bytes of UTF-8: a
// Chinese character takes 3.
const (
	MaxButtons            = 3    // top-level buttons
	MaxSubButtons         = 5    // sub-buttons under one top-level button
	MaxButtonNameBytes    = 16   // name of a top-level button (the client shows 4 Chinese characters, then "...")
	MaxSubButtonNameBytes = 60   // name of a sub-button, in bytes (older docs said 40)
	MaxButtonKeyBytes     = 128  // key of a click-like button
	MaxButtonURLBytes     = 1024 // url of a view or miniprogram button
)

// ButtonType is what a button does when tapped; the push it sends is
// named after it (a click sends event CLICK with the Key…).
type ButtonType string

// Button types. The scancode, pic and location types need WeChat 5.4 or
// later on the phone.
const (
	ButtonClick              ButtonType = "click"                // push a CLICK event with Key
	ButtonView               ButtonType = "view"                 // open URL
	ButtonScanCodePush       ButtonType = "scancode_push"        // scan a code and open what it holds
	ButtonScanCodeWaitMsg    ButtonType = "scancode_waitmsg"     // scan, then wait for the account's answer
	ButtonPicSysPhoto        ButtonType = "pic_sysphoto"         // take a photo and send it
	ButtonPicPhotoOrAlbum    ButtonType = "pic_photo_or_album"   // take or choose a photo
	ButtonPicWeixin          ButtonType = "pic_weixin"           // choose from the WeChat album
	ButtonLocationSelect     ButtonType = "location_select"      // send a location
	ButtonMediaID            ButtonType = "media_id"             // send the permanent material MediaID
	ButtonViewLimited        ButtonType = "view_limited"         // open the news material MediaID
	ButtonArticleID          ButtonType = "article_id"           // send the published article ArticleID
	ButtonArticleViewLimited ButtonType = "article_view_limited" // open the published article ArticleID
	ButtonMiniProgram        ButtonType = "miniprogram"          // open PagePath of the mini program AppID (URL for old clients)
)

// needs says which field a button type requires.
func (t ButtonType) needs() (string, bool) {
	switch t {
	case ButtonClick, ButtonScanCodePush, ButtonScanCodeWaitMsg, ButtonPicSysPhoto,
		ButtonPicPhotoOrAlbum, ButtonPicWeixin, ButtonLocationSelect:
		return "Key", true
	case ButtonView:
		return "URL", true
	case ButtonMiniProgram:
		return "AppID", true
	case ButtonMediaID, ButtonViewLimited:
		return "MediaID", true
	case ButtonArticleID, ButtonArticleViewLimited:
		return "ArticleID", true
	}
	return "", false
}

// Button is a menu button. A top-level button either has a Type (and the
// field that type needs) or SubButtons, never both; a sub-button always
// has a Type. See [ValidateMenu] for the rules.
type Button struct {
	Type       ButtonType `json:"type,omitempty"`
	Name       string     `json:"name"`
	Key        string     `json:"key,omitempty"`        // click-like types
	URL        string     `json:"url,omitempty"`        // view; miniprogram's fallback
	MediaID    string     `json:"media_id,omitempty"`   // media_id, view_limited
	AppID      string     `json:"appid,omitempty"`      // miniprogram
	PagePath   string     `json:"pagepath,omitempty"`   // miniprogram
	ArticleID  string     `json:"article_id,omitempty"` // article_id, article_view_limited
	SubButtons []Button   `json:"sub_button,omitempty"`
}

// Menu is the menu as [MenuService.Get] returns it: the default menu's
// buttons and id, and the conditional (个性化) menus, if any.
type Menu struct {
	Buttons     []Button
	MenuID      int64
	Conditional []ConditionalMenu
}

// ConditionalMenu is a menu shown to the users its MatchRule selects.
type ConditionalMenu struct {
	Buttons   []Button
	MatchRule MatchRule
	MenuID    int64
}

// MatchRule selects users for a conditional menu: by tag (TagID) and by
// ClientPlatformType ("1" iOS, "2" Android, "3" others). WeChat no longer
// accepts the sex, country, province, city and language rules.
type MatchRule struct {
	TagID              string
	ClientPlatformType string
}

// ValidateMenu checks buttons against WeChat's documented limits, which
// Create does before sending: 1 to MaxButtons top-level buttons; each with
// a Name of 1 to MaxButtonNameBytes bytes and either a Type or 1 to
// MaxSubButtons SubButtons; each sub-button with a Name of 1 to
// MaxSubButtonNameBytes bytes, a Type and no SubButtons; a known Type; a Key
// of 1 to MaxButtonKeyBytes bytes for the click-like types; a URL of 1 to
// MaxButtonURLBytes bytes for view and miniprogram; AppID and PagePath for
// miniprogram; MediaID for media_id and view_limited; ArticleID for
// article_id and article_view_limited. The error wraps ErrInvalidArgument
// and names the button ("Buttons[1].SubButtons[0].Key").
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Custom_Menus/Creating_Custom-Defined_Menu.html
func ValidateMenu(buttons []Button) error {
	if n := len(buttons); n == 0 || n > MaxButtons {
		return fmt.Errorf("%w: a menu has 1 to %d buttons, not %d", ErrInvalidArgument, MaxButtons, n)
	}
	for i, b := range buttons {
		at := "Buttons[" + strconv.Itoa(i) + "]"
		if err := checkName(at, b.Name, MaxButtonNameBytes); err != nil {
			return err
		}
		if len(b.SubButtons) == 0 {
			if b.Type == "" {
				return fmt.Errorf("%w: %s has neither Type nor SubButtons", ErrInvalidArgument, at)
			}
			if err := checkAction(at, b); err != nil {
				return err
			}
			continue
		}
		if b.Type != "" {
			return fmt.Errorf("%w: %s has both Type and SubButtons", ErrInvalidArgument, at)
		}
		if n := len(b.SubButtons); n > MaxSubButtons {
			return fmt.Errorf("%w: %s has %d SubButtons, more than %d", ErrInvalidArgument, at, n, MaxSubButtons)
		}
		for j, sb := range b.SubButtons {
			sat := at + ".SubButtons[" + strconv.Itoa(j) + "]"
			if err := checkName(sat, sb.Name, MaxSubButtonNameBytes); err != nil {
				return err
			}
			if len(sb.SubButtons) > 0 {
				return fmt.Errorf("%w: %s: a sub-button cannot have SubButtons", ErrInvalidArgument, sat)
			}
			if sb.Type == "" {
				return fmt.Errorf("%w: %s has no Type", ErrInvalidArgument, sat)
			}
			if err := checkAction(sat, sb); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkName(at, name string, max int) error {
	if name == "" || len(name) > max {
		return fmt.Errorf("%w: %s.Name must be 1 to %d bytes, not %d", ErrInvalidArgument, at, max, len(name))
	}
	return nil
}

// checkAction checks a button's Type and the fields it needs.
func checkAction(at string, b Button) error {
	need, ok := b.Type.needs()
	if !ok {
		return fmt.Errorf("%w: %s.Type %q is not a button type", ErrInvalidArgument, at, b.Type)
	}
	var value string
	limit := 0
	switch need {
	case "Key":
		value, limit = b.Key, MaxButtonKeyBytes
	case "URL":
		value, limit = b.URL, MaxButtonURLBytes
	case "AppID":
		if b.URL == "" || len(b.URL) > MaxButtonURLBytes {
			return fmt.Errorf("%w: %s.URL (the fallback of a miniprogram button) must be 1 to %d bytes", ErrInvalidArgument, at, MaxButtonURLBytes)
		}
		if b.PagePath == "" {
			return fmt.Errorf("%w: %s.PagePath is empty", ErrInvalidArgument, at)
		}
		value = b.AppID
	case "MediaID":
		value = b.MediaID
	case "ArticleID":
		value = b.ArticleID
	}
	if value == "" || limit > 0 && len(value) > limit {
		if limit > 0 {
			return fmt.Errorf("%w: %s.%s must be 1 to %d bytes for type %s", ErrInvalidArgument, at, need, limit, b.Type)
		}
		return fmt.Errorf("%w: %s.%s is empty (type %s needs it)", ErrInvalidArgument, at, need, b.Type)
	}
	return nil
}

// Create replaces the default menu with buttons, after ValidateMenu. It
// leaves the conditional menus alone.
func (s *MenuService) Create(ctx context.Context, buttons []Button) error {
	if err := ValidateMenu(buttons); err != nil {
		return err
	}
	return s.c.postJSON(ctx, menuCreatePath, nil, map[string][]Button{"button": buttons}, nil)
}

// Get returns the menus created through the API (not one set in the
// console's editor). With none, the error matches ErrMenuNotFound (46003).
//
// See https://developers.weixin.qq.com/doc/service/en/Custom_Menus/Getting_Custom_Menu_Configurations.html
func (s *MenuService) Get(ctx context.Context) (*Menu, error) {
	var body json.RawMessage
	if err := s.c.getJSON(ctx, menuGetPath, nil, &body); err != nil {
		return nil, err
	}
	return decodeMenu(body)
}

// Delete deletes the default menu and every conditional menu.
//
// See https://developers.weixin.qq.com/doc/service/en/api/custommenu/api_deletemenu
func (s *MenuService) Delete(ctx context.Context) error {
	return s.c.getJSON(ctx, menuDeletePath, nil, nil)
}

// menuAnswer is the body of menu/get.
type menuAnswer struct {
	Menu struct {
		Button []Button    `json:"button"`
		MenuID *wxhttp.Int `json:"menuid"`
	} `json:"menu"`
	ConditionalMenu []struct {
		Button    []Button `json:"button"`
		MatchRule struct {
			TagID              flexString `json:"tag_id"`
			ClientPlatformType flexString `json:"client_platform_type"`
		} `json:"matchrule"`
		MenuID *wxhttp.Int `json:"menuid"`
	} `json:"conditionalmenu"`
}

// decodeMenu decodes a menu/get answer. The empty "sub_button":[] WeChat
// puts on every leaf becomes nil, so the buttons can be given to Create
// as they are.
func decodeMenu(body []byte) (*Menu, error) {
	var a menuAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidResponse, err)
	}
	m := &Menu{Buttons: tidyButtons(a.Menu.Button), MenuID: intOf(a.Menu.MenuID)}
	for _, c := range a.ConditionalMenu {
		m.Conditional = append(m.Conditional, ConditionalMenu{
			Buttons:   tidyButtons(c.Button),
			MatchRule: MatchRule{TagID: string(c.MatchRule.TagID), ClientPlatformType: string(c.MatchRule.ClientPlatformType)},
			MenuID:    intOf(c.MenuID),
		})
	}
	return m, nil
}

func tidyButtons(bs []Button) []Button {
	for i := range bs {
		if len(bs[i].SubButtons) == 0 {
			bs[i].SubButtons = nil
		} else {
			bs[i].SubButtons = tidyButtons(bs[i].SubButtons)
		}
	}
	return bs
}

func intOf(n *wxhttp.Int) int64 {
	if n == nil {
		return 0
	}
	return int64(*n)
}

// flexString decodes a JSON string, a number (kept as written) or null
// (""): WeChat writes ids both ways.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*f = ""
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*f = flexString(n)
	return nil
}
