package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// The echo shows heads as received on both listeners that serve it: the
// echo course port and -addr's /echo/, where the lesson's cells go. On -addr
// other requests share the connection, and each still gets its own head.
func TestEchoShowsHeadsAsReceived(t *testing.T) {
	t.Parallel()
	in := start(t, "-course-ports=0,0,0,0")
	tests := []struct {
		listener, path string
	}{
		{"echo", "/some-file.txt"},
		{"main", "/echo/some-file.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.listener, func(t *testing.T) {
			t.Parallel()
			host := strings.TrimPrefix(in.urls[tt.listener], "http://")
			conn, err := net.Dial("tcp", host)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			first := "GET " + tt.path + " HTTP/1.1\r\nHost: " + host + "\r\nX-B: 1\r\nx-a: 2\r\nX-B: 3\r\n\r\n"
			hello := "GET /hello HTTP/1.1\r\nHost: " + host + "\r\n\r\n" // a 404 on the echo port, /hello on main
			second := "POST " + tt.path + "?n=2 HTTP/1.1\r\nhost: " + host + "\r\ncontent-length: 3\r\nX-INE-Student: Ana\r\n\r\nabc"
			if _, err := io.WriteString(conn, first+hello+second); err != nil { // pipelined, one Write
				t.Fatal(err)
			}
			br := bufio.NewReader(conn)
			wants := []string{
				"GET " + tt.path + " HTTP/1.1\nHost: " + host + "\nX-B: 1\nx-a: 2\nX-B: 3\n",
				"",
				"POST " + tt.path + "?n=2 HTTP/1.1\nhost: " + host + "\ncontent-length: 3\nX-INE-Student: Ana\n",
			}
			for i, want := range wants {
				resp, err := http.ReadResponse(br, nil)
				if err != nil {
					t.Fatalf("response %d: %v", i, err)
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil {
					t.Fatal(err)
				}
				if want == "" {
					continue
				}
				if got := parse(t, body).Find("blockquote > pre").Text(); got != want {
					t.Errorf("response %d: head =\n%s\nwant\n%s", i, got, want)
				}
			}
		})
	}
}
