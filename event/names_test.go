package event_test

import (
	"encoding/xml"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/event"
	"github.com/wxmp/wxmp/message"
)

// nameTable maps every exported event-name constant to the type Parse
// must return for it.
func nameTable() map[string]event.Event {
	return map[string]event.Event{
		event.NameSubscribe:       &event.Subscribe{},
		event.NameUnsubscribe:     &event.Unsubscribe{},
		event.NameScan:            &event.Scan{},
		event.NameLocation:        &event.Location{},
		event.NameClick:           &event.Click{},
		event.NameView:            &event.View{},
		event.NameViewMiniProgram: &event.ViewMiniProgram{},
		event.NameScanCodePush:    &event.ScanCodePush{},
		event.NameScanCodeWaitMsg: &event.ScanCodeWaitMsg{},
		event.NamePicSysPhoto:     &event.PicSysPhoto{},
		event.NamePicPhotoOrAlbum: &event.PicPhotoOrAlbum{},
		event.NamePicWeixin:       &event.PicWeixin{},
		event.NameLocationSelect:  &event.LocationSelect{},

		event.NameTemplateSendJobFinish: &event.TemplateSendJobFinish{},
		event.NameMassSendJobFinish:     &event.MassSendJobFinish{},
		event.NamePublishJobFinish:      &event.PublishJobFinish{},
		event.NameFreePublishJobFinish:  &event.PublishJobFinish{},

		event.NameSubscribeMsgPopup:  &event.SubscribeMsgPopup{},
		event.NameSubscribeMsgChange: &event.SubscribeMsgChange{},
		event.NameSubscribeMsgSent:   &event.SubscribeMsgSent{},

		event.NameKfCreateSession: &event.KfCreateSession{},
		event.NameKfCloseSession:  &event.KfCloseSession{},
		event.NameKfSwitchSession: &event.KfSwitchSession{},

		event.NameCardPassCheck:            &event.CardPassCheck{},
		event.NameCardNotPassCheck:         &event.CardNotPassCheck{},
		event.NameUserGetCard:              &event.UserGetCard{},
		event.NameUserGiftingCard:          &event.UserGiftingCard{},
		event.NameUserDelCard:              &event.UserDelCard{},
		event.NameUserConsumeCard:          &event.UserConsumeCard{},
		event.NameUserPayFromPayCell:       &event.UserPayFromPayCell{},
		event.NameUserViewCard:             &event.UserViewCard{},
		event.NameUserEnterSessionFromCard: &event.UserEnterSessionFromCard{},
		event.NameUpdateMemberCard:         &event.UpdateMemberCard{},
		event.NameCardSkuRemind:            &event.CardSkuRemind{},
		event.NameCardPayOrder:             &event.CardPayOrder{},
		event.NameSubmitMemberCardUserInfo: &event.SubmitMemberCardUserInfo{},
		event.NameGiftCardPayDone:          &event.GiftCardPayDone{},
		event.NameGiftCardSendToFriend:     &event.GiftCardSendToFriend{},
		event.NameGiftCardUserAccept:       &event.GiftCardUserAccept{},

		event.NameQualificationVerifySuccess:    &event.QualificationVerifySuccess{},
		event.NameQualificationVerifyFail:       &event.QualificationVerifyFail{},
		event.NameNamingVerifySuccess:           &event.NamingVerifySuccess{},
		event.NameNamingVerifyFail:              &event.NamingVerifyFail{},
		event.NameAnnualRenew:                   &event.AnnualRenew{},
		event.NameVerifyExpired:                 &event.VerifyExpired{},
		event.NameUserInfoModified:              &event.UserInfoModified{},
		event.NameUserAuthorizationRevoke:       &event.UserAuthorizationRevoke{},
		event.NameUserAuthorizationCancellation: &event.UserAuthorizationCancellation{},

		event.NamePoiCheckNotify:              &event.PoiCheckNotify{},
		event.NameWifiConnected:               &event.WifiConnected{},
		event.NameShakearoundUserShake:        &event.ShakearoundUserShake{},
		event.NameMerchantOrder:               &event.MerchantOrder{},
		event.NameUserScanProduct:             &event.UserScanProduct{},
		event.NameUserScanProductEnterSession: &event.UserScanProductEnterSession{},
		event.NameUserScanProductAsync:        &event.UserScanProductAsync{},
		event.NameUserScanProductVerifyAction: &event.UserScanProductVerifyAction{},
		event.NameUserAuthorizeInvoice:        &event.UserAuthorizeInvoice{},
		event.NameUpdateInvoiceStatus:         &event.UpdateInvoiceStatus{},
		event.NameSubmitInvoiceTitle:          &event.SubmitInvoiceTitle{},
		event.NameWxaMediaCheck:               &event.WxaMediaCheck{},
		event.NameWeappAuditSuccess:           &event.WeappAuditSuccess{},
		event.NameWeappAuditFail:              &event.WeappAuditFail{},
		event.NameWeappAuditDelay:             &event.WeappAuditDelay{},
	}
}

