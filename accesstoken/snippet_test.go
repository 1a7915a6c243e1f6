package accesstoken_test

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/wxmp/wxmp/accesstoken"
)

// docSnippet is the snippet of the package comment (doc.go), compiled so
// that it cannot drift from the API. It is not run: it would call WeChat.
// The root package's TestSnippets finds it here.
func docSnippet(ctx context.Context, call func(tok string) (errcode int)) error {
	src, err := accesstoken.New(os.Getenv("WECHAT_APPID"), os.Getenv("WECHAT_SECRET"))
	if err != nil {
		return err // ErrInvalidConfig: an empty AppID or AppSecret
	}
	tok, err := src.Token(ctx)
	if errors.Is(err, accesstoken.ErrIPNotWhitelisted) {
		return fmt.Errorf("add this server to the IP whitelist: %w", err)
	}
	// … call an API with tok; if it answers 40001, 40014 or 42001:
	if err != nil {
		return err
	}
	switch call(tok) {
	case 0:
		return nil
	case 40001, 40014, 42001:
	default:
		return errors.New("the call failed")
	}
	if err := src.Invalidate(ctx, tok); err != nil {
		return err // only a Store's error
	}
	tok, err = src.Token(ctx) // forgot tok only if it was still cached; retry the call once
	if err != nil {
		return err
	}
	if call(tok) != 0 {
		return errors.New("the call failed again")
	}
	return nil
}

var _ = docSnippet
