package wire

import (
	"encoding/xml"
	"errors"
	"reflect"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// requireInvalidFieldsAgree holds InvalidFields to encoding/xml: on a
// well-formed body, xml.Unmarshal into typ fails on a number or boolean
// exactly when InvalidFields names a field.
func requireInvalidFieldsAgree(t *testing.T, body []byte, typ reflect.Type) {
	t.Helper()
	fields := InvalidFields(body, reflect.New(typ).Interface())
	var whole struct{}
	if xml.Unmarshal(Trim(body), &whole) != nil || !planFor(typ).ok {
		require.Nil(t, fields, "%q as %v", body, typ)
		return
	}
	err := xml.Unmarshal(Trim(body), reflect.New(typ).Interface())
	var numErr *strconv.NumError
	switch {
	case errors.As(err, &numErr):
		require.NotEmpty(t, fields, "%q as %v: encoding/xml says %v", body, typ, err)
	case err == nil:
		require.Empty(t, fields, "%q as %v", body, typ)
	}
}

func TestInvalidFields(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body string
		want []string
	}{
		{"<xml><I>1</I><S>x</S></xml>", nil},
		{"<xml><I></I><B/><F64> 1.5 </F64></xml>", nil},
		{"<xml><I> </I></xml>", []string{"I"}},
		{"<xml><I>x</I><I8>128</I8><I>y</I></xml>", []string{"I", "I8"}},
		{"<xml><U>-1</U><B>maybe</B><F32>1e39</F32></xml>", []string{"U", "B", "F32"}},
		{"<xml><I>1<x>2</x>a</I></xml>", []string{"I"}},
		{"<xml><I>1<x>a</x>2</I></xml>", nil},
		{"<xml><a><b><d>4x</d></b><f>5</f><f>six</f></a></xml>", []string{"a>b>d", "a>f"}},
		{"<xml><Nest><Deep><V>v</V></Deep></Nest><List><item><Count>c</Count></item></List></xml>", []string{"Nest>Deep>V", "List>item>Count"}},
		{"<xml><w:I xmlns:w='urn:x'>x</w:I></xml>", []string{"I"}},
		{"<xml><Unknown><I>x</I></Unknown><!-- <I>y</I> --></xml>", nil},
		{"<xml><I>x</I><broken></xml>", nil},
	}
	for _, tt := range tests {
		got := InvalidFields([]byte(tt.body), new(kinds))
		assert.Equal(t, tt.want, got, tt.body)
		requireInvalidFieldsAgree(t, []byte(tt.body), reflect.TypeFor[kinds]())
	}
	assert.Nil(t, InvalidFields([]byte("<xml><S>x</S></xml>"), new(withMap)), "a type without a plan")
	assert.Nil(t, InvalidFields([]byte("<xml><S>x</S></xml>"), kinds{}), "not a pointer")
}
