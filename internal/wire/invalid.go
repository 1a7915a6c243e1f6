package wire

import (
	"bytes"
	"encoding/xml"
	"reflect"
	"slices"
	"strconv"
)

// InvalidFields returns the paths of the elements of body whose text the
// number or boolean field of v's type they fill cannot take: the reason
// DecodeXML(body, v) fails with ErrInvalidNumber. A path is the element
// names from the root's child down, joined by ">" ("Location_X",
// "SendPicsInfo>Count"); each appears once, in the order of its first bad
// element. It returns nil when every such field decodes, when v is not a
// pointer to a struct type with a plan (see plan.go), or when the body is
// not well-formed (ReadProbe reads the body first, so callers know it is).
//
// It follows encoding/xml's matching (read.go): elements are matched to
// fields by local name, the text of a number or boolean is the character
// data directly inside its element, an empty text is zero, and otherwise
// the text, trimmed of white space, must parse as a number of the field's
// size (or as strconv.ParseBool's booleans).
func InvalidFields(body []byte, v any) []string {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return nil
	}
	sp := planFor(rv.Elem().Type())
	if !sp.ok {
		return nil
	}
	w := fieldWalker{d: xml.NewDecoder(bytes.NewReader(Trim(body)))}
	for {
		tok, err := w.d.Token()
		if err != nil {
			return nil
		}
		if _, ok := tok.(xml.StartElement); ok {
			break
		}
	}
	if err := w.children(&sp.root, ""); err != nil {
		return nil
	}
	return w.bad
}

// fieldWalker walks a body's tokens along a plan.
type fieldWalker struct {
	d   *xml.Decoder
	bad []string
}

// children reads the content of an element up to its end tag, matching
// its child elements through node; path leads to the element.
func (w *fieldWalker) children(node *pathNode, path string) error {
	for {
		tok, err := w.d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			e := node.find([]byte(t.Name.Local))
			switch {
			case e == nil:
				err = w.d.Skip()
			case e.field != nil:
				err = w.value(e.field.value, path+t.Name.Local)
			default:
				err = w.children(e.sub, path+t.Name.Local+">")
			}
			if err != nil {
				return err
			}
		case xml.EndElement:
			return nil
		}
	}
}

// value reads the content of an element matched to a value of plan vp.
func (w *fieldWalker) value(vp *valuePlan, path string) error {
	switch vp.kind {
	case kindStruct:
		return w.children(&vp.st.root, path+">")
	case kindSlice:
		return w.value(vp.elem, path)
	case kindInt, kindUint, kindFloat, kindBool:
	default:
		return w.d.Skip()
	}
	var data []byte
	for {
		tok, err := w.d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.CharData:
			data = append(data, t...)
		case xml.StartElement:
			if err := w.d.Skip(); err != nil {
				return err
			}
		case xml.EndElement:
			if !parses(vp, data) && !slices.Contains(w.bad, path) {
				w.bad = append(w.bad, path)
			}
			return nil
		}
	}
}

// parses reports whether encoding/xml sets a field of plan vp from data
// without an error (its copyValue).
func parses(vp *valuePlan, data []byte) bool {
	if len(data) == 0 {
		return true
	}
	s := string(bytes.TrimSpace(data))
	var err error
	switch vp.kind {
	case kindInt:
		_, err = strconv.ParseInt(s, 10, vp.bits)
	case kindUint:
		_, err = strconv.ParseUint(s, 10, vp.bits)
	case kindFloat:
		_, err = strconv.ParseFloat(s, vp.bits)
	case kindBool:
		_, err = strconv.ParseBool(s)
	}
	return err == nil
}
