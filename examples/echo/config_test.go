package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startupLog runs the program with env and an already cancelled context,
// and returns its "listening" log record.
func startupLog(t *testing.T, env map[string]string) map[string]any {
	t.Helper()
	env["ADDR"] = "127.0.0.1:0"
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var logs bytes.Buffer
	require.NoError(t, run(ctx, func(k string) string { return env[k] }, &logs))
	for line := range strings.Lines(logs.String()) {
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &rec), line)
		if rec["msg"] == "listening" {
			for _, secret := range []string{testToken, testAESKey, otherAESKey, testSecret} {
				assert.NotContains(t, line, secret)
			}
			return rec
		}
	}
	t.Fatalf("no listening record in %s", logs.String())
	return nil
}

// TestStartupLogTellsTheModes: the log line names the modes the server
// really accepts.
func TestStartupLogTellsTheModes(t *testing.T) {
	t.Parallel()
	rec := startupLog(t, map[string]string{"WECHAT_TOKEN": testToken})
	assert.Equal(t, "plain only", rec["modes"])

	rec = startupLog(t, map[string]string{"WECHAT_TOKEN": testToken, "WECHAT_AES_KEY": testAESKey, "WECHAT_APPID": testAppID})
	assert.Equal(t, "compatible and safe; plain pushes refused", rec["modes"])

	rec = startupLog(t, map[string]string{"WECHAT_TOKEN": testToken, "WECHAT_AES_KEY": testAESKey, "WECHAT_APPID": testAppID,
		"WECHAT_ACCEPT_PLAIN": "1", "WECHAT_TIMESTAMP_WINDOW": "5m", "WECHAT_PREVIOUS_AES_KEY": otherAESKey})
	assert.Equal(t, "plain, compatible and safe (WECHAT_ACCEPT_PLAIN: only while switching to safe mode)", rec["modes"])
	assert.Equal(t, "5m0s", rec["timestamp_window"])
	assert.Equal(t, true, rec["previous_key"])
}

