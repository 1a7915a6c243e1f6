package message_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/wxmp/wxmp/message"
)

// FuzzParse feeds arbitrary bytes to Parse. It must never panic, must return
// exactly one of a value and an error, and every error must be one of the
// documented sentinels.
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
	f.Add([]byte("<xml><MsgType>text</MsgType><MsgId>1e3</MsgId></xml>"))
	f.Add([]byte("<xml><MsgType>event</MsgType><Event>subscribe</Event></xml>"))
	f.Add([]byte("<xml><MsgType>event</MsgType><Event>NEW_THING</Event></xml>"))
	sentinels := []error{
		message.ErrEmptyBody, message.ErrNotXML, message.ErrRootElement,
		message.ErrNoMsgType, message.ErrInvalidNumber, message.ErrNoEvent, message.ErrTooComplex,
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		m, err := message.Parse(body)
		if err != nil {
			if m != nil {
				t.Fatalf("Parse returned both %T and %v", m, err)
			}
			for _, s := range sentinels {
				if errors.Is(err, s) {
					return
				}
			}
			t.Fatalf("Parse error %q wraps no sentinel", err)
		}
		if m == nil {
			t.Fatal("Parse returned neither a message nor an error")
		}
		if m.Head() == nil || m.Head().MsgType == "" {
			t.Fatalf("Parse accepted %q without a MsgType", body)
		}
		// The same bytes give the same key.
		again, err := message.Parse(append([]byte(nil), body...))
		if err != nil || again.DedupKey() != m.DedupKey() || again.EventName() != m.EventName() {
			t.Fatalf("Parse(%q) twice: keys %q and %q (%v)", body, m.DedupKey(), again.DedupKey(), err)
		}
	})
}
