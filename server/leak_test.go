package main

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if any goroutine outlives its test: every
// test stops its wirebook through run()'s context, so a stream, relay or
// listener left running after shutdown shows up here.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