func TestConfigFromEnvironment(t *testing.T) {
	t.Parallel()
	base := map[string]string{"WECHAT_TOKEN": testToken, "WECHAT_AES_KEY": testAESKey, "WECHAT_APPID": testAppID}
	withEnv := func(kv ...string) map[string]string {
		env := map[string]string{}
		for k, v := range base {
			env[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			env[kv[i]] = kv[i+1]
		}
		return env
	}
	good := []struct {
		name string
		env  map[string]string
		want config
	}{
		{"encrypted", withEnv(), config{token: testToken, addr: defaultAddr, aesKey: testAESKey, appID: testAppID}},
		{"accept plain", withEnv("WECHAT_ACCEPT_PLAIN", "1"), config{token: testToken, addr: defaultAddr, aesKey: testAESKey, appID: testAppID, acceptPlain: true}},
		{"accept plain off", withEnv("WECHAT_ACCEPT_PLAIN", "false"), config{token: testToken, addr: defaultAddr, aesKey: testAESKey, appID: testAppID}},
		{"window", withEnv("WECHAT_TIMESTAMP_WINDOW", "90s"), config{token: testToken, addr: defaultAddr, aesKey: testAESKey, appID: testAppID, window: 90 * time.Second}},
		{"previous key", withEnv("WECHAT_PREVIOUS_AES_KEY", otherAESKey), config{token: testToken, addr: defaultAddr, aesKey: testAESKey, appID: testAppID, previousKey: otherAESKey}},
		{"plain with a window", map[string]string{"WECHAT_TOKEN": testToken, "WECHAT_TIMESTAMP_WINDOW": "1h"}, config{token: testToken, addr: defaultAddr, window: time.Hour}},
	}
	for _, tt := range good {
		cfg, err := loadConfig(func(k string) string { return tt.env[k] })
		require.NoError(t, err, tt.name)
		assert.Equal(t, tt.want, cfg, tt.name)
		_, err = newHandler(cfg, discardLog())
		assert.NoError(t, err, tt.name)
	}

	bad := []struct {
		name string
		env  map[string]string
	}{
		{"accept plain not a boolean", withEnv("WECHAT_ACCEPT_PLAIN", "yes please")},
		{"accept plain without a key", map[string]string{"WECHAT_TOKEN": testToken, "WECHAT_ACCEPT_PLAIN": "1"}},
		{"window not a duration", withEnv("WECHAT_TIMESTAMP_WINDOW", "300")},
		{"zero window", withEnv("WECHAT_TIMESTAMP_WINDOW", "0s")},
		{"negative window", withEnv("WECHAT_TIMESTAMP_WINDOW", "-5m")},
		{"bad previous key", withEnv("WECHAT_PREVIOUS_AES_KEY", "short"+testAESKey[10:])},
		{"previous key without a key", map[string]string{"WECHAT_TOKEN": testToken, "WECHAT_PREVIOUS_AES_KEY": otherAESKey}},
	}
	for _, tt := range bad {
		cfg, err := loadConfig(func(k string) string { return tt.env[k] })
		if err == nil {
			_, err = newHandler(cfg, discardLog())
		}
		require.Error(t, err, tt.name)
		for _, secret := range []string{testToken, testAESKey, otherAESKey, testAESKey[10:]} {
			assert.NotContains(t, err.Error(), secret, tt.name)
		}
	}
}

// TestAcceptPlainDuringTheSwitch: with WECHAT_ACCEPT_PLAIN, a server that
// has its key takes plain pushes too, so the console can switch to safe
// mode without a push being refused.
func TestAcceptPlainDuringTheSwitch(t *testing.T) {
	t.Parallel()
	plain := fixture(t, "wechatpy_text.xml")
	for _, accept := range []bool{false, true} {
		srv, _ := newTestServerWith(t, config{token: testToken, aesKey: testAESKey, appID: testAppID, acceptPlain: accept})
		resp, out := post(t, srv, signedQuery(testToken), plain)
		if accept {
			assert.Equal(t, http.StatusOK, resp.StatusCode, out)
			assert.Contains(t, out, "<![CDATA[this is a test]]>", "a plain push gets a plain reply")
		} else {
			assert.Equal(t, http.StatusForbidden, resp.StatusCode, out)
		}
		q, body := encryptedPush(t, plain, false, testAppID)
		resp, out = post(t, srv, q, body)
		assert.Equal(t, http.StatusOK, resp.StatusCode, out)
		assert.NotContains(t, out, "this is a test", "an encrypted push gets an encrypted reply")
	}
}

// TestTimestampWindow: with WECHAT_TIMESTAMP_WINDOW, requests stamped too
// far from now are refused in every mode, the verification GET included.
func TestTimestampWindow(t *testing.T) {
	t.Parallel()
	plain := fixture(t, "wechatpy_text.xml")
	now := strconv.FormatInt(time.Now().Unix(), 10)
	old := strconv.FormatInt(time.Now().Add(-time.Hour).Unix(), 10)
	for _, cfg := range []config{
		{token: testToken, window: 5 * time.Minute},
		{token: testToken, aesKey: testAESKey, appID: testAppID, window: 5 * time.Minute},
	} {
		srv, _ := newTestServerWith(t, cfg)
		for _, tt := range []struct {
			ts     string
			status int
		}{{now, http.StatusOK}, {old, http.StatusForbidden}} {
			q := signedQueryAt(testToken, tt.ts)
			body := plain
			if cfg.aesKey != "" {
				q, body = encryptedPushAt(t, plain, tt.ts)
			}
			resp, out := post(t, srv, q, body)
			assert.Equal(t, tt.status, resp.StatusCode, "push stamped %s: %s", tt.ts, out)

			v := signedQueryAt(testToken, tt.ts)
			v.Set("echostr", "42")
			get, err := http.Get(srv.URL + path + "?" + v.Encode())
			require.NoError(t, err)
			get.Body.Close()
			assert.Equal(t, tt.status, get.StatusCode, "verification stamped %s", tt.ts)
		}
	}
}

// TestPreviousKey: after a key change, a push still encrypted with the old
// key opens, and its reply goes back under that key.
func TestPreviousKey(t *testing.T) {
	t.Parallel()
	srv, _ := newTestServerWith(t, config{token: testToken, aesKey: otherAESKey, appID: testAppID, previousKey: testAESKey})
	q, body := encryptedPush(t, fixture(t, "wechatpy_text.xml"), false, testAppID) // under testAESKey
	resp, out := post(t, srv, q, body)
	require.Equal(t, http.StatusOK, resp.StatusCode, out)
	env := parseEnvelopeXML(t, out)
	msg, appID := wechatDecrypt(t, env.Encrypt) // under testAESKey
	assert.Equal(t, testAppID, appID)
	assert.Contains(t, string(msg), "<![CDATA[this is a test]]>")
}

// signedQueryAt is signedQuery with the given timestamp.
func signedQueryAt(token, ts string) url.Values {
	q := signedQuery(token)
	q.Set("timestamp", ts)
	q.Set("signature", wechatSign(token, ts, q.Get("nonce")))
	return q
}

// encryptedPushAt is a safe-mode push of plain stamped ts.
func encryptedPushAt(t *testing.T, plain []byte, ts string) (url.Values, []byte) {
	t.Helper()
	enc := wechatEncrypt(t, plain, testAppID)
	q := signedQueryAt(testToken, ts)
	q.Set("encrypt_type", "aes")
	q.Set("msg_signature", wechatSign(testToken, ts, q.Get("nonce"), enc))
	return q, []byte("<xml><ToUserName><![CDATA[gh_9a8b7c6d5e4f]]></ToUserName><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>")
}

// otherAESKey is a second valid EncodingAESKey.
const otherAESKey = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"

func discardLog() *slog.Logger { return slog.New(slog.NewJSONHandler(io.Discard, nil)) }

func parseEnvelopeXML(t *testing.T, out string) envelopeXML {
	t.Helper()
	var env envelopeXML
	require.NoError(t, xml.Unmarshal([]byte(out), &env), out)
	require.Equal(t, wechatSign(testToken, env.TimeStamp, env.Nonce, env.Encrypt), env.MsgSignature)
	return env
}

const testSecret = "echo-test-app-secret-4f8a0c1e9b7d"

// TestLateReplyConfig: WECHAT_APPID is the account's AppID for both of its
// uses, the encrypted modes (with WECHAT_AES_KEY) and late replies (with
// WECHAT_SECRET); the settings that make no sense alone are refused at
// startup, by name, without their values.
func TestLateReplyConfig(t *testing.T) {
	t.Parallel()
	good := []map[string]string{
		{"WECHAT_APPID": testAppID, "WECHAT_SECRET": testSecret},
		{"WECHAT_APPID": testAppID, "WECHAT_SECRET": testSecret, "WECHAT_AES_KEY": testAESKey},
		{"WECHAT_APPID": testAppID, "WECHAT_SECRET": testSecret, "WECHAT_API_BASE": "http://127.0.0.1:9000"},
		{"WECHAT_HANDLER_TIMEOUT": "4900ms"},
		{"WECHAT_HANDLER_TIMEOUT": "1ms"},
	}
	for _, env := range good {
		env["WECHAT_TOKEN"] = testToken
		cfg, err := loadConfig(func(k string) string { return env[k] })
		require.NoError(t, err, env)
		_, err = newHandler(cfg, discardLog())
		require.NoError(t, err, env)
		assert.NotContains(t, fmt.Sprint(cfg), testSecret, "a printed config holds no secret")
		assert.NotContains(t, fmt.Sprintf("%+v", cfg), testToken)
	}

	bad := []struct {
		env  map[string]string
		name string // the variable the error names
	}{
		{map[string]string{"WECHAT_APPID": testAppID}, "WECHAT_APPID"},
		{map[string]string{"WECHAT_SECRET": testSecret}, "WECHAT_SECRET"},
		{map[string]string{"WECHAT_SECRET": testSecret, "WECHAT_AES_KEY": testAESKey}, "WECHAT_APPID"},
		{map[string]string{"WECHAT_API_BASE": "http://127.0.0.1:9000"}, "WECHAT_API_BASE"},
		{map[string]string{"WECHAT_APPID": testAppID, "WECHAT_SECRET": testSecret, "WECHAT_API_BASE": "ftp://" + testSecret}, "WECHAT_API_BASE"},
		{map[string]string{"WECHAT_APPID": testAppID, "WECHAT_SECRET": testSecret, "WECHAT_API_BASE": "/relative"}, "WECHAT_API_BASE"},
		{map[string]string{"WECHAT_APPID": testAppID, "WECHAT_SECRET": testSecret, "WECHAT_API_BASE": "http://u:" + testSecret + "@127.0.0.1"}, "WECHAT_API_BASE"},
		{map[string]string{"WECHAT_HANDLER_TIMEOUT": "5s"}, "WECHAT_HANDLER_TIMEOUT"},
		{map[string]string{"WECHAT_HANDLER_TIMEOUT": "0s"}, "WECHAT_HANDLER_TIMEOUT"},
		{map[string]string{"WECHAT_HANDLER_TIMEOUT": "4"}, "WECHAT_HANDLER_TIMEOUT"},
		{map[string]string{"WECHAT_AES_KEY": "short", "WECHAT_APPID": testAppID}, "WECHAT_AES_KEY"},
	}
	for _, tt := range bad {
		tt.env["WECHAT_TOKEN"] = testToken
		cfg, err := loadConfig(func(k string) string { return tt.env[k] })
		if err == nil {
			_, err = newHandler(cfg, discardLog())
		}
		require.Error(t, err, tt.env)
		assert.Contains(t, err.Error(), tt.name, tt.env)
		for _, secret := range []string{testToken, testSecret, testAESKey} {
			assert.NotContains(t, err.Error(), secret, tt.env)
		}
	}
}

// TestStartupLogTellsLateReplies: the startup line says where late replies
// go, without the AppSecret.
func TestStartupLogTellsLateReplies(t *testing.T) {
	t.Parallel()
	rec := startupLog(t, map[string]string{"WECHAT_TOKEN": testToken})
	assert.Contains(t, rec["late_replies"], "dropped and logged")

	rec = startupLog(t, map[string]string{"WECHAT_TOKEN": testToken, "WECHAT_APPID": testAppID, "WECHAT_SECRET": testSecret,
		"WECHAT_API_BASE": "http://127.0.0.1:9000/stand-in", "WECHAT_HANDLER_TIMEOUT": "3s"})
	assert.Equal(t, "customer-service messages through http://127.0.0.1:9000/stand-in", rec["late_replies"])
	assert.Equal(t, "3s", rec["handler_timeout"])

	rec = startupLog(t, map[string]string{"WECHAT_TOKEN": testToken, "WECHAT_APPID": testAppID, "WECHAT_SECRET": testSecret})
	assert.Equal(t, "customer-service messages through https://api.weixin.qq.com", rec["late_replies"])
}
