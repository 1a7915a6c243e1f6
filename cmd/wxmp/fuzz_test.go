package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/msgcrypt"
)

// FuzzParseCaptured feeds decrypt's input reader arbitrary bytes: no panic,
// and anything it accepts has Encrypt text.
func FuzzParseCaptured(f *testing.F) {
	c, err := msgcrypt.New(testToken, testAESKey, testAppID)
	require.NoError(f, err)
	env, err := c.Encrypt(msgcrypt.CurrentKey, []byte("<xml><Content>x</Content></xml>"), "1", "2")
	require.NoError(f, err)
	f.Add(env)
	f.Add(env[:len(env)/2])
	f.Add([]byte("<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[QUJD]]></Encrypt></xml>"))
	f.Add([]byte("QUJD\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, input []byte) {
		in, err := parseCaptured(input)
		if err != nil {
			assert.Equal(t, captured{}, in)
			return
		}
		assert.NotEmpty(t, in.Encrypt)
		assert.Equal(t, strings.TrimSpace(in.Encrypt), in.Encrypt)
	})
}
