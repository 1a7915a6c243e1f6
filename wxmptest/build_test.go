package wxmptest_test

import (
	"bytes"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/event"
	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/msgcrypt"
	"github.com/wxmp/wxmp/wxmptest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

func builder(t *testing.T, opts ...wxmptest.Option) *wxmptest.Pusher {
	t.Helper()
	return newTestPusher(t, http.NotFoundHandler(), msgcrypt.ModePlain, opts...)
}

// TestBuildRoundTrip builds every captured push back from its parsed value
// and parses the result: a handler must see the same value WeChat's own XML
// gives it, nested lists and odd wire names included.
func TestBuildRoundTrip(t *testing.T) {
	t.Parallel()
	p := builder(t)
	files, err := filepath.Glob(filepath.Join("testdata", "pushes", "*.xml"))
	require.NoError(t, err)
	require.Len(t, files, 92)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			raw, err := os.ReadFile(f)
			require.NoError(t, err)
			want, err := message.Parse(raw)
			require.NoError(t, err)
			if u, ok := want.(*event.Unknown); ok {
				u.Raw = nil // build from the header and name, not the raw bytes
			}

			out, err := p.Build(want)
			require.NoError(t, err)
			got, err := message.Parse(out)
			require.NoError(t, err, string(out))
			if u, ok := got.(*event.Unknown); ok {
				assert.Equal(t, out, u.Raw)
				u.Raw = nil
			}
			if id := reflect.ValueOf(want).Elem().FieldByName("MsgID"); id.IsValid() && id.Int() == 0 && want.Head().MsgType != "event" {
				// Build gives a message without MsgId a fresh one.
				assert.NotZero(t, reflect.ValueOf(got).Elem().FieldByName("MsgID").Int())
				reflect.ValueOf(got).Elem().FieldByName("MsgID").SetInt(0)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("round trip (-parsed +built):\n%s", diff)
			}
		})
	}
}

// TestBuildGolden pins the exact XML of a few pushes: CDATA for text,
// plain numbers, zero fields left out, and the defaults filled in.
func TestBuildGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		in   message.Message
	}{
		{"text.xml", &message.Text{Content: "hi ]]> & <b>"}},
		{"text_crlf.xml", &message.Text{Content: "line 1\r\nline 2", MsgID: 42}},
		{"location.xml", &message.Location{LocationX: 23.134521, LocationY: -113.358803, Scale: 20, Label: "位置"}},
		{"subscribe_qrscene.xml", &event.Subscribe{
			Header:   message.Header{ToUserName: "gh_other", FromUserName: "oOther", CreateTime: 1600000000},
			Event:    event.NameSubscribe,
			EventKey: "qrscene_123", Ticket: "TICKET"}},
		{"pic_sysphoto.xml", &event.PicSysPhoto{Event: event.NamePicSysPhoto, EventKey: "k",
			SendPicsInfo: event.SendPicsInfo{Count: 2, PicList: []event.PicItem{{PicMD5Sum: "a"}, {PicMD5Sum: "b"}}}}},
		{"unknown_event.xml", &event.Unknown{Event: "brand_new_event"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			p := builder(t, wxmptest.WithNow(fixedClock()), wxmptest.WithRandom(seeded(3)))
			out, err := p.Build(tt.in)
			require.NoError(t, err)
			path := filepath.Join("testdata", "golden", tt.file)
			if *update {
				require.NoError(t, os.WriteFile(path, append(out, '\n'), 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, string(bytes.TrimSuffix(want, []byte("\n"))), string(out))
		})
	}
}

func TestBuildDefaults(t *testing.T) {
	t.Parallel()
	now := time.Unix(1700000123, 0)
	p := builder(t, wxmptest.WithNow(func() time.Time { return now }),
		wxmptest.WithOpenID("oMe"), wxmptest.WithAccount("gh_me"))
	in := &message.Text{Content: "x"}
	out, err := p.Build(in)
	require.NoError(t, err)
	assert.Equal(t, &message.Text{Content: "x"}, in, "Build does not change its argument")

	m, err := message.Parse(out)
	require.NoError(t, err)
	got := m.(*message.Text)
	assert.Equal(t, "gh_me", got.ToUserName)
	assert.Equal(t, "oMe", got.FromUserName)
	assert.EqualValues(t, 1700000123, got.CreateTime)
	assert.Equal(t, "text", got.MsgType)
	assert.Positive(t, got.MsgID)

	out2, err := p.Build(in)
	require.NoError(t, err)
	m2, _ := message.Parse(out2)
	assert.NotEqual(t, got.MsgID, m2.(*message.Text).MsgID, "each built message has its own MsgId")

	ev, err := p.Build(&event.TemplateSendJobFinish{Event: event.NameTemplateSendJobFinish, Status: "success"})
	require.NoError(t, err)
	assert.NotContains(t, string(ev), "MsgID", "an event's MsgID is the job's, never invented")

	for in, want := range map[message.Message]string{
		&message.Image{}: "image", &message.Voice{}: "voice", &message.Video{}: "video",
		&message.ShortVideo{}: "shortvideo", &message.Location{}: "location", &message.Link{}: "link",
		&message.File{}: "file", &event.Click{Event: "CLICK"}: "event",
		&message.Unknown{Header: message.Header{MsgType: "miniprogrampage"}}: "miniprogrampage",
	} {
		out, err := p.Build(in)
		require.NoError(t, err)
		m, err := message.Parse(out)
		require.NoError(t, err)
		assert.Equal(t, want, m.Head().MsgType)
	}

	raw := []byte("<xml><anything/></xml>")
	out, err = p.Build(&message.Unknown{Raw: raw})
	require.NoError(t, err)
	assert.Equal(t, raw, out, "raw XML goes as it is")
}

func TestBuildErrors(t *testing.T) {
	t.Parallel()
	p := builder(t)
	var nilText *message.Text
	for name, in := range map[string]message.Message{
		"nil":                   nil,
		"nil pointer":           nilText,
		"event without a name":  &event.Subscribe{},
		"unknown without type":  &message.Unknown{},
		"unknown event":         &message.Unknown{Header: message.Header{MsgType: message.TypeEvent}},
		"NUL in text":           &message.Text{Content: "a\x00b"},
		"invalid UTF-8 in text": &message.Text{Content: "a\xffb"},
		"not a struct pointer":  notStruct("x"),
	} {
		_, err := p.Build(in)
		assert.ErrorIs(t, err, wxmptest.ErrBuild, name)
	}
}

// notStruct is a Message that is not a pointer to a struct.
type notStruct string

func (notStruct) Head() *message.Header { return nil }
func (notStruct) EventName() string     { return "" }
func (notStruct) DedupKey() string      { return "" }
