package event_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/wxmp/wxmp/event"
)

// FuzzParse feeds arbitrary bytes to Parse. It must never panic, must
// return exactly one of an event and an error, every error must wrap one
// of the documented sentinels, and every event must be an event push with a
// name.
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.xml"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("<xml><MsgType>event</MsgType><Event>scan</Event><EventKey>1</EventKey></xml>"))
	f.Add([]byte("<xml><MsgType>event</MsgType><Event>PUBLISHJOBFINISH</Event><PublishEventInfo><fail_idx>x</fail_idx></PublishEventInfo></xml>"))
	f.Add([]byte("<xml><MsgType>event</MsgType><Event>giftcard_user_accept</Event><IsChatRoom>maybe</IsChatRoom></xml>"))
	sentinels := []error{
		event.ErrEmptyBody, event.ErrNotXML, event.ErrRootElement, event.ErrNoMsgType,
		event.ErrInvalidNumber, event.ErrNotEvent, event.ErrNoEvent, event.ErrTooComplex,
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		e, err := event.Parse(body)
		if err != nil {
			if e != nil {
				t.Fatalf("Parse returned both %T and %v", e, err)
			}
			for _, s := range sentinels {
				if errors.Is(err, s) {
					return
				}
			}
			t.Fatalf("Parse error %q wraps no sentinel", err)
		}
		if e == nil || e.Head() == nil {
			t.Fatal("Parse returned neither an event nor an error")
		}
		if !strings.EqualFold(strings.TrimSpace(e.Head().MsgType), "event") {
			t.Fatalf("Parse accepted MsgType %q", e.Head().MsgType)
		}
		name := reflect.ValueOf(e).Elem().FieldByName("Event").String()
		if strings.TrimSpace(name) == "" {
			t.Fatalf("Parse returned %T without an Event name", e)
		}
		if u, ok := e.(*event.Unknown); ok && len(u.Raw) == 0 {
			t.Fatal("Unknown without its raw XML")
		}
		if e.EventName() != name {
			t.Fatalf("EventName %q, Event %q", e.EventName(), name)
		}
		again, err := event.Parse(append([]byte(nil), body...))
		if err != nil || again.DedupKey() != e.DedupKey() {
			t.Fatalf("Parse(%q) twice: keys %q and %q (%v)", body, e.DedupKey(), again.DedupKey(), err)
		}
	})
}
