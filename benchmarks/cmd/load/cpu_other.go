//go:build !unix

package main

import (
	"errors"
	"time"
)

// processCPU needs getrusage, which this system does not have.
func processCPU() (time.Duration, error) {
	return 0, errors.New("the server's CPU time needs getrusage (a Unix system)")
}
