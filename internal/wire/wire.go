// Package wire holds what the message and event packages share: the checked
// XML decoding both of them use, their parse limits and error kinds. It is
// internal so that message and event can share it; the types users see
// (event.Header and the push types) are defined in those packages.
package wire

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
)

// TypeEvent is the MsgType of every event push.
const TypeEvent = "event"

var bom = []byte("\xef\xbb\xbf")

// Trim drops a UTF-8 byte order mark and surrounding white space.
func Trim(body []byte) []byte {
	return bytes.TrimSpace(bytes.TrimPrefix(bytes.TrimSpace(body), bom))
}

// Probe is the part of a push that decides its Go type: the header, the
// Event name of an event push, and the root element's name. Its header
// fields are those of event.Header, which this package cannot import.
type Probe struct {
	XMLName      xml.Name `xml:"xml"`
	ToUserName   string   `xml:"ToUserName"`
	FromUserName string   `xml:"FromUserName"`
	CreateTime   int64    `xml:"CreateTime"`
	MsgType      string   `xml:"MsgType"`
	Event        string   `xml:"Event"`
}

// ReadProbe checks that body is one XML document with root <xml> within the
// parse limits (see CheckLimits) and reads its Probe. Its errors wrap
// ErrEmptyBody, ErrNotXML, ErrTooComplex, ErrRootElement or
// ErrInvalidNumber; it does not check that MsgType is set. The input never
// appears in an error.
func ReadProbe(body []byte) (Probe, error) {
	var p Probe
	body = Trim(body)
	if len(body) == 0 {
		return p, ErrEmptyBody
	}
	if body[0] != '<' {
		return p, errorf(ErrNotXML, "text before the root element")
	}
	if err := CheckLimits(body); err != nil {
		return p, err
	}
	if err := xml.Unmarshal(body, &p); err != nil {
		// The tag on XMLName makes encoding/xml refuse another root
		// element before it reads anything inside it.
		var wrongRoot xml.UnmarshalError
		if errors.As(err, &wrongRoot) {
			return p, ErrRootElement
		}
		return p, classify(err)
	}
	if p.XMLName.Space != "" {
		return p, ErrRootElement
	}
	return p, nil
}

// Decode unmarshals body (after Trim) into v, a pointer, as xml.Unmarshal
// does, within the parse limits (see CheckLimits). Its errors wrap
// ErrNotXML, ErrTooComplex or ErrInvalidNumber, and never carry the input. A body the fast path reads (see Scan) into a v whose fields are
// all zero is decoded by the fast path; anything else goes to DecodeXML.
func Decode(body []byte, v any) error {
	if decodeFast(body, v) {
		return nil
	}
	return DecodeXML(body, v)
}

// decodeFast decodes body into v with the fast path, and reports whether it
// did. When it did not, v is as it was.
func decodeFast(body []byte, v any) bool {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct || !planFor(rv.Elem().Type()).ok {
		return false
	}
	d, ok := Scan(body)
	if !ok {
		return false
	}
	defer d.Release()
	return d.Decode(v)
}

// DecodeXML is Decode with encoding/xml alone (after CheckLimits): the
// fallback of the fast path, and the reference its tests compare it with.
func DecodeXML(body []byte, v any) error {
	body = Trim(body)
	if err := CheckLimits(body); err != nil {
		return err
	}
	if err := xml.Unmarshal(body, v); err != nil {
		return classify(err)
	}
	return nil
}

// classify maps encoding/xml's errors onto the sentinels. It keeps the
// line number but not encoding/xml's own text, which can quote names and
// entities from the body: in safe mode the body is decrypted plaintext,
// and no plaintext goes into an error.
func classify(err error) error {
	var numErr *strconv.NumError
	if errors.As(err, &numErr) {
		return errorf(ErrInvalidNumber, numErr.Err.Error())
	}
	var synErr *xml.SyntaxError
	if errors.As(err, &synErr) {
		if synErr.Msg == "unexpected EOF" {
			return errorf(ErrNotXML, fmt.Sprintf("unexpected end of input (line %d)", synErr.Line))
		}
		return errorf(ErrNotXML, fmt.Sprintf("syntax error on line %d", synErr.Line))
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return errorf(ErrNotXML, "unexpected end of input")
	}
	return ErrNotXML
}
