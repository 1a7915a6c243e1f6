package reply

// layout is what every reply type implements for Marshal's writer.
type layout interface {
	size() int
	appendTo(b []byte) []byte
}

// AppendUnchecked writes r as Marshal would, without Marshal's checks, so
// that tests can hold the writer to encoding/xml on text Marshal refuses.
func AppendUnchecked(r Reply) []byte {
	l := r.(layout)
	return l.appendTo(make([]byte, 0, l.size()))
}
