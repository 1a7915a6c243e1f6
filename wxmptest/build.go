package wxmptest

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/wxmp/wxmp/event"
	"github.com/wxmp/wxmp/internal/xmltext"
	"github.com/wxmp/wxmp/message"
)

// Build returns the XML WeChat would push for m: a pointer to one of the
// message types of package message (such as *message.Text) or event types
// of package event (such as *event.Subscribe). m itself is not changed.
//
// Fields left empty are filled in as WeChat would: ToUserName with the
// account (WithAccount), FromUserName with the user (WithOpenID),
// CreateTime with the clock (Unix seconds), MsgType from the type ("text",
// "image"…, "event" for every event type), and a normal message's MsgID
// with a random 63-bit number, so that handlers which drop repeated MsgIds
// see distinct messages. An event must have its Event name set (for
// example event.NameSubscribe): several names share a type.
//
// Strings go out as CDATA sections (text with a carriage return as escaped
// text, which XML keeps), numbers as text, in the order of the struct's
// fields under their wire names; a field at its zero value is left out, as
// WeChat leaves out what does not apply. To send an element with an empty
// or zero value, or in another order, write the XML and use PushXML.
//
// A *message.Unknown or *event.Unknown with Raw set is returned as Raw,
// unchanged. Errors wrap ErrBuild.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Message_Management/Receiving_standard_messages.html
// and https://developers.weixin.qq.com/doc/offiaccount/en/Message_Management/Receiving_event_pushes.html
func (p *Pusher) Build(m message.Message) ([]byte, error) {
	v := reflect.ValueOf(m)
	if m == nil || v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return nil, fmt.Errorf("%w: want a non-nil pointer to a message or event struct, got %T", ErrBuild, m)
	}
	switch u := m.(type) {
	case *message.Unknown:
		if len(u.Raw) > 0 {
			return u.Raw, nil
		}
	case *event.Unknown:
		if len(u.Raw) > 0 {
			return u.Raw, nil
		}
	}

	cp := reflect.New(v.Elem().Type())
	cp.Elem().Set(v.Elem()) // a shallow copy: only top-level fields change
	msg, ok := cp.Interface().(message.Message)
	if !ok {
		return nil, fmt.Errorf("%w: %T has no Head method on its pointer", ErrBuild, m)
	}
	h := msg.Head()
	if h == nil {
		return nil, fmt.Errorf("%w: %T has no header", ErrBuild, m)
	}
	isEvent := cp.Elem().Type().PkgPath() == reflect.TypeFor[event.Subscribe]().PkgPath()
	if h.ToUserName == "" {
		h.ToUserName = p.account
	}
	if h.FromUserName == "" {
		h.FromUserName = p.openID
	}
	if h.CreateTime == 0 {
		h.CreateTime = p.now().Unix()
	}
	if h.MsgType == "" {
		h.MsgType = msgTypeOf(m, isEvent)
		if h.MsgType == "" {
			return nil, fmt.Errorf("%w: set MsgType on %T", ErrBuild, m)
		}
	}
	if isEvent {
		if f := cp.Elem().FieldByName("Event"); !f.IsValid() || f.Kind() != reflect.String || f.String() == "" {
			return nil, fmt.Errorf("%w: set Event on %T to the event's name, such as %q", ErrBuild, m, event.NameSubscribe)
		}
	} else if f := cp.Elem().FieldByName("MsgID"); f.IsValid() && f.Kind() == reflect.Int64 && f.Int() == 0 {
		id, err := p.randomUint(8)
		if err != nil {
			return nil, err
		}
		f.SetInt(int64(id>>1) | 1)
	}

	var buf bytes.Buffer
	enc := xml.NewEncoder(&buf)
	root := xml.StartElement{Name: xml.Name{Local: "xml"}}
	err := enc.EncodeToken(root)
	if err == nil {
		err = writeFields(enc, cp.Elem())
	}
	if err == nil {
		err = enc.EncodeToken(root.End())
	}
	if err == nil {
		err = enc.Flush()
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %T: %w", ErrBuild, m, err)
	}
	// What we wrote must read back as a push. writeValue has already
	// refused text XML cannot carry; this catches what the type alone does
	// not say, such as a message.Unknown with MsgType "event" and no Event.
	if _, err := message.Parse(buf.Bytes()); err != nil {
		return nil, fmt.Errorf("%w: %T does not make a valid push: %w", ErrBuild, m, err)
	}
	return buf.Bytes(), nil
}

