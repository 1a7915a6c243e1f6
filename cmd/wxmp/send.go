package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/wxmp/wxmp/api"
)

// maxTextInput is the most "send text -" reads from standard input: 64
// KiB, far over what WeChat shows in one message.
const maxTextInput = 64 << 10

const sendSynopsis = `wxmp send -to OPENID [-kf ACCOUNT] [flags] KIND ARGUMENTS

Sends a customer-service message (客服消息) to the user OPENID, as
c.CustomerService.Send in package api does. KIND and its arguments:

  text CONTENT...             the words, joined with spaces ("-" alone: standard input)
  image MEDIA_ID              an uploaded image (wxmp media upload image FILE)
  voice MEDIA_ID              an uploaded voice file
  video [-thumb MEDIA_ID] [-title TITLE] [-description TEXT] MEDIA_ID
  music -thumb MEDIA_ID [-title TITLE] [-description TEXT] [-hq HQ_URL] URL
  news [-description TEXT] [-picurl URL] TITLE URL
                              one article card linking to URL
  mpnews MEDIA_ID             a news material of the account's library
  mpnewsarticle ARTICLE_ID    a published article
  msgmenu [-head TEXT] [-tail TEXT] ID=CONTENT...
                              a menu of tappable lines; a tap sends CONTENT
                              back as a text message with bizmsgmenuid ID
  miniprogrampage -appid APPID -pagepath PATH -thumb MEDIA_ID TITLE
  typing on|off               show or clear "typing…" in the user's chat

A kind's flags go after the kind ("wxmp send -to oXYZ video -title Demo
MEDIA_ID"). WeChat accepts customer-service messages within 48 hours of the
user's last message (errcode 45015 outside it) and 5 per message (45047).

` + apiEnvHelp

func (c *cli) send(ctx context.Context, args []string) int {
	s := c.newSubcommand("send", sendSynopsis)
	timeout := s.apiFlags()
	to := s.String("to", "", "the OpenID of the user to send to (required)")
	kf := s.String("kf", "", "send as the customer-service agent `ACCOUNT` (account@wechat_id)")
	if code, ok := s.parse(args); !ok {
		return code
	}
	pos := s.Args()
	switch {
	case *to == "":
		return s.usageError("-to OPENID is required")
	case len(pos) == 0:
		return s.usageError("say what to send: KIND ARGUMENTS, such as text CONTENT")
	}
	kind, kargs := pos[0], pos[1:]

	var msg api.Message
	var typing *bool
	if kind == "text" {
		content, err := c.textContent(kargs)
		if err != nil {
			fmt.Fprintln(c.stderr, "wxmp send:", err)
			return exitFail
		}
		if content == "" {
			return s.usageError("text needs CONTENT")
		}
		msg = api.Text{Content: content}
	} else {
		k := c.newSubcommand("send "+kind, sendSynopsis)
		build, nargs := sendKind(k, kind)
		if build == nil {
			return s.usageError("unknown KIND %q: want text, image, voice, video, music, news, mpnews, mpnewsarticle, msgmenu, miniprogrampage or typing", kind)
		}
		if code, ok := k.parseInterspersed(kargs); !ok {
			return code
		}
		if nargs >= 0 && len(k.rest) != nargs {
			return k.usageError("%s takes %s, got %d argument(s)", kind, plural(nargs, "argument", "arguments"), len(k.rest))
		}
		if nargs < 0 && len(k.rest) == 0 {
			return k.usageError("%s needs at least one argument", kind)
		}
		var err error
		if msg, typing, err = build(k.rest); err != nil {
			return k.usageError("%v", err)
		}
	}
	if typing != nil && *kf != "" {
		return s.usageError("-kf does not apply to typing")
	}

	acct, code, ok := c.account(s, *timeout)
	if !ok {
		return code
	}
	ctx, cancel := acct.context(ctx)
	defer cancel()
	cs := acct.client.CustomerService
	var err error
	switch {
	case typing != nil:
		err = cs.SetTyping(ctx, *to, *typing)
	case *kf != "":
		err = cs.SendAs(ctx, *kf, *to, msg)
	default:
		err = cs.Send(ctx, *to, msg)
	}
	if errors.Is(err, api.ErrInvalidArgument) {
		return s.usageError("%v", err) // what was typed: nothing was sent
	}
	if err != nil {
		return c.fail("send", err)
	}
	switch {
	case typing != nil && *typing:
		fmt.Fprintf(c.stdout, "typing shown to %s\n", *to)
	case typing != nil:
		fmt.Fprintf(c.stdout, "typing cleared for %s\n", *to)
	case *kf != "":
		fmt.Fprintf(c.stdout, "sent %s to %s as %s\n", msg.MsgType(), *to, *kf)
	default:
		fmt.Fprintf(c.stdout, "sent %s to %s\n", msg.MsgType(), *to)
	}
	return exitOK
}

