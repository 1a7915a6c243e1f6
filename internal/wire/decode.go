package wire

import (
	"bytes"
	"reflect"
	"strconv"
	"unicode/utf8"
)

// Decode fills v, a pointer to a struct whose fields are all zero, from the
// scanned body, giving the values xml.Unmarshal would. A string field whose
// text is one of known (two at most) gets that very string instead of a
// copy: callers pass the constants they expect, the MsgType and the Event
// name. The other strings set outside slices share one new allocation.
// Decode returns false, leaving v zero, when v's type or the body needs
// encoding/xml: a number that does not parse, or a field of a kind the fast
// path does not fill. The caller then decodes the body with DecodeXML,
// which also reports any error.
func (d *Doc) Decode(v any, known ...string) bool {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return false
	}
	sv := rv.Elem()
	if sv.Kind() != reflect.Struct || !sv.IsZero() {
		return false
	}
	sp := planFor(sv.Type())
	if !sp.ok || sp.xmlNameLocal != "" && sp.xmlNameLocal != "xml" {
		return false
	}
	dec := decoder{d: d}
	dec.nknown = copy(dec.known[:], known)
	ok := dec.structValue(sp, sv, 0, "xml")
	if ok {
		dec.flush()
	}
	d.strs = d.strs[:0]
	if !ok {
		sv.SetZero()
	}
	return ok
}

// maxKnown is how many known strings Decode uses; it ignores more.
const maxKnown = 2

// maxPending is how many string sets a decoder holds back before it makes
// their shared string.
const maxPending = 16

// pendingString is a string field the decoder sets later: to s, or to
// bytes start to end of d.strs.
type pendingString struct {
	v          reflect.Value
	s          string
	start, end int
}

// flush sets the pending string fields, all those that need a copy as
// substrings of one new string.
func (dec *decoder) flush() {
	if dec.npending == 0 {
		return
	}
	all := string(dec.d.strs)
	for _, p := range dec.pending[:dec.npending] {
		if p.end > p.start {
			p.v.SetString(all[p.start:p.end])
		} else {
			p.v.SetString(p.s)
		}
	}
	dec.npending = 0
	dec.d.strs = dec.d.strs[:0]
}

// RootText returns the text of the last child of the root element called
// name, decoded, or nil when there is none: what a string field tagged
// name would hold after decoding. The result is valid until d is released.
func (d *Doc) RootText(name string) []byte {
	last := -1
	for j, end := 1, int(d.toks[0].next); j < end; {
		t := &d.toks[j]
		if t.kind != tokElement {
			j++
			continue
		}
		if string(d.body[t.start:t.end]) == name {
			last = j
		}
		j = int(t.next)
	}
	if last < 0 {
		return nil
	}
	return d.text(last)
}

// text returns the character data directly inside element idx, decoded and
// joined, as encoding/xml collects it for a string field; the text of
// child elements is left out. It is a slice of the body when the element
// holds a single piece that needs no decoding, and of d.scratch otherwise.
func (d *Doc) text(idx int) []byte {
	var (
		first   = -1 // the one piece seen so far, not yet copied
		joining = false
		mark    = len(d.scratch)
	)
	for j, end := idx+1, int(d.toks[idx].next); j < end; {
		t := &d.toks[j]
		if t.kind == tokElement {
			j = int(t.next)
			continue
		}
		switch {
		case !joining && first < 0 && t.flags&(textEntity|textCR) == 0:
			first = j
		default:
			if !joining {
				joining = true
				if first >= 0 {
					f := &d.toks[first]
					d.scratch = append(d.scratch, d.body[f.start:f.end]...)
				}
			}
			d.scratch = appendText(d.scratch, d.body[t.start:t.end], t.flags)
		}
		j++
	}
	switch {
	case joining:
		return d.scratch[mark:]
	case first >= 0:
		f := &d.toks[first]
		return d.body[f.start:f.end]
	}
	return nil
}

// decoder carries one Decode call's state down the recursion.
type decoder struct {
	d *Doc
	// known holds Decode's known strings (a copy, so that the caller's
	// slice does not escape to the heap).
	known  [maxKnown]string
	nknown int
	// inSlice counts the slices being filled around the current value.
	// A string inside a slice element is set at once, with its own
	// allocation: the element may move when the slice grows again.
	inSlice int
	// pending holds the string sets put off so that their copies share
	// one allocation. It lives in the decoder, on the caller's stack,
	// and is never kept past Decode.
	pending  [maxPending]pendingString
	npending int
}

// structValue decodes element idx, called name, into the struct sv.
func (dec *decoder) structValue(sp *structPlan, sv reflect.Value, idx int, name string) bool {
	if !sp.ok {
		return false
	}
	if sp.xmlName != nil {
		// xml.Name is {Space, Local}; the fast path reads no name
		// spaces.
		n := sv.FieldByIndex(sp.xmlName)
		n.Field(0).SetString("")
		n.Field(1).SetString(name)
	}
	return dec.children(&sp.root, sv, idx)
}

// children decodes the child elements of element idx that lead to fields
// of sv through node, and skips the others and all character data, as
// encoding/xml's unmarshal and unmarshalPath do.
func (dec *decoder) children(node *pathNode, sv reflect.Value, idx int) bool {
	toks := dec.d.toks
	for j, end := idx+1, int(toks[idx].next); j < end; {
		t := &toks[j]
		if t.kind != tokElement {
			j++
			continue
		}
		if e := node.find(dec.d.body[t.start:t.end]); e != nil {
			var ok bool
			if e.field != nil {
				ok = dec.value(e.field.value, sv.FieldByIndex(e.field.index), j, e.name)
			} else {
				ok = dec.children(e.sub, sv, j)
			}
			if !ok {
				return false
			}
		}
		j = int(t.next)
	}
	return true
}

