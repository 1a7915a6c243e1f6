package reply

import "github.com/wxmp/wxmp/internal/xmltext"

// optionalText is xmltext.Wrap(s) for an element left out when s is empty.
func optionalText(s string) *xmltext.Text {
	if s == "" {
		return nil
	}
	c := xmltext.Wrap(s)
	return &c
}
