package wsstream

import (
	"context"
	"testing"
	"time"

	"nhooyr.io/websocket"
)

// TestViewerSendingAMessageEndsTheHandlerAtOnce: a message from a viewer is
// answered with 1008 and the handler ends then, not 15 s later. With
// nhooyr's CloseRead the handler and its connection outlived the viewer
// until Close gave up waiting for its own goroutine.
func TestViewerSendingAMessageEndsTheHandlerAtOnce(t *testing.T) {
	t.Parallel()
	for _, typ := range []websocket.MessageType{websocket.MessageText, websocket.MessageBinary} {
		t.Run(typ.String(), func(t *testing.T) {
			t.Parallel()
			h := &doneHandler{h: New(greet(testGreetings, 3, time.Minute)), done: make(chan struct{})}
			url, origin := serve(t, h, context.Background())
			c, _, err := dial(t, url, origin)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := read(c); err != nil { // the first greeting; then a long pause
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
			defer cancel()
			if err := c.Write(ctx, typ, []byte("hello, server")); err != nil {
				t.Fatal(err)
			}
			if _, _, err := read(c); websocket.CloseStatus(err) != websocket.StatusPolicyViolation {
				t.Errorf("after the viewer's message: %v, want a close with %v", err, websocket.StatusPolicyViolation)
			}
			select {
			case <-h.done:
			case <-time.After(3 * time.Second):
				t.Fatal("the handler was still running 3 s after it closed the connection")
			}
		})
	}
}