// msgTypeOf returns the MsgType of a typed push, or "" when it cannot be
// told from the type.
func msgTypeOf(m message.Message, isEvent bool) string {
	if isEvent {
		return message.TypeEvent
	}
	switch m.(type) {
	case *message.Text:
		return message.TypeText
	case *message.Image:
		return message.TypeImage
	case *message.Voice:
		return message.TypeVoice
	case *message.Video:
		return message.TypeVideo
	case *message.ShortVideo:
		return message.TypeShortVideo
	case *message.Location:
		return message.TypeLocation
	case *message.Link:
		return message.TypeLink
	case *message.File:
		return message.TypeFile
	}
	return ""
}

// writeFields writes the exported fields of the struct v as elements named
// as encoding/xml names them (the tag, else the field name); an untagged
// embedded struct (the Header) is written in line, and an untagged []byte
// (Unknown.Raw, the raw push) is skipped.
func writeFields(enc *xml.Encoder, v reflect.Value) error {
	t := v.Type()
	for i := range t.NumField() {
		f, fv := t.Field(i), v.Field(i)
		if !f.IsExported() {
			continue
		}
		tag, hasTag := f.Tag.Lookup("xml")
		if f.Anonymous && !hasTag && fv.Kind() == reflect.Struct {
			if err := writeFields(enc, fv); err != nil {
				return err
			}
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if !hasTag {
			if f.Type == reflect.TypeFor[[]byte]() {
				continue // a raw document (Unknown.Raw), not a wire field
			}
			name = f.Name // encoding/xml's rule, which Unknown.Event relies on
		}
		if name == "" || name == "-" || f.Name == "XMLName" || (opts != "" && opts != "omitempty") {
			continue
		}
		if fv.IsZero() || (fv.Kind() == reflect.Slice && fv.Len() == 0) {
			continue
		}
		path := strings.Split(name, ">")
		for _, parent := range path[:len(path)-1] {
			if err := enc.EncodeToken(xml.StartElement{Name: xml.Name{Local: parent}}); err != nil {
				return err
			}
		}
		if err := writeValue(enc, path[len(path)-1], fv); err != nil {
			return err
		}
		for j := len(path) - 2; j >= 0; j-- {
			if err := enc.EncodeToken(xml.EndElement{Name: xml.Name{Local: path[j]}}); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeValue writes v as the element name: text as CDATA, numbers and
// booleans as text, a struct as nested elements, each item of a slice as
// one element.
func writeValue(enc *xml.Encoder, name string, v reflect.Value) error {
	start := xml.StartElement{Name: xml.Name{Local: name}}
	switch v.Kind() {
	case reflect.String:
		if at := xmltext.InvalidCharAt(v.String()); at >= 0 {
			return fmt.Errorf("field %s: byte %d is not a character XML can carry", name, at)
		}
		return enc.EncodeElement(xmltext.Wrap(v.String()), start)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return enc.EncodeElement(strconv.FormatInt(v.Int(), 10), start)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return enc.EncodeElement(strconv.FormatUint(v.Uint(), 10), start)
	case reflect.Float32, reflect.Float64:
		return enc.EncodeElement(strconv.FormatFloat(v.Float(), 'f', -1, v.Type().Bits()), start)
	case reflect.Bool:
		return enc.EncodeElement(strconv.FormatBool(v.Bool()), start)
	case reflect.Struct:
		if err := enc.EncodeToken(start); err != nil {
			return err
		}
		if err := writeFields(enc, v); err != nil {
			return err
		}
		return enc.EncodeToken(start.End())
	case reflect.Slice:
		for i := range v.Len() {
			if err := writeValue(enc, name, v.Index(i)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		return writeValue(enc, name, v.Elem())
	}
	return fmt.Errorf("field %s: cannot write a %s", name, v.Kind())
}
