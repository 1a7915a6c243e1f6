package event

import "strings"

// Core events: follows, QR scans, location reports and custom-menu taps.

// Names of the core events, exactly as WeChat writes them.
const (
	NameSubscribe       = "subscribe"
	NameUnsubscribe     = "unsubscribe"
	NameScan            = "SCAN"
	NameLocation        = "LOCATION"
	NameClick           = "CLICK"
	NameView            = "VIEW"
	NameViewMiniProgram = "view_miniprogram"
	NameScanCodePush    = "scancode_push"
	NameScanCodeWaitMsg = "scancode_waitmsg"
	NamePicSysPhoto     = "pic_sysphoto"
	NamePicPhotoOrAlbum = "pic_photo_or_album"
	NamePicWeixin       = "pic_weixin"
	NameLocationSelect  = "location_select"
)

// QRScenePrefix starts the EventKey of a [Subscribe] that came from scanning
// a parametric QR code: "qrscene_" followed by the QR code's scene value.
const QRScenePrefix = "qrscene_"

// Subscribe is pushed when a user follows the Official Account
// (Event "subscribe").
//
// A follow through a parametric QR code carries EventKey "qrscene_"
// followed by the scene value (the scene_id or scene_str the code was made
// with) and Ticket, which fetches the QR code image. A plain follow has
// neither, though EventKey may be present and empty; a follow from a
// product page (WeChat Scan) has an EventKey such as
// "scanbarcode|ean13|6901481811083" and no Ticket. [Subscribe.QRScene]
// tells the cases apart.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Message_Management/Receiving_event_pushes.html
type Subscribe struct {
	Header
	Event    string `xml:"Event"`
	EventKey string `xml:"EventKey"`
	Ticket   string `xml:"Ticket"`
}

// QRScene reports whether the follow came from scanning a parametric QR
// code (EventKey starts with "qrscene_") and, if so, returns the scene value
// without the prefix. For a plain follow it returns "", false.
func (e *Subscribe) QRScene() (scene string, ok bool) {
	scene, ok = strings.CutPrefix(strings.TrimSpace(e.EventKey), QRScenePrefix)
	if !ok {
		return "", false
	}
	return scene, true
}

// Unsubscribe is pushed when a user unfollows the Official Account
// (Event "unsubscribe"). WeChat asks developers to delete the user's data
// when it arrives.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Message_Management/Receiving_event_pushes.html
type Unsubscribe struct {
	Header
	Event string `xml:"Event"`
}

// Scan is pushed when a user who already follows the account scans one of
// its parametric QR codes (Event "SCAN"). EventKey is the scene value
// itself, without the "qrscene_" prefix a [Subscribe] has: a 32-bit
// unsigned scene_id in decimal, or a scene_str. Ticket fetches the QR code
// image.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Message_Management/Receiving_event_pushes.html
type Scan struct {
	Header
	Event    string `xml:"Event"`
	EventKey string `xml:"EventKey"`
	Ticket   string `xml:"Ticket"`
}

// QRScene returns the QR code's scene value (EventKey without surrounding
// white space, and without a "qrscene_" prefix should one ever be present)
// and whether there is one, as [Subscribe.QRScene] does, so that callers
// can treat both alike. ok is false only when EventKey is empty.
func (e *Scan) QRScene() (scene string, ok bool) {
	key := strings.TrimSpace(e.EventKey)
	scene, _ = strings.CutPrefix(key, QRScenePrefix)
	return scene, scene != ""
}

// Location is a location report (Event "LOCATION"), sent when the user
// enters the chat after agreeing to share their location, or every five
// seconds in the chat, as the account's settings say.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Message_Management/Receiving_event_pushes.html
type Location struct {
	Header
	Event string `xml:"Event"`
	// Latitude and Longitude are in degrees.
	Latitude  float64 `xml:"Latitude"`
	Longitude float64 `xml:"Longitude"`
	// Precision is the accuracy of the fix (the radius, in metres, as the
	// device reports it).
	Precision float64 `xml:"Precision"`
}

// Click is a tap on a custom-menu button of type "click" (Event "CLICK").
// EventKey is the button's key.
//
// See https://developers.weixin.qq.com/doc/offiaccount/Custom_Menus/Custom_Menu_Event_Push.html
type Click struct {
	Header
	Event    string `xml:"Event"`
	EventKey string `xml:"EventKey"`
}

// View is a tap on a custom-menu button that opens a web page
// (Event "VIEW"). EventKey is the page's URL. MenuID (wire name "MenuId")
// identifies the conditional (个性化) menu the button belongs to; it is
// empty for the default menu.
//
// See https://developers.weixin.qq.com/doc/offiaccount/Custom_Menus/Custom_Menu_Event_Push.html
type View struct {
	Header
	Event    string `xml:"Event"`
	EventKey string `xml:"EventKey"`
	MenuID   string `xml:"MenuId"`
}