// value decodes element idx, called name, into v.
func (dec *decoder) value(vp *valuePlan, v reflect.Value, idx int, name string) bool {
	switch vp.kind {
	case kindUnsupported:
		return false
	case kindStruct:
		return dec.structValue(vp.st, v, idx, name)
	case kindSlice:
		// Each element appends one item, as in encoding/xml.
		n := v.Len()
		v.Grow(1)
		v.SetLen(n + 1)
		dec.inSlice++
		ok := dec.value(vp.elem, v.Index(n), idx, name)
		dec.inSlice--
		return ok
	}
	mark := len(dec.d.scratch)
	ok := dec.scalar(vp, v, dec.d.text(idx))
	dec.d.scratch = dec.d.scratch[:mark]
	return ok
}

// scalar sets v from the element's text as encoding/xml's copyValue does:
// strings as they are; numbers and booleans with surrounding white space
// trimmed, an empty text being zero. A text that does not parse is left to
// encoding/xml, which reports it.
func (dec *decoder) scalar(vp *valuePlan, v reflect.Value, data []byte) bool {
	if vp.kind == kindString {
		dec.setString(v, data)
		return true
	}
	if len(data) == 0 {
		v.SetZero()
		return true
	}
	s := bytes.TrimSpace(data)
	switch vp.kind {
	case kindInt:
		n, ok := parseInt(s, vp.bits)
		if !ok {
			return false
		}
		v.SetInt(n)
	case kindUint:
		n, ok := parseUint(s, vp.bits)
		if !ok {
			return false
		}
		v.SetUint(n)
	case kindFloat:
		f, err := strconv.ParseFloat(string(s), vp.bits)
		if err != nil {
			return false
		}
		v.SetFloat(f)
	case kindBool:
		b, err := strconv.ParseBool(string(s))
		if err != nil {
			return false
		}
		v.SetBool(b)
	default:
		return false
	}
	return true
}

// setString sets v to data: to one of dec.known when data equals it, else
// to a copy. Outside slices the set is put off until the end of Decode (or
// until maxPending sets wait), so that the copies share one allocation; the
// order of the sets is kept, so that the last of repeated elements still
// wins.
func (dec *decoder) setString(v reflect.Value, data []byte) {
	s, ok := "", len(data) == 0
	for _, k := range dec.known[:dec.nknown] {
		if !ok && string(data) == k {
			s, ok = k, true
		}
	}
	d := dec.d
	switch {
	case dec.inSlice > 0 && ok:
		v.SetString(s)
	case dec.inSlice > 0:
		v.SetString(string(data))
	default:
		if dec.npending == maxPending {
			dec.flush()
		}
		p := &dec.pending[dec.npending]
		dec.npending++
		if ok {
			*p = pendingString{v: v, s: s}
			return
		}
		start := len(d.strs)
		d.strs = append(d.strs, data...)
		*p = pendingString{v: v, start: start, end: len(d.strs)}
	}
}

// maxShortDigits is the most decimal digits that always fit in an int64.
const maxShortDigits = 18

// parseInt is strconv.ParseInt(string(s), 10, bits) without the copy for
// the usual short numbers. ok is false where ParseInt returns an error.
func parseInt(s []byte, bits int) (n int64, ok bool) {
	digits := s
	neg := false
	if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		digits = s[1:]
	}
	u, short := shortDigits(digits)
	if !short {
		n, err := strconv.ParseInt(string(s), 10, bits)
		return n, err == nil
	}
	limit := uint64(1) << (bits - 1)
	if neg {
		return -int64(u), u <= limit
	}
	return int64(u), u < limit
}

// parseUint is strconv.ParseUint(string(s), 10, bits) without the copy for
// the usual short numbers. ok is false where ParseUint returns an error.
func parseUint(s []byte, bits int) (n uint64, ok bool) {
	u, short := shortDigits(s)
	if !short {
		n, err := strconv.ParseUint(string(s), 10, bits)
		return n, err == nil
	}
	return u, bits == 64 || u < uint64(1)<<bits
}

// shortDigits returns the value of s when it is 1 to maxShortDigits ASCII
// digits.
func shortDigits(s []byte) (uint64, bool) {
	if len(s) == 0 || len(s) > maxShortDigits {
		return 0, false
	}
	var u uint64
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		u = u*10 + uint64(c-'0')
	}
	return u, true
}

// appendText appends the character data of one text token to dst, decoded:
// entities replaced and line ends normalised. The token has been checked.
func appendText(dst, raw []byte, flags uint8) []byte {
	if flags&(textEntity|textCR) == 0 {
		return append(dst, raw...)
	}
	cdata := flags&textCDATA != 0
	for i := 0; i < len(raw); {
		c := raw[i]
		switch {
		case c == '&' && !cdata:
			r, n := entityAt(raw[i:])
			dst = utf8.AppendRune(dst, r)
			i += n
		case c == '\r':
			// CR LF and a lone CR both read as LF. An entity in
			// between stops the pair, as in encoding/xml.
			dst = append(dst, '\n')
			i++
			if i < len(raw) && raw[i] == '\n' {
				i++
			}
		default:
			dst = append(dst, c)
			i++
		}
	}
	return dst
}
