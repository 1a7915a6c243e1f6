package reply

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/message"
)

// TestAddressToAllocs: addressing a reply (the clock, the nil check
// through reflect, trimming the IDs) allocates nothing, for a message, a
// typed nil pointer and a nil interface alike.
func TestAddressToAllocs(t *testing.T) {
	in, err := message.Parse([]byte("<xml><ToUserName><![CDATA[ gh_1 ]]></ToUserName>" +
		"<FromUserName><![CDATA[o1]]></FromUserName><CreateTime>1</CreateTime>" +
		"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi]]></Content></xml>"))
	require.NoError(t, err)
	for name, in := range map[string]message.Message{
		"message":     in,
		"typed nil":   (*message.Text)(nil),
		"nil message": nil,
	} {
		t.Run(name, func(t *testing.T) {
			var h Header
			allocs := testing.AllocsPerRun(100, func() { h = addressTo(in) })
			assert.Zero(t, allocs)
			assert.Equal(t, int64(FixedCreateTime), h.CreateTime)
		})
	}
}