// ViewMiniProgram is a tap on a custom-menu button that opens a Mini
// Program (Event "view_miniprogram"). EventKey is the Mini Program page
// path; MenuID (wire name "MenuId") is as in [View].
//
// See https://developers.weixin.qq.com/doc/offiaccount/Custom_Menus/Custom_Menu_Event_Push.html
type ViewMiniProgram struct {
	Header
	Event    string `xml:"Event"`
	EventKey string `xml:"EventKey"`
	MenuID   string `xml:"MenuId"`
}

// ScanCodeInfo is what a menu's scan button read.
type ScanCodeInfo struct {
	// ScanType is the kind of code, usually "qrcode" (or "barcode").
	ScanType string `xml:"ScanType"`
	// ScanResult is the text the code holds.
	ScanResult string `xml:"ScanResult"`
}

// ScanCodePush is sent when a user scans a code with a menu button of type
// "scancode_push" (Event "scancode_push"): WeChat handles the code itself
// (opening a URL, for example) and tells the account. EventKey is the
// button's key.
//
// See https://developers.weixin.qq.com/doc/offiaccount/Custom_Menus/Custom_Menu_Event_Push.html
type ScanCodePush struct {
	Header
	Event        string       `xml:"Event"`
	EventKey     string       `xml:"EventKey"`
	ScanCodeInfo ScanCodeInfo `xml:"ScanCodeInfo"`
}

// ScanCodeWaitMsg is sent when a user scans a code with a menu button of
// type "scancode_waitmsg" (Event "scancode_waitmsg"): WeChat shows "message
// receiving" and waits for the account's reply. EventKey is the button's
// key.
//
// See https://developers.weixin.qq.com/doc/offiaccount/Custom_Menus/Custom_Menu_Event_Push.html
type ScanCodeWaitMsg struct {
	Header
	Event        string       `xml:"Event"`
	EventKey     string       `xml:"EventKey"`
	ScanCodeInfo ScanCodeInfo `xml:"ScanCodeInfo"`
}

// SendPicsInfo lists the pictures a user sent through a menu's picture
// button. PicList holds one entry per picture, whether WeChat sent one
// <item> or several.
type SendPicsInfo struct {
	// Count is the number of pictures, as WeChat states it.
	Count   int       `xml:"Count"`
	PicList []PicItem `xml:"PicList>item"`
}

// PicItem is one picture of a [SendPicsInfo].
type PicItem struct {
	// PicMD5Sum (wire name "PicMd5Sum") is the picture's MD5, in hex.
	PicMD5Sum string `xml:"PicMd5Sum"`
}

// PicSysPhoto is sent when a user takes a photo with a menu button of type
// "pic_sysphoto" (Event "pic_sysphoto"). EventKey is the button's key. The
// pictures themselves arrive as separate image messages.
//
// See https://developers.weixin.qq.com/doc/offiaccount/Custom_Menus/Custom_Menu_Event_Push.html
type PicSysPhoto struct {
	Header
	Event        string       `xml:"Event"`
	EventKey     string       `xml:"EventKey"`
	SendPicsInfo SendPicsInfo `xml:"SendPicsInfo"`
}

// PicPhotoOrAlbum is sent when a user sends pictures through a menu button
// of type "pic_photo_or_album" (camera or album; Event
// "pic_photo_or_album"). Fields as in [PicSysPhoto].
//
// See https://developers.weixin.qq.com/doc/offiaccount/Custom_Menus/Custom_Menu_Event_Push.html
type PicPhotoOrAlbum struct {
	Header
	Event        string       `xml:"Event"`
	EventKey     string       `xml:"EventKey"`
	SendPicsInfo SendPicsInfo `xml:"SendPicsInfo"`
}

// PicWeixin is sent when a user sends pictures from the WeChat album
// through a menu button of type "pic_weixin" (Event "pic_weixin"). Fields
// as in [PicSysPhoto].
//
// See https://developers.weixin.qq.com/doc/offiaccount/Custom_Menus/Custom_Menu_Event_Push.html
type PicWeixin struct {
	Header
	Event        string       `xml:"Event"`
	EventKey     string       `xml:"EventKey"`
	SendPicsInfo SendPicsInfo `xml:"SendPicsInfo"`
}

// SendLocationInfo is the place a user picked with a menu's location
// button.
type SendLocationInfo struct {
	// LocationX (wire name "Location_X") is the latitude, in degrees.
	LocationX float64 `xml:"Location_X"`
	// LocationY (wire name "Location_Y") is the longitude, in degrees.
	LocationY float64 `xml:"Location_Y"`
	// Scale is the map's zoom level.
	Scale float64 `xml:"Scale"`
	// Label describes the place in words.
	Label string `xml:"Label"`
	// PoiName (wire name "Poiname", lowercase n) is the name of the point
	// of interest picked, often empty.
	PoiName string `xml:"Poiname"`
}

// LocationSelect is sent when a user picks a place with a menu button of
// type "location_select" (Event "location_select"). EventKey is the
// button's key.
//
// See https://developers.weixin.qq.com/doc/offiaccount/Custom_Menus/Custom_Menu_Event_Push.html
type LocationSelect struct {
	Header
	Event            string           `xml:"Event"`
	EventKey         string           `xml:"EventKey"`
	SendLocationInfo SendLocationInfo `xml:"SendLocationInfo"`
}
