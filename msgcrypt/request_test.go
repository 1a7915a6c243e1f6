package msgcrypt_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/msgcrypt"
)

// TestOpenRequestReadsBodiesAsReadAll checks OpenRequest's body reading,
// which sizes its buffer from ContentLength, against what it replaces:
// io.ReadAll of an io.LimitReader of limit+1 bytes, then a length check. A
// plain push hands the body back as its Plaintext, so every byte shows. The
// announced length may be right, unknown, too small or too large, and the
// body may come a byte at a time, with its last bytes, or break.
func TestOpenRequestReadsBodiesAsReadAll(t *testing.T) {
	t.Parallel()
	const limit = 1000
	c := newCrypter(t, msgcrypt.WithMaxBodyBytes(limit))
	broken := errors.New("connection reset")
	readers := map[string]func([]byte) io.Reader{
		"whole":       func(b []byte) io.Reader { return bytes.NewReader(b) },
		"byte a time": func(b []byte) io.Reader { return iotest.OneByteReader(bytes.NewReader(b)) },
		"EOF with data": func(b []byte) io.Reader {
			return iotest.DataErrReader(bytes.NewReader(b))
		},
		"half reads": func(b []byte) io.Reader { return iotest.HalfReader(bytes.NewReader(b)) },
		"breaks at the end": func(b []byte) io.Reader {
			return io.MultiReader(bytes.NewReader(b), iotest.ErrReader(broken))
		},
	}
	for _, size := range []int{0, 1, 511, 512, 513, limit - 1, limit, limit + 1, 3 * limit} {
		body := bytes.Repeat([]byte("x"), size)
		for _, announced := range []int64{int64(size), -1, 0, int64(size) / 2, int64(size) + 7, limit, limit + 1} {
			for name, reader := range readers {
				t.Run(fmt.Sprintf("%d bytes announced as %d, %s", size, announced, name), func(t *testing.T) {
					t.Parallel()
					want, wantErr := io.ReadAll(io.LimitReader(reader(body), limit+1))
					if wantErr == nil && len(want) > limit {
						wantErr = msgcrypt.ErrBodyTooLarge
					}

					r := httptest.NewRequest("POST", "/wechat?"+plainQuery().Encode(), nil)
					r.Body, r.ContentLength = io.NopCloser(reader(body)), announced
					p, err := c.OpenRequest(r)
					if wantErr != nil {
						require.ErrorIs(t, err, wantErr)
						return
					}
					require.NoError(t, err)
					assert.Equal(t, string(want), string(p.Plaintext))
				})
			}
		}
	}
}

// TestOpenRequestLimitNearMaxInt64 checks that the largest limit allowed
// reads the body rather than overflowing limit+1 into nothing.
func TestOpenRequestLimitNearMaxInt64(t *testing.T) {
	t.Parallel()
	body := []byte("<xml><MsgType>text</MsgType></xml>")
	for _, limit := range []int64{1<<63 - 1, 1<<63 - 2} {
		c := newCrypter(t, msgcrypt.WithMaxBodyBytes(limit))
		r := httptest.NewRequest("POST", "/wechat?"+plainQuery().Encode(), bytes.NewReader(body))
		p, err := c.OpenRequest(r)
		require.NoError(t, err)
		assert.Equal(t, string(body), string(p.Plaintext))
	}
}
