package main

import (
	"context"
	"errors"
	"io"
)

// runOAuthServer is a stand-in so that the command builds until the fake
// OAuth hosts land in this file, which belongs to the engineer writing them.
func runOAuthServer(_ context.Context, _ []string, _, _ io.Writer) error {
	return errors.New("not available in this build yet")
}
