package message

import (
	"bytes"
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/event"
	"github.com/wxmp/wxmp/internal/wire"
	"github.com/wxmp/wxmp/internal/wire/wiretest"
)

// These tests hold Parse's fast path (wire.Scan and wire.Doc.Decode) to
// encoding/xml: whatever the fast path accepts, encoding/xml accepts with
// the same values, and Parse as a whole gives what a Parse built on
// encoding/xml alone gives, errors included. Package event's own tests do
// the same for each event type.

// refParse is Parse as it was before the fast path, on encoding/xml alone
// (wire.ReadProbe and wire.DecodeXML call nothing else): the reference the
// fast path is compared with.
func refParse(body []byte) (Message, error) {
	v, err := refParseXML(body)
	if err != nil {
		return nil, wire.Rename(err, sentinel)
	}
	return v, nil
}

// refParseXML is refParse before its error is renamed as this package's.
func refParseXML(body []byte) (Message, error) {
	p, err := wire.ReadProbe(body)
	if err != nil {
		return nil, err
	}
	msgType := strings.TrimSpace(p.MsgType)
	switch {
	case msgType == "":
		return nil, ErrNoMsgType
	case wire.EqualFold(msgType, TypeEvent):
		return refParseEvent(body, p)
	}
	m, _ := newMessage(msgType)
	if m == nil {
		m, _ = newMessage(wire.ToLower(msgType))
	}
	if m == nil {
		return &Unknown{Header: headerOf(&p), Raw: bytes.Clone(wire.Trim(body))}, nil
	}
	if err := wire.DecodeXML(body, m); err != nil {
		return keepOddPush(body, &p, m, err)
	}
	return m, nil
}

// refParseEvent is event.Parse on encoding/xml alone, for an event push
// whose probe has been read.
func refParseEvent(body []byte, p wire.Probe) (Message, error) {
	name := strings.TrimSpace(p.Event)
	if name == "" {
		return nil, ErrNoEvent
	}
	typ := eventType(name)
	if typ == nil {
		return &event.Unknown{Header: headerOf(&p), Event: p.Event, Raw: bytes.Clone(wire.Trim(body))}, nil
	}
	e := reflect.New(typ).Interface()
	if err := wire.DecodeXML(body, e); err != nil {
		// Package event's policy for odd fields, which its own tests
		// check: a number that does not parse in a field other than a
		// job result's MsgID keeps the push as an Unknown.
		fields := wire.InvalidFields(body, e)
		if !errors.Is(err, wire.ErrInvalidNumber) || len(fields) == 0 || slices.Contains(fields, "MsgID") {
			return nil, err
		}
		return &event.Unknown{Header: headerOf(&p), Event: p.Event, Raw: bytes.Clone(wire.Trim(body)), InvalidFields: fields}, nil
	}
	return e.(Message), nil
}

// eventType returns the type package event gives an event called name (nil
// for an unknown one), from a push that holds nothing but the name: the
// choice of type is package event's, and is tested there.
func eventType(name string) reflect.Type {
	var b bytes.Buffer
	b.WriteString("<xml><MsgType>event</MsgType><Event>")
	if err := xml.EscapeText(&b, []byte(name)); err != nil {
		panic(err)
	}
	b.WriteString("</Event></xml>")
	e, err := event.Parse(b.Bytes())
	if err != nil {
		panic(err)
	}
	if _, ok := e.(*event.Unknown); ok {
		return nil
	}
	return reflect.TypeOf(e).Elem()
}

// messageTypes are the types Parse fills for normal messages.
var messageTypes = []string{TypeText, TypeImage, TypeVoice, TypeVideo, TypeShortVideo, TypeLocation, TypeLink, TypeFile}

// decodedTypes lists every struct type Parse fills for a normal message,
// and the probe and header.
func decodedTypes() []reflect.Type {
	var roots []reflect.Type
	for _, name := range messageTypes {
		m, _ := newMessage(name)
		roots = append(roots, reflect.TypeOf(m).Elem())
	}
	roots = append(roots, reflect.TypeFor[wire.Probe](), reflect.TypeFor[Header]())
	return wiretest.StructTypes(roots...)
}

var cmpOpts = cmp.Options{cmpopts.EquateNaNs()}

