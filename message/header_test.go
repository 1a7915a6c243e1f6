package message_test

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/wxmp/wxmp/event"
	"github.com/wxmp/wxmp/message"
)

// TestHeaderIsPublic checks that the header users see is defined in a
// public package (event) and that message.Header is that same type, so
// that go doc and pkg.go.dev show its fields instead of linking into
// internal/.
func TestHeaderIsPublic(t *testing.T) {
	t.Parallel()
	typ := reflect.TypeFor[message.Header]()
	assert.Equal(t, reflect.TypeFor[event.Header](), typ)
	assert.Equal(t, "github.com/wxmp/wxmp/event", typ.PkgPath())
	assert.Equal(t, "Header", typ.Name())
	var fields []string
	for f := range typ.Fields() {
		fields = append(fields, f.Name+" "+f.Type.String()+" "+string(f.Tag))
	}
	assert.Equal(t, []string{
		`ToUserName string xml:"ToUserName"`,
		`FromUserName string xml:"FromUserName"`,
		`CreateTime int64 xml:"CreateTime"`,
		`MsgType string xml:"MsgType"`,
	}, fields)
}
