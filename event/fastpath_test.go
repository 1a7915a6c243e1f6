package event

import (
	"bytes"
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/internal/wire"
	"github.com/wxmp/wxmp/internal/wire/wiretest"
)

// These tests hold Parse's fast path (wire.Scan and wire.Doc.Decode) to
// encoding/xml: whatever the fast path accepts, encoding/xml accepts with
// the same values, and Parse as a whole gives what a Parse built on
// encoding/xml alone gives, errors included.

// refParse is Parse as it was before the fast path, on encoding/xml alone
// (wire.ReadProbe and wire.DecodeXML call nothing else): the reference the
// fast path is compared with.
func refParse(body []byte) (Event, error) {
	v, err := refParseXML(body)
	if err != nil {
		return nil, wire.Rename(err, sentinel)
	}
	return v, nil
}

// refParseXML is refParse before its error is renamed as this package's.
func refParseXML(body []byte) (Event, error) {
	p, err := wire.ReadProbe(body)
	if err != nil {
		return nil, err
	}
	switch msgType := strings.TrimSpace(p.MsgType); {
	case msgType == "":
		return nil, ErrNoMsgType
	case !wire.EqualFold(msgType, "event"):
		return nil, ErrNotEvent
	}
	name := strings.TrimSpace(p.Event)
	if name == "" {
		return nil, ErrNoEvent
	}
	e, _ := newEvent(name)
	if e == nil {
		return &Unknown{Header: headerOf(&p), Event: p.Event, Raw: bytes.Clone(wire.Trim(body))}, nil
	}
	if err := wire.DecodeXML(body, e); err != nil {
		return keepOddPush(body, &p, e, err)
	}
	return e, nil
}

