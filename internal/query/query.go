// Package query reads a few named parameters straight from a URL's raw query
// string, with the meaning url.ParseQuery followed by url.Values.Get gives
// them, but without building the url.Values map: a push handler needs three to
// five parameters of one short query, and r.URL.Query() allocates a map, a
// slice per parameter and a string per escaped value.
//
// Signature checks in packages signature and msgcrypt use it on every
// request.
package query

import (
	"net/url"
	"strings"
)

// Param is one parameter to look for. The caller sets Name; [Scan] sets
// Value and Count.
type Param struct {
	// Name is the parameter's name, unescaped, compared byte for byte.
	Name string
	// Value is the first value given for Name, unescaped ("+" is a space,
	// %XX the byte it encodes), as url.Values.Get returns it: "" when Name
	// is absent.
	Value string
	// Count is how many times Name is given, len(url.Values[Name]).
	Count int
}

// maxParams is net/url's default limit on the number of parameters in a
// query (GODEBUG urlmaxqueryparams): a query with more is parsed to nothing.
const maxParams = 10000

// Scan fills in the Value and Count of every Param in params from raw, a
// URL's RawQuery, exactly as url.ParseQuery(raw) followed by Values.Get and
// len(Values[Name]) would:
//
//   - pairs are separated by "&"; a pair without "=" has an empty value;
//   - a pair that holds a ";", or whose name or value has a "%" not followed
//     by two hex digits, is dropped whole, and so is an empty one;
//   - names and values are unescaped: "+" becomes a space, %XX its byte;
//   - the first value of a name wins.
//
// Nothing is allocated unless a wanted value is escaped. A query with more
// than 10000 parameters (net/url's default limit, which its GODEBUG setting
// urlmaxqueryparams can raise) is handed to url.ParseQuery itself; a
// GODEBUG setting that lowers the limit is not followed.
func Scan(raw string, params []Param) {
	for i := range params {
		params[i].Value, params[i].Count = "", 0
	}
	// A query WeChat sends has nothing escaped and no ";": three fast
	// searches prove it, and each pair then needs no closer look.
	plain := strings.IndexByte(raw, '%') < 0 && strings.IndexByte(raw, '+') < 0 && strings.IndexByte(raw, ';') < 0
	all, pairs := raw, 1
	for len(raw) > 0 {
		pair := raw
		if i := strings.IndexByte(raw, '&'); i >= 0 {
			pair, raw = raw[:i], raw[i+1:]
			pairs++
		} else {
			raw = ""
		}
		if len(pair) == 0 {
			continue
		}
		name, value, _ := strings.Cut(pair, "=")
		if plain {
			for i := range params {
				if q := &params[i]; name == q.Name {
					if q.Count == 0 {
						q.Value = value
					}
					q.Count++
				}
			}
			continue
		}
		if strings.IndexByte(pair, ';') >= 0 || !validEscapes(name) {
			continue
		}
		nameEscaped := isEscaped(name)
		for i := range params {
			q := &params[i]
			if nameEscaped && !unescapesTo(name, q.Name) || !nameEscaped && name != q.Name {
				continue
			}
			if !validEscapes(value) {
				break // the whole pair is dropped
			}
			if q.Count == 0 {
				q.Value = value
				if isEscaped(value) {
					q.Value = unescape(value)
				}
			}
			q.Count++
		}
	}
	if pairs > maxParams {
		// net/url refuses the whole query; let it decide.
		scanSlow(all, params)
	}
}

// isEscaped reports whether s has anything to unescape.
func isEscaped(s string) bool {
	return strings.IndexByte(s, '%') >= 0 || strings.IndexByte(s, '+') >= 0
}

// scanSlow is Scan through url.ParseQuery, for queries long enough that its
// parameter limit decides the outcome.
func scanSlow(raw string, params []Param) {
	q, _ := url.ParseQuery(raw) // what r.URL.Query() does with the error too
	for i := range params {
		p := &params[i]
		p.Value, p.Count = q.Get(p.Name), len(q[p.Name])
	}
}

// validEscapes reports whether every "%" in s starts a %XX escape.
func validEscapes(s string) bool {
	for {
		i := strings.IndexByte(s, '%')
		if i < 0 {
			return true
		}
		if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			return false
		}
		s = s[i+3:]
	}
}

// unescapesTo reports whether s, which has valid escapes, unescapes to
// name, without building the unescaped string.
func unescapesTo(s, name string) bool {
	j := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '%':
			c = fromHex(s[i+1])<<4 | fromHex(s[i+2])
			i += 2
		case '+':
			c = ' '
		}
		if j == len(name) || name[j] != c {
			return false
		}
		j++
	}
	return j == len(name)
}

// unescape decodes s, which has valid escapes.
func unescape(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '%':
			c = fromHex(s[i+1])<<4 | fromHex(s[i+2])
			i += 2
		case '+':
			c = ' '
		}
		b.WriteByte(c)
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// fromHex is the value of a hex digit; c must be one.
func fromHex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}
