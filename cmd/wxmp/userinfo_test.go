package main

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/wxmptest"
)

func TestUserInfoCommand(t *testing.T) {
	t.Parallel()
	fake := newFake(t, wxmptest.WithAPIUsers(
		wxmptest.APIUser{OpenID: "oAda", UnionID: "uAda", SubscribeTime: 1700000000, Remark: "VIP",
			TagIDs: []int{2, 108}, SubscribeScene: "ADD_SCENE_QR_CODE", QRSceneStr: "bind:42"},
		wxmptest.APIUser{OpenID: "oGone", Unsubscribed: true},
	))
	out := wxmpAPI(t, fake, nil, "", "userinfo", "oAda")
	require.Equal(t, exitOK, out.code, out.stderr)
	since := time.Unix(1700000000, 0).Format(time.RFC3339)
	assert.Equal(t, "openid:      oAda\nfollows:     yes, since "+since+"\nunionid:     uAda\n"+
		"scene:       ADD_SCENE_QR_CODE (qr_scene_str bind:42)\nlanguage:    zh_CN\nremark:      VIP\ntags:        2, 108\n", out.stdout)

	out = wxmpAPI(t, fake, nil, "", "userinfo", "-json", "oGone", "-lang", "en")
	require.Equal(t, exitOK, out.code, out.stderr)
	assert.JSONEq(t, `{"subscribe":0,"openid":"oGone"}`, out.stdout)

	out = wxmpAPI(t, fake, nil, "", "userinfo", "-json", "oAda", "oGone")
	require.Equal(t, exitOK, out.code, out.stderr)
	var batch struct {
		List []userJSON `json:"user_info_list"`
	}
	require.NoError(t, json.Unmarshal([]byte(out.stdout), &batch))
	require.Len(t, batch.List, 2)
	assert.Equal(t, "oAda", batch.List[0].OpenID)
	assert.Equal(t, 1, batch.List[0].Subscribe)
	assert.Equal(t, []int64{2, 108}, batch.List[0].TagIDList)
	assert.Equal(t, 0, batch.List[1].Subscribe)
	assert.Equal(t, 1, fake.Calls(wxmptest.APIUserInfoBatchGetPath))

	out = wxmpAPI(t, fake, nil, "", "userinfo", "oNobody")
	assert.Equal(t, exitFail, out.code)
	assert.Contains(t, out.stderr, "errcode 40003")
	assert.Contains(t, out.stderr, "hint: the OpenID is not a user of this account")
}

// TestUserInfoUsageErrors: bad flags and arguments of userinfo are usage errors
// that make no request.
func TestUserInfoUsageErrors(t *testing.T) {
	t.Parallel()
	checkUsageErrors(t, []usageCase{
		{neither, []string{"userinfo", "o"}, "are not set"},
		{nil, []string{"userinfo"}, "name at least one OPENID"},
		{nil, []string{"userinfo", "-lang", "fr", "o"}, "-lang must be zh_CN, zh_TW or en"},
		{nil, []string{"userinfo", "o1", "o2", "o3", "o4", "o5", "o6", "o7", "o8", "o9", "o10", "o11", "o12", "o13", "o14", "o15", "o16",
			"o17", "o18", "o19", "o20", "o21", "o22", "o23", "o24", "o25", "o26", "o27", "o28", "o29", "o30", "o31", "o32", "o33", "o34",
			"o35", "o36", "o37", "o38", "o39", "o40", "o41", "o42", "o43", "o44", "o45", "o46", "o47", "o48", "o49", "o50", "o51", "o52",
			"o53", "o54", "o55", "o56", "o57", "o58", "o59", "o60", "o61", "o62", "o63", "o64", "o65", "o66", "o67", "o68", "o69", "o70",
			"o71", "o72", "o73", "o74", "o75", "o76", "o77", "o78", "o79", "o80", "o81", "o82", "o83", "o84", "o85", "o86", "o87", "o88",
			"o89", "o90", "o91", "o92", "o93", "o94", "o95", "o96", "o97", "o98", "o99", "o100", "o101"}, "at most 100 OpenIDs at once"},
	})
}
