package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/api"
	"github.com/wxmp/wxmp/wxmptest"
)

func TestMenuCommand(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	dir := t.TempDir()

	out := wxmpAPI(t, fake, nil, "", "menu", "get")
	assert.Equal(t, exitFail, out.code)
	assert.Contains(t, out.stderr, "errcode 46003")
	assert.Contains(t, out.stderr, "hint: no menu was created through the API")

	menu := filepath.Join(dir, "menu.json")
	require.NoError(t, os.WriteFile(menu, []byte(`{"button":[
		{"type":"click","name":"Today","key":"V1001_TODAY_MUSIC"},
		{"name":"More","sub_button":[
			{"type":"view","name":"Search","url":"https://www.example.com/?q=a&b=c"},
			{"type":"click","name":"Like us","key":"V1001_GOOD"}]}]}`), 0o644))
	out = wxmpAPI(t, fake, nil, "", "menu", "create", "-f", menu)
	require.Equal(t, exitOK, out.code, out.stderr)
	assert.Equal(t, "menu created: 2 buttons\n", out.stdout)
	require.NotNil(t, fake.Menu())

	out = wxmpAPI(t, fake, nil, "", "menu", "get")
	require.Equal(t, exitOK, out.code, out.stderr)
	var got struct {
		Menu struct {
			Button []api.Button `json:"button"`
			MenuID int64        `json:"menuid"`
		} `json:"menu"`
	}
	require.NoError(t, json.Unmarshal([]byte(out.stdout), &got), out.stdout)
	require.Len(t, got.Menu.Button, 2)
	assert.Equal(t, "V1001_TODAY_MUSIC", got.Menu.Button[0].Key)
	assert.Equal(t, "https://www.example.com/?q=a&b=c", got.Menu.Button[1].SubButtons[0].URL)
	assert.Contains(t, out.stdout, "?q=a&b=c", "URLs printed as they are")

	// get's output is create's input.
	out = wxmpAPI(t, fake, nil, out.stdout, "menu", "create", "-f", "-")
	require.Equal(t, exitOK, out.code, out.stderr)
	assert.Equal(t, 2, fake.Calls(wxmptest.APIMenuCreatePath))

	out = wxmpAPI(t, fake, nil, "", "menu", "delete")
	require.Equal(t, exitOK, out.code, out.stderr)
	assert.Equal(t, "menu deleted\n", out.stdout)
	assert.Nil(t, fake.Menu())

	// Bad files fail before any call.
	for name, body := range map[string]string{
		"four buttons": `{"button":[{"type":"click","name":"a","key":"a"},{"type":"click","name":"b","key":"b"},{"type":"click","name":"c","key":"c"},{"type":"click","name":"d","key":"d"}]}`,
		"misspelt key": `{"buttons":[{"type":"click","name":"a","key":"a"}]}`,
		"not JSON":     `<xml/>`,
		"no key":       `{"button":[{"type":"click","name":"a"}]}`,
	} {
		out = wxmpAPI(t, fake, nil, body, "menu", "create", "-f", "-")
		assert.Equal(t, exitFail, out.code, name)
		assert.Contains(t, out.stderr, "wxmp menu: -: ", name)
	}
	out = wxmpAPI(t, fake, nil, "", "menu", "create", "-f", filepath.Join(dir, "missing.json"))
	assert.Equal(t, exitFail, out.code)
	assert.Equal(t, 2, fake.Calls(wxmptest.APIMenuCreatePath))
}

// TestMenuUsageErrors: bad flags and arguments of menu are usage errors
// that make no request.
func TestMenuUsageErrors(t *testing.T) {
	t.Parallel()
	checkUsageErrors(t, []usageCase{
		{neither, []string{"menu", "get"}, "are not set"},
		{nil, []string{"menu"}, "want get, create -f FILE or delete"},
		{nil, []string{"menu", "list"}, `unknown operation "list"`},
		{nil, []string{"menu", "create"}, "create needs -f FILE"},
		{nil, []string{"menu", "get", "-f", "x.json"}, "-f applies to create only"},
	})
}
