package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/wxmp/wxmp/api"
)

const userinfoSynopsis = `wxmp userinfo [-lang LANG] [-json] OPENID...

Prints what WeChat says about users of the account (cgi-bin/user/info; for
up to 100 OpenIDs at once, user/info/batchget), as c.User in package api
does: whether they follow, since when and through which scene, their
UnionID, remark and tags. WeChat stopped returning nicknames and avatars in
2021. -json prints the answer in WeChat's keys instead.

` + apiEnvHelp

// userJSON is a user in WeChat's keys.
type userJSON struct {
	Subscribe      int     `json:"subscribe"`
	OpenID         string  `json:"openid"`
	UnionID        string  `json:"unionid,omitempty"`
	Language       string  `json:"language,omitempty"`
	SubscribeTime  int64   `json:"subscribe_time,omitempty"`
	Remark         string  `json:"remark,omitempty"`
	GroupID        int64   `json:"groupid,omitempty"`
	TagIDList      []int64 `json:"tagid_list,omitempty"`
	SubscribeScene string  `json:"subscribe_scene,omitempty"`
	QRScene        int64   `json:"qr_scene,omitempty"`
	QRSceneStr     string  `json:"qr_scene_str,omitempty"`
}

func (c *cli) userinfo(ctx context.Context, args []string) int {
	s := c.newSubcommand("userinfo", userinfoSynopsis)
	timeout := s.apiFlags()
	lang := s.String("lang", "", "the language of place names: zh_CN, zh_TW or en (default WeChat's, zh_CN)")
	asJSON := s.Bool("json", false, "print JSON in WeChat's keys")
	if code, ok := s.parseInterspersed(args); !ok {
		return code
	}
	switch n := len(s.rest); {
	case n == 0:
		return s.usageError("name at least one OPENID")
	case n > api.MaxBatchUsers:
		return s.usageError("at most %d OpenIDs at once, not %d", api.MaxBatchUsers, n)
	}
	switch api.Lang(*lang) {
	case "", api.LangZhCN, api.LangZhTW, api.LangEn:
	default:
		return s.usageError("-lang must be zh_CN, zh_TW or en")
	}

	acct, code, ok := c.account(s, *timeout)
	if !ok {
		return code
	}
	ctx, cancel := acct.context(ctx)
	defer cancel()
	var users []api.UserInfo
	var err error
	if len(s.rest) == 1 {
		var u *api.UserInfo
		if u, err = acct.client.User.Info(ctx, s.rest[0], api.Lang(*lang)); err == nil {
			users = []api.UserInfo{*u}
		}
	} else {
		users, err = acct.client.User.BatchInfo(ctx, s.rest, api.Lang(*lang))
	}
	if errors.Is(err, api.ErrInvalidArgument) {
		return s.usageError("%v", err)
	}
	if err != nil {
		return c.fail("userinfo", err)
	}
	if *asJSON {
		out := make([]userJSON, len(users))
		for i, u := range users {
			out[i] = toUserJSON(u)
		}
		if len(out) == 1 {
			return c.printJSON("userinfo", out[0])
		}
		return c.printJSON("userinfo", map[string][]userJSON{"user_info_list": out})
	}
	for i, u := range users {
		if i > 0 {
			fmt.Fprintln(c.stdout)
		}
		printUser(c, u)
	}
	return exitOK
}

func toUserJSON(u api.UserInfo) userJSON {
	j := userJSON{
		OpenID: u.OpenID, UnionID: u.UnionID, Language: u.Language, SubscribeTime: u.SubscribeTime,
		Remark: u.Remark, GroupID: u.GroupID, TagIDList: u.TagIDs, SubscribeScene: u.SubscribeScene,
		QRScene: u.QRScene, QRSceneStr: u.QRSceneStr,
	}
	if u.Subscribed {
		j.Subscribe = 1
	}
	return j
}

// printUser prints u as aligned lines. The values come from WeChat, so
// text that is not printable is quoted.
func printUser(c *cli, u api.UserInfo) {
	w := c.stdout
	line := func(key, value string) {
		if !printable(value) {
			value = strconv.Quote(value)
		}
		fmt.Fprintf(w, "%-12s %s\n", key+":", value)
	}
	line("openid", u.OpenID)
	if !u.Subscribed {
		line("follows", "no (WeChat tells nothing more about a user who does not follow)")
		return
	}
	since := time.Unix(u.SubscribeTime, 0).Format(time.RFC3339)
	line("follows", "yes, since "+since)
	if u.UnionID != "" {
		line("unionid", u.UnionID)
	}
	if u.SubscribeScene != "" {
		scene := u.SubscribeScene
		switch {
		case u.QRSceneStr != "":
			scene += " (qr_scene_str " + u.QRSceneStr + ")"
		case u.QRScene != 0:
			scene += " (qr_scene " + strconv.FormatInt(u.QRScene, 10) + ")"
		}
		line("scene", scene)
	}
	if u.Language != "" {
		line("language", u.Language)
	}
	if u.Remark != "" {
		line("remark", u.Remark)
	}
	if len(u.TagIDs) > 0 {
		tags := make([]string, len(u.TagIDs))
		for i, t := range u.TagIDs {
			tags[i] = strconv.FormatInt(t, 10)
		}
		line("tags", strings.Join(tags, ", "))
	}
}