// requireSameAsXML decodes body into a new value of typ with the fast path
// and, when the fast path takes it, with xml.Unmarshal, and requires that
// both agree. It reports whether the fast path took it.
func requireSameAsXML(t *testing.T, d *wire.Doc, body []byte, typ reflect.Type) bool {
	t.Helper()
	fast := reflect.New(typ)
	if !d.Decode(fast.Interface()) {
		require.True(t, fast.Elem().IsZero(), "the fast path left a %v half filled", typ)
		return false
	}
	ref := reflect.New(typ)
	if err := xml.Unmarshal(wire.Trim(body), ref.Interface()); err != nil {
		t.Fatalf("the fast path took %q as %v; encoding/xml rejects it: %v", body, typ, err)
	}
	if diff := cmp.Diff(ref.Interface(), fast.Interface(), cmpOpts); diff != "" {
		t.Fatalf("the fast path and encoding/xml disagree on %q as %v (-xml +fast):\n%s", body, typ, diff)
	}
	return true
}

// requireSameParse requires Parse to give what refParse gives: the same
// type and fields, or the same error.
func requireSameParse(t *testing.T, body []byte) {
	t.Helper()
	want, wantErr := refParse(body)
	got, gotErr := Parse(body)
	if wantErr != nil || gotErr != nil {
		require.Errorf(t, gotErr, "Parse(%q) = %#v, encoding/xml gives error %v", body, got, wantErr)
		require.Errorf(t, wantErr, "Parse(%q) fails with %v, encoding/xml gives %#v", body, gotErr, want)
		assert.Nil(t, got)
		require.Equal(t, wantErr.Error(), gotErr.Error(), "Parse(%q)", body)
		for _, s := range []error{ErrEmptyBody, ErrNotXML, ErrRootElement, ErrNoMsgType, ErrInvalidNumber, ErrNoEvent} {
			require.Equal(t, errors.Is(wantErr, s), errors.Is(gotErr, s), "Parse(%q): %v", body, gotErr)
		}
		return
	}
	if diff := cmp.Diff(want, got, cmpOpts); diff != "" {
		t.Fatalf("Parse(%q) differs from encoding/xml (-xml +Parse):\n%s", body, diff)
	}
}

// fixtures returns every push in testdata, by file name.
func fixtures(tb testing.TB) map[string][]byte {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*.xml"))
	require.NoError(tb, err)
	require.NotEmpty(tb, files)
	out := make(map[string][]byte)
	for _, name := range files {
		b, err := os.ReadFile(name)
		require.NoError(tb, err)
		out[filepath.Base(name)] = b
	}
	return out
}

// FuzzParseMatchesXML is the differential test of the fast path: for any
// input, every type the fast path fills agrees with encoding/xml wherever
// the fast path takes the input, and Parse agrees with refParse.
func FuzzParseMatchesXML(f *testing.F) {
	all := fixtures(f)
	for _, b := range all {
		f.Add(b)
	}
	for _, name := range []string{
		"wechatpy_text.xml", "doc_text_article.xml", "wechatpy_location_msg.xml", "doc_file.xml",
		"wechatpy_device_text.xml", "wechatpy_subscribe.xml",
	} {
		for _, v := range wiretest.Variants(all[name]) {
			f.Add(v)
		}
	}
	f.Add([]byte("<xml><MsgType>text</MsgType><MsgId>1e3</MsgId></xml>"))
	f.Add([]byte("<xml><MsgType>text</MsgType><MsgId>1</MsgId><MsgDataId>xxxx</MsgDataId><Idx>xxxx</Idx></xml>"))
	f.Add([]byte("<xml><MsgType>location</MsgType><Location_X>north</Location_X><Scale>x</Scale><MsgId>2</MsgId></xml>"))
	f.Add([]byte("<xml><MsgType>location</MsgType><Location_X>north</Location_X><MsgId>x</MsgId></xml>"))
	f.Add([]byte("<xml><MsgType>event</MsgType><Event>LOCATION</Event><Latitude>north</Latitude></xml>"))
	f.Add([]byte("<xml><MsgType> TEXT </MsgType><Content>x</Content></xml>"))
	f.Add([]byte("<xml><MsgType>Text</MsgType><MsgType>image</MsgType><PicUrl>u</PicUrl></xml>"))
	f.Add([]byte("<xml><MsgType>event</MsgType><Event>subscribe</Event></xml>"))
	f.Add([]byte("<xml><MsgType>EVENT</MsgType><Event>NEW_THING</Event></xml>"))
	f.Add([]byte("<xml><MsgType>new_type</MsgType><Raw>r</Raw><Raw/></xml>"))
	f.Add([]byte("<xml><MsgType>location</MsgType><Location_X>1e400</Location_X><Scale>-0</Scale></xml>"))
	f.Add([]byte("<xml><MsgType>file</MsgType><FileTotalLen>9223372036854775807</FileTotalLen><Idx>-9223372036854775808</Idx></xml>"))
	types := decodedTypes()
	names := append(wiretest.Names(types...), "Event", "Raw")
	words := append(messageTypes, "event", "TEXT", "new_type", "subscribe", "CLICK", "new_event")
	f.Fuzz(func(t *testing.T, data []byte) {
		// The input as it is, and a push built from it out of the
		// element names and MsgType values the types use (see
		// wiretest.Build), which mostly reaches the decoder.
		built := wiretest.Build(data, names, words)
		if len(data) > 0 {
			// Route most built pushes to a type: the first byte
			// names the MsgType (and an Event, for events).
			msgType := words[int(data[0])%len(words)]
			built = wiretest.WithHead(wiretest.Build(data[1:], names, words),
				"<MsgType>"+msgType+"</MsgType><Event>subscribe</Event>")
		}
		for _, body := range [][]byte{data, built} {
			if d, ok := wire.Scan(body); ok {
				for _, typ := range types {
					requireSameAsXML(t, d, body, typ)
				}
				d.Release()
			}
			requireSameParse(t, body)
		}
	})
}