// exportedNames reads the package source and returns the value of every
// exported constant whose name starts with "Name", keyed by identifier.
func exportedNames(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	fset := token.NewFileSet()
	out := make(map[string]string)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		require.NoError(t, err)
		for _, decl := range file.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if !ok || gen.Tok != token.CONST {
				continue
			}
			for _, spec := range gen.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, id := range vs.Names {
					if !id.IsExported() || !strings.HasPrefix(id.Name, "Name") {
						continue
					}
					lit, ok := vs.Values[i].(*ast.BasicLit)
					require.True(t, ok && lit.Kind == token.STRING, "%s is not a string literal", id.Name)
					v, err := strconv.Unquote(lit.Value)
					require.NoError(t, err)
					out[id.Name] = v
				}
			}
		}
	}
	return out
}

// push is a minimal event push, marshalled with encoding/xml so that any
// name is escaped correctly.
type push struct {
	XMLName      xml.Name `xml:"xml"`
	ToUserName   string   `xml:"ToUserName"`
	FromUserName string   `xml:"FromUserName"`
	CreateTime   int64    `xml:"CreateTime"`
	MsgType      string   `xml:"MsgType"`
	Event        string   `xml:"Event"`
}

func minimalPush(t *testing.T, name string) []byte {
	t.Helper()
	b, err := xml.Marshal(push{ToUserName: gh, FromUserName: user, CreateTime: 1700000000, MsgType: "event", Event: name})
	require.NoError(t, err)
	return b
}

// swapCase inverts the case of every letter: "SCAN" → "scan",
// "subscribe" → "SUBSCRIBE", "WifiConnected" → "wIFIcONNECTED".
func swapCase(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsUpper(r) {
			return unicode.ToLower(r)
		}
		return unicode.ToUpper(r)
	}, s)
}

// eventField returns the Event field of a parsed event.
func eventField(t *testing.T, e event.Event) string {
	t.Helper()
	f := reflect.ValueOf(e).Elem().FieldByName("Event")
	require.True(t, f.IsValid(), "%T has no Event field", e)
	return f.String()
}

func TestEveryNameConstantHasItsOwnType(t *testing.T) {
	t.Parallel()
	consts := exportedNames(t)
	require.NotEmpty(t, consts)
	byName := nameTable()

	// The table above covers exactly the exported constants.
	values := make(map[string]string, len(consts))
	for id, v := range consts {
		values[v] = id
		assert.Contains(t, byName, v, "constant %s (%q) is missing from nameTable", id, v)
	}
	for v := range byName {
		assert.Contains(t, values, v, "nameTable has %q, which no exported constant holds", v)
	}

	// One Go type per event, but for the documented second names of an
	// event, and no two names that differ only in case (which would make
	// the case-insensitive fallback ambiguous).
	secondNames := map[string]string{event.NameFreePublishJobFinish: event.NamePublishJobFinish}
	types := make(map[reflect.Type]string)
	for name, e := range byName {
		typ := reflect.TypeOf(e)
		if first, ok := secondNames[name]; ok {
			assert.Equal(t, reflect.TypeOf(byName[first]), typ, "%q", name)
			continue
		}
		if other, dup := types[typ]; dup {
			t.Errorf("%q and %q share the type %v", name, other, typ)
		}
		types[typ] = name
		for other := range byName {
			if other != name && strings.EqualFold(other, name) {
				t.Errorf("%q and %q differ only in case", name, other)
			}
		}
	}

	for name, want := range byName {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			wantType := reflect.TypeOf(want)

			body := minimalPush(t, name)
			got, err := event.Parse(body)
			require.NoError(t, err)
			assert.Equal(t, wantType, reflect.TypeOf(got), "exact name")
			assert.Equal(t, name, eventField(t, got))
			assert.Equal(t, hdr(gh, user, 1700000000), *got.Head())

			// message.Parse hands the push to event.Parse and returns the
			// same type.
			viaMessage, err := message.Parse(body)
			require.NoError(t, err)
			assert.Equal(t, wantType, reflect.TypeOf(viaMessage), "through message.Parse")

			swapped := swapCase(name)
			require.NotEqual(t, name, swapped)
			got, err = event.Parse(minimalPush(t, swapped))
			require.NoError(t, err)
			assert.Equal(t, wantType, reflect.TypeOf(got), "case-changed name %q", swapped)
			assert.Equal(t, swapped, eventField(t, got), "Event keeps the name as it arrived")

			unknownName := name + "_unheard_of"
			unknownBody := minimalPush(t, unknownName)
			got, err = event.Parse(unknownBody)
			require.NoError(t, err)
			want := &event.Unknown{Header: hdr(gh, user, 1700000000), Event: unknownName, Raw: unknownBody}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("unknown name %q (-want +got):\n%s", unknownName, diff)
			}
		})
	}
}
