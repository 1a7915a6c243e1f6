package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/wxmp/wxmp/api"
)

// maxMenuFile is the most "menu create" reads of a menu file: 64 KiB. A
// full menu (3 buttons of 5 sub-buttons, each with a 1 KiB URL) is about
// 16 KiB.
const maxMenuFile = 64 << 10

const menuSynopsis = `wxmp menu get
       wxmp menu create -f FILE   (- reads standard input)
       wxmp menu delete

Reads, replaces or deletes the custom menu (自定义菜单) under the account's
chat, as c.Menu in package api does. The phone shows a change within about
5 minutes.

get prints the menu as WeChat's menu/get answers it,
{"menu":{"button":[…],"menuid":…},"conditionalmenu":[…]}, or errcode 46003
when no menu was created through the API. create takes either that (the
output of get: the default menu is replaced, conditional menus are left
alone) or menu/create's own body, {"button":[…]}, and checks it against
WeChat's limits before sending: 1–3 buttons of up to 16 bytes, 1–5
sub-buttons of up to 60 bytes, the fields each type needs. delete removes
the default menu and every conditional one.

` + apiEnvHelp

// menuJSON is the menu as menu/get answers it (and create takes it).
type menuJSON struct {
	Menu            *defaultMenuJSON      `json:"menu,omitempty"`
	Button          []api.Button          `json:"button,omitempty"` // menu/create's body
	ConditionalMenu []conditionalMenuJSON `json:"conditionalmenu,omitempty"`
}

type defaultMenuJSON struct {
	Button []api.Button `json:"button"`
	MenuID int64        `json:"menuid,omitempty"`
}

type conditionalMenuJSON struct {
	Button    []api.Button  `json:"button"`
	MatchRule matchRuleJSON `json:"matchrule"`
	MenuID    int64         `json:"menuid,omitempty"`
}

type matchRuleJSON struct {
	TagID              string `json:"tag_id,omitempty"`
	ClientPlatformType string `json:"client_platform_type,omitempty"`
}

func (c *cli) menu(ctx context.Context, args []string) int {
	s := c.newSubcommand("menu", menuSynopsis)
	timeout := s.apiFlags()
	file := s.String("f", "", "the menu `FILE` for create, JSON (- reads standard input)")
	if code, ok := s.parseInterspersed(args); !ok {
		return code
	}
	if len(s.rest) != 1 {
		return s.usageError("want get, create -f FILE or delete")
	}
	op := s.rest[0]
	switch {
	case op != "get" && op != "create" && op != "delete":
		return s.usageError("unknown operation %q: want get, create -f FILE or delete", op)
	case op == "create" && *file == "":
		return s.usageError("create needs -f FILE")
	case op != "create" && *file != "":
		return s.usageError("-f applies to create only")
	}
	var buttons []api.Button
	if op == "create" {
		var err error
		if buttons, err = c.readMenu(*file); err != nil {
			fmt.Fprintln(c.stderr, "wxmp menu:", err)
			return exitFail
		}
	}

	acct, code, ok := c.account(s, *timeout)
	if !ok {
		return code
	}
	ctx, cancel := acct.context(ctx)
	defer cancel()
	switch op {
	case "get":
		m, err := acct.client.Menu.Get(ctx)
		if err != nil {
			return c.fail("menu", err)
		}
		out := menuJSON{Menu: &defaultMenuJSON{Button: m.Buttons, MenuID: m.MenuID}}
		for _, cm := range m.Conditional {
			out.ConditionalMenu = append(out.ConditionalMenu, conditionalMenuJSON{
				Button:    cm.Buttons,
				MatchRule: matchRuleJSON{TagID: cm.MatchRule.TagID, ClientPlatformType: cm.MatchRule.ClientPlatformType},
				MenuID:    cm.MenuID,
			})
		}
		return c.printJSON("menu", out)
	case "create":
		if err := acct.client.Menu.Create(ctx, buttons); err != nil {
			return c.fail("menu", err)
		}
		fmt.Fprintf(c.stdout, "menu created: %s\n", plural(len(buttons), "button", "buttons"))
	case "delete":
		if err := acct.client.Menu.Delete(ctx); err != nil {
			return c.fail("menu", err)
		}
		fmt.Fprintln(c.stdout, "menu deleted")
	}
	return exitOK
}

// readMenu reads a menu file and checks it with api.ValidateMenu.
func (c *cli) readMenu(name string) ([]api.Button, error) {
	var r io.Reader = c.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxMenuFile+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxMenuFile {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, maxMenuFile)
	}
	var m menuJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields() // a misspelt key is an error here, not a silently missing field
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%s: not a menu: %w", name, err)
	}
	buttons := m.Button
	switch {
	case m.Menu != nil && m.Button != nil:
		return nil, fmt.Errorf(`%s: has both "menu" and "button"`, name)
	case m.Menu != nil:
		buttons = m.Menu.Button
	}
	if len(m.ConditionalMenu) > 0 {
		fmt.Fprintln(c.stderr, "wxmp menu: the conditional menus in the file are left as they are on WeChat")
	}
	if err := api.ValidateMenu(buttons); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return buttons, nil
}

// printJSON prints v as indented JSON, with & < > as they are (URLs
// stay readable), and returns the exit status.
func (c *cli) printJSON(name string, v any) int {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintf(c.stderr, "wxmp %s: %v\n", name, err)
		return exitFail
	}
	_, _ = buf.WriteTo(c.stdout)
	return exitOK
}