// TestFastPathTakesFixtures checks that the fast path, not the fallback,
// parses every push in testdata (the fuzz test above would pass if
// everything fell back), with what encoding/xml gives.
func TestFastPathTakesFixtures(t *testing.T) {
	t.Parallel()
	for name, body := range fixtures(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			want, err := refParse(body)
			require.NoError(t, err)
			d, ok := wire.Scan(body)
			require.True(t, ok, "the fast path does not scan %s", name)
			defer d.Release()
			got, ok := parseScanned(d, body)
			require.True(t, ok, "the fast path leaves %s to encoding/xml", name)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("fast path mismatch (-xml +fast):\n%s", diff)
			}
		})
	}
}

// TestEveryTypeHasAFastPlan checks that each message type is filled by the
// fast path: a type the fast path cannot fill would silently cost the
// fallback's time on every push of that type.
func TestEveryTypeHasAFastPlan(t *testing.T) {
	t.Parallel()
	for _, msgType := range messageTypes {
		body := []byte("<xml><MsgType>" + msgType + "</MsgType></xml>")
		d, ok := wire.Scan(body)
		require.True(t, ok)
		m, ok := parseScanned(d, body)
		d.Release()
		require.True(t, ok, "%s falls back", msgType)
		want, _ := newMessage(msgType)
		assert.Equal(t, reflect.TypeOf(want), reflect.TypeOf(m))
		assert.True(t, sameString(msgType, m.Head().MsgType), "MsgType %q is a copy", msgType)
	}
}

// TestParseCopies checks that nothing Parse returns shares the caller's
// buffer.
func TestParseCopies(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		"<xml><ToUserName>gh</ToUserName><MsgType>text</MsgType><Content>hi</Content></xml>",
		"<xml><ToUserName>gh</ToUserName><MsgType>new_type</MsgType><Content>hi</Content></xml>",
		"<xml><ToUserName>gh</ToUserName><MsgType>new_type</MsgType><Raw>an element called Raw</Raw></xml>",
		"<xml><ToUserName>gh</ToUserName><MsgType>event</MsgType><Event>new_event</Event></xml>",
		"<xml><ToUserName>gh</ToUserName><MsgType>event</MsgType><Event>CLICK</Event><EventKey>hi</EventKey></xml>",
	} {
		b := []byte(body)
		m, err := Parse(b)
		require.NoError(t, err)
		want, err := refParse([]byte(body))
		require.NoError(t, err)
		for i := range b {
			b[i] = 'x'
		}
		assert.Empty(t, cmp.Diff(want, m), body)
	}
}

// sameString reports whether a and b are the same string in memory, not
// just equal.
func sameString(a, b string) bool {
	return len(a) == len(b) && unsafe.StringData(a) == unsafe.StringData(b)
}

// parseScanned is what Parse returns for a scanned push without falling
// back to encoding/xml: an event push goes to package event whole.
func parseScanned(d *wire.Doc, body []byte) (Message, bool) {
	msgType := bytes.TrimSpace(d.RootText("MsgType"))
	if bytes.EqualFold(msgType, []byte(TypeEvent)) {
		e, err := event.Parse(body)
		return e, err == nil
	}
	return parseFast(d, msgType)
}