// decodedTypes lists every struct type Parse fills: each event type, the
// structs nested in them, and the probe and header.
func decodedTypes() []reflect.Type {
	var roots []reflect.Type
	for _, name := range knownNames() {
		roots = append(roots, reflect.TypeOf(newExact(name)).Elem())
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
		for _, s := range []error{ErrEmptyBody, ErrNotXML, ErrRootElement, ErrNoMsgType, ErrInvalidNumber, ErrNotEvent, ErrNoEvent} {
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

// variantSources are the fixtures whose edge-case variants seed the fuzz
// test: a flat event, one with nested structs and lists, one with a
// repeated list element, and an unknown event with an attribute.
var variantSources = []string{
	"wechatpy_subscribe_qrscene.xml",
	"wechatpy_masssendjobfinish_copyright.xml",
	"wechatpy_subscribe_msg_popup_event.xml",
	"doc_unknown_event.xml",
}

// FuzzParseMatchesXML is the differential test of the fast path: for any
// input, every type the fast path fills agrees with encoding/xml wherever
// the fast path takes the input, and Parse agrees with refParse.
func FuzzParseMatchesXML(f *testing.F) {
	all := fixtures(f)
	for _, b := range all {
		f.Add(b)
	}
	for _, name := range variantSources {
		for _, v := range wiretest.Variants(all[name]) {
			f.Add(v)
		}
	}
	f.Add([]byte("<xml><MsgType>event</MsgType><Event>scan</Event><EventKey>1</EventKey></xml>"))
	f.Add([]byte("<xml><MsgType>event</MsgType><Event>LOCATION</Event><Latitude>north</Latitude><Precision>1</Precision></xml>"))
	f.Add([]byte("<xml><MsgType>event</MsgType><Event>MASSSENDJOBFINISH</Event><TotalCount>x</TotalCount><MsgID>y</MsgID></xml>"))
	f.Add([]byte("<xml><MsgType> Event </MsgType><Event> SUBSCRIBE </Event></xml>"))
	f.Add([]byte("<xml><MsgType>event</MsgType><Event>PUBLISHJOBFINISH</Event><PublishEventInfo><fail_idx>x</fail_idx></PublishEventInfo></xml>"))
	f.Add([]byte("<xml><MsgType>event</MsgType><Event>giftcard_user_accept</Event><IsChatRoom> T </IsChatRoom></xml>"))
	f.Add([]byte("<xml><MsgType>event</MsgType><Event>LOCATION</Event><Latitude>NaN</Latitude><Longitude>-Inf</Longitude><Precision>0x1p-2</Precision></xml>"))
	f.Add([]byte("<xml><MsgType>event</MsgType><Event>MASSSENDJOBFINISH</Event><Event>TEMPLATESENDJOBFINISH</Event><MsgID>1</MsgID></xml>"))
	f.Add([]byte("<xml><MsgType>event</MsgType><Event>new_event</Event><Raw>r</Raw><Event> new_event </Event></xml>"))
	types := decodedTypes()
	names := wiretest.Names(types...)
	words := append(knownNames(), "event", "Event", "new_event")
	f.Fuzz(func(t *testing.T, data []byte) {
		// The input as it is, and a push built from it out of the
		// element names and event names the types use (see
		// wiretest.Build), which mostly reaches the decoder.
		built := wiretest.Build(data, names, words)
		if len(data) > 0 {
			// Route most built pushes to an event type: the first
			// byte names the event.
			name := words[int(data[0])%len(words)]
			built = wiretest.WithHead(wiretest.Build(data[1:], names, words),
				"<MsgType>event</MsgType><Event>"+name+"</Event>")
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
// parses every event push in testdata (the fuzz test above would pass if
// everything fell back): parseFast answers for each, with what
// encoding/xml gives.
func TestFastPathTakesFixtures(t *testing.T) {
	t.Parallel()
	for name, body := range fixtures(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			want, wantErr := refParse(body)
			d, ok := wire.Scan(body)
			require.True(t, ok, "the fast path does not scan %s", name)
			defer d.Release()
			got, ok := parseFast(d)
			if wantErr != nil {
				// wxjava_testFromXml.xml is a text message.
				assert.False(t, ok)
				assert.ErrorIs(t, wantErr, ErrNotEvent)
				return
			}
			require.True(t, ok, "the fast path leaves %s to encoding/xml", name)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("fast path mismatch (-xml +fast):\n%s", diff)
			}
		})
	}
}

// TestEveryTypeHasAFastPlan checks that each event type is filled by the
// fast path: a type the fast path cannot fill would silently cost the
// fallback's time on every push of that event.
func TestEveryTypeHasAFastPlan(t *testing.T) {
	t.Parallel()
	for _, name := range knownNames() {
		body := []byte("<xml><MsgType>event</MsgType><Event>" + name + "</Event></xml>")
		d, ok := wire.Scan(body)
		require.True(t, ok)
		e, ok := parseFast(d)
		d.Release()
		require.True(t, ok, "%s falls back", name)
		assert.Equal(t, reflect.TypeOf(newExact(name)), reflect.TypeOf(e))
	}
}

// TestParseInterns checks that MsgType and a known Event name come back as
// this package's constants rather than copies, which is what saves their
// allocations, and that other strings are copies that do not share the
// caller's buffer.
func TestParseInterns(t *testing.T) {
	t.Parallel()
	body := []byte("<xml><ToUserName>gh</ToUserName><MsgType>event</MsgType><Event>SCAN</Event><EventKey>k</EventKey></xml>")
	e, err := Parse(body)
	require.NoError(t, err)
	s := e.(*Scan)
	assert.True(t, sameString(wire.TypeEvent, s.MsgType), "MsgType is a copy")
	assert.True(t, sameString(NameScan, s.Event), "Event is a copy")
	for i := range body {
		body[i] = 'x'
	}
	assert.Equal(t, "gh", s.ToUserName)
	assert.Equal(t, "k", s.EventKey)
}

// sameString reports whether a and b are the same string in memory, not
// just equal.
func sameString(a, b string) bool {
	return len(a) == len(b) && unsafe.StringData(a) == unsafe.StringData(b)
}