// textContent returns the words of a text message, or standard input for
// a lone "-".
func (c *cli) textContent(words []string) (string, error) {
	if len(words) != 1 || words[0] != "-" {
		return strings.Join(words, " "), nil
	}
	b, err := io.ReadAll(io.LimitReader(c.stdin, maxTextInput+1))
	if err != nil {
		return "", fmt.Errorf("standard input: %w", err)
	}
	if len(b) > maxTextInput {
		return "", fmt.Errorf("standard input: longer than %d bytes", maxTextInput)
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

// sendKind registers the flags of kind on k and returns how to build the
// message from the arguments, and how many arguments it takes (-1: one or
// more). A nil build means an unknown kind. A typing command is returned
// as typing, with a nil Message.
func sendKind(k *subcommand, kind string) (build func(args []string) (m api.Message, typing *bool, err error), nargs int) {
	one := func(f func(id string) api.Message) func([]string) (api.Message, *bool, error) {
		return func(args []string) (api.Message, *bool, error) { return f(args[0]), nil, nil }
	}
	switch kind {
	case "image":
		return one(func(id string) api.Message { return api.Image{MediaID: id} }), 1
	case "voice":
		return one(func(id string) api.Message { return api.Voice{MediaID: id} }), 1
	case "mpnews":
		return one(func(id string) api.Message { return api.MPNews{MediaID: id} }), 1
	case "mpnewsarticle":
		return one(func(id string) api.Message { return api.MPNewsArticle{ArticleID: id} }), 1
	case "video":
		var v api.Video
		k.StringVar(&v.ThumbMediaID, "thumb", "", "the media_id of an uploaded thumb")
		k.StringVar(&v.Title, "title", "", "the title")
		k.StringVar(&v.Description, "description", "", "the description")
		return func(args []string) (api.Message, *bool, error) {
			v.MediaID = args[0]
			return v, nil, nil
		}, 1
	case "music":
		var m api.Music
		k.StringVar(&m.ThumbMediaID, "thumb", "", "the media_id of an uploaded thumb (required)")
		k.StringVar(&m.Title, "title", "", "the title")
		k.StringVar(&m.Description, "description", "", "the description")
		k.StringVar(&m.HQMusicURL, "hq", "", "the `URL` of the high-quality file, played on Wi-Fi")
		return func(args []string) (api.Message, *bool, error) {
			m.MusicURL = args[0]
			return m, nil, nil
		}, 1
	case "news":
		var a api.Article
		k.StringVar(&a.Description, "description", "", "the text under the title")
		k.StringVar(&a.PicURL, "picurl", "", "the `URL` of the picture (JPG or PNG)")
		return func(args []string) (api.Message, *bool, error) {
			a.Title, a.URL = args[0], args[1]
			return api.News{Articles: []api.Article{a}}, nil, nil
		}, 2
	case "msgmenu":
		var m api.MsgMenu
		k.StringVar(&m.HeadContent, "head", "", "the text above the lines")
		k.StringVar(&m.TailContent, "tail", "", "the text below the lines")
		return func(args []string) (api.Message, *bool, error) {
			for _, arg := range args {
				id, content, ok := strings.Cut(arg, "=")
				if !ok || id == "" || content == "" {
					return nil, nil, fmt.Errorf("msgmenu lines are ID=CONTENT, not %q", arg)
				}
				m.Items = append(m.Items, api.MsgMenuItem{ID: id, Content: content})
			}
			return m, nil, nil
		}, -1
	case "miniprogrampage":
		var p api.MiniProgramPage
		k.StringVar(&p.AppID, "appid", "", "the mini program's AppID (required)")
		k.StringVar(&p.PagePath, "pagepath", "", "the page path, with its query (required)")
		k.StringVar(&p.ThumbMediaID, "thumb", "", "the media_id of the card's picture (required)")
		return func(args []string) (api.Message, *bool, error) {
			p.Title = args[0]
			return p, nil, nil
		}, 1
	case "typing":
		return func(args []string) (api.Message, *bool, error) {
			var on bool
			switch args[0] {
			case "on":
				on = true
			case "off":
			default:
				return nil, nil, fmt.Errorf("typing takes on or off, not %q", args[0])
			}
			return nil, &on, nil
		}, 1
	}
	return nil, 0
}
