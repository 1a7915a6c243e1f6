package wire

// Names and types are matched ignoring ASCII case only. strings.EqualFold
// and strings.ToLower also fold Unicode, which reads the Kelvin sign
// (U+212A) as "k" and the long s (U+017F) as "s": "CLIC\u212A" would be a
// CLICK.

// EqualFold reports whether s and t are equal ignoring ASCII case.
func EqualFold[S ~string | ~[]byte](s S, t string) bool {
	if len(s) != len(t) {
		return false
	}
	for i := range len(t) {
		if lowerASCII(s[i]) != lowerASCII(t[i]) {
			return false
		}
	}
	return true
}

// ToLower returns s with the ASCII letters A–Z lowered and every other
// byte as it is.
func ToLower(s string) string {
	for i := range len(s) {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				b[j] = lowerASCII(b[j])
			}
			return string(b)
		}
	}
	return s
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
