package message_test

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/event"
	"github.com/wxmp/wxmp/internal/wire"
	"github.com/wxmp/wxmp/message"
)

const textHead = "<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName>" +
	"<CreateTime>1</CreateTime><MsgType>text</MsgType><Content>hi</Content><MsgId>1</MsgId>"

// textHeadTokens is how many tokens textHead opens: the root and six
// elements.
const textHeadTokens = 7

// nestedPush is a text message holding an element nested depth deep,
// counting the root, after extra.
func nestedPush(extra string, depth int) []byte {
	var b bytes.Buffer
	b.WriteString(textHead + extra)
	for range depth - 1 {
		b.WriteString("<a>")
	}
	for range depth - 1 {
		b.WriteString("</a>")
	}
	b.WriteString("</xml>")
	return b.Bytes()
}

// attrPush is a text message whose Content element has n attributes.
func attrPush(extra string, n int) []byte {
	var b bytes.Buffer
	b.WriteString(textHead + extra + "<Extra")
	for i := range n {
		b.WriteString(" a" + strconv.Itoa(i) + `="1"`)
	}
	b.WriteString("/></xml>")
	return b.Bytes()
}

// flatPush is a text message with n empty elements in all.
func flatPush(extra string, n int) []byte {
	return []byte(textHead + extra + strings.Repeat("<a/>", n-textHeadTokens) + "</xml>")
}

// cdataPush is a text message whose Content is n CDATA sections.
func cdataPush(extra string, n int) []byte {
	return []byte(textHead + extra + "<Extra>" + strings.Repeat("<![CDATA[x]]>", n) + "</Extra></xml>")
}

// TestParseRefusesComplexPushes checks the parse limits: a push nested
// deeper than MaxDepth, with more than MaxTokens tokens or with more than
// MaxAttrs attributes is ErrTooComplex, whether the fast path reads it or
// leaves it to encoding/xml (a comment sends it there), while a push just
// inside every limit parses.
func TestParseRefusesComplexPushes(t *testing.T) {
	t.Parallel()
	for _, extra := range []string{"", "<!-- to encoding/xml -->"} {
		// A comment is a token too.
		comment := 0
		if extra != "" {
			comment = 1
		}
		tooComplex := map[string][]byte{
			"nested 100,000 deep":        nestedPush(extra, 100_000),
			"nested one too deep":        nestedPush(extra, message.MaxDepth+1),
			"100,000 attributes":         attrPush(extra, 100_000),
			"one attribute too many":     attrPush(extra, message.MaxAttrs+1),
			"100,000 elements":           flatPush(extra, 100_000),
			"one element too many":       flatPush(extra, message.MaxTokens+1-comment),
			"100,000 CDATA sections":     cdataPush(extra, 100_000),
			"one CDATA section too many": cdataPush(extra, message.MaxTokens-textHeadTokens-comment),
		}
		for name, body := range tooComplex {
			m, err := message.Parse(body)
			require.ErrorIs(t, err, message.ErrTooComplex, "%s %q", name, extra)
			assert.ErrorIs(t, err, event.ErrTooComplex)
			assert.Nil(t, m)
			assert.True(t, strings.HasPrefix(err.Error(), "message: "), "%q", err)

			// The same body as an event push.
			ev := bytes.Replace(body, []byte("<MsgType>text</MsgType>"), []byte("<MsgType>event</MsgType><Event>CLICK</Event>"), 1)
			_, err = event.Parse(ev)
			require.ErrorIs(t, err, event.ErrTooComplex, "%s %q", name, extra)
			assert.True(t, strings.HasPrefix(err.Error(), "event: "), "%q", err)
		}
		within := map[string][]byte{
			"nested MaxDepth deep":  nestedPush(extra, message.MaxDepth),
			"MaxAttrs attributes":   attrPush(extra, message.MaxAttrs),
			"MaxTokens elements":    flatPush(extra, message.MaxTokens-comment),
			"CDATA up to MaxTokens": cdataPush(extra, message.MaxTokens-textHeadTokens-1-comment),
		}
		for name, body := range within {
			m, err := message.Parse(body)
			require.NoError(t, err, "%s %q", name, extra)
			assert.Equal(t, "hi", m.(*message.Text).Content)
		}
	}
}

// TestLimitsLeaveMargin checks that every push in testdata, here and in
// package event (whose mass-send and menu-picture pushes nest deepest),
// sits well inside the limits.
func TestLimitsLeaveMargin(t *testing.T) {
	t.Parallel()
	// The documented values are the ones the parser applies.
	assert.Equal(t, []int{wire.MaxDepth, wire.MaxTokens, wire.MaxAttrs}, []int{message.MaxDepth, message.MaxTokens, message.MaxAttrs})
	assert.Equal(t, []int{wire.MaxDepth, wire.MaxTokens, wire.MaxAttrs}, []int{event.MaxDepth, event.MaxTokens, event.MaxAttrs})
	files, err := filepath.Glob("testdata/*.xml")
	require.NoError(t, err)
	more, err := filepath.Glob("../event/testdata/*.xml")
	require.NoError(t, err)
	var deepest, most int
	for _, name := range append(files, more...) {
		body, err := os.ReadFile(name)
		require.NoError(t, err)
		d := xml.NewDecoder(bytes.NewReader(body))
		depth, tokens := 0, 0
		for {
			tok, err := d.Token()
			if err != nil {
				break
			}
			switch tok.(type) {
			case xml.StartElement:
				depth++
				deepest = max(deepest, depth)
				tokens++
			case xml.EndElement:
				depth--
			case xml.CharData:
				tokens++ // at most one token each: text or a CDATA section
			}
		}
		most = max(most, tokens)
	}
	t.Logf("deepest push: %d levels; most tokens: %d", deepest, most)
	assert.GreaterOrEqual(t, message.MaxDepth, 3*deepest)
	assert.GreaterOrEqual(t, message.MaxTokens, 10*most)
}
