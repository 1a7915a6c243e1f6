package wire

import "unicode/utf8"

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
