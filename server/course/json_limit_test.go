package course

import (
	"bufio"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestJSONRefusesAnAnnouncedOversizeBodyUnread: a Content-Length over the
// limit is a 413 at once. Before, the handler read the 3 bytes that came and
// waited for the rest of the terabyte, holding the connection until the
// server's body timeout (forever here, where httptest sets none).
func TestJSONRefusesAnAnnouncedOversizeBodyUnread(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(New(WithMaxBodyBytes(1024)).App())
	t.Cleanup(srv.Close)
	for _, method := range []string{http.MethodPost, http.MethodPut} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			c, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(5 * time.Second))
			req := method + " /json HTTP/1.1\r\nHost: x\r\nContent-Type: " + formType +
				"\r\nContent-Length: 1099511627776\r\n\r\na=b"
			if _, err := c.Write([]byte(req)); err != nil {
				t.Fatal(err)
			}
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				t.Fatalf("no answer while the body is still owed: %v", err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusRequestEntityTooLarge {
				t.Errorf("status %d, want 413", resp.StatusCode)
			}
		})
	}
}
