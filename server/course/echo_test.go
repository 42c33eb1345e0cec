package course

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"wirebook/server/internal/testkit"
	"wirebook/server/rawhead"
)

// echoPage parses an echo page into the path line and the <pre> text.
func echoPage(t *testing.T, body string) (path, head string) {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if got := doc.Find("h3").Text(); got != "Request details:" {
		t.Errorf("h3 = %q, want %q", got, "Request details:")
	}
	return doc.Find("body > p").Text(), doc.Find("blockquote > pre").Text()
}

// The notebook's request: GET /some-file.txt on port 2504.
func TestEchoCourseRequest(t *testing.T) {
	t.Parallel()
	url, c := serve(t, Echo())
	host := strings.TrimPrefix(url, "http://")

	resp, body := testkit.Do(t, c, http.MethodGet, url+"/some-file.txt", http.Header{"Accept": {"*/*"}}, nil)
	testkit.WantStatus(t, resp, http.StatusOK)
	testkit.WantHeader(t, resp, "X-INE-Course", "HTTP using Python")
	testkit.WantHeader(t, resp, "Content-Type", "text/html; charset=utf-8")

	path, head := echoPage(t, body)
	if path != "You accessed path: /some-file.txt" {
		t.Errorf("path line = %q", path)
	}
	want := "GET /some-file.txt HTTP/1.1\n" +
		"Host: " + host + "\n" +
		"Accept: */*\n" +
		"Accept-Encoding: gzip\n" +
		"User-Agent: Go-http-client/1.1\n"
	if head != want {
		t.Errorf("head =\n%s\nwant\n%s", head, want)
	}
}

func TestEchoAnswersEveryPathAndMethod(t *testing.T) {
	t.Parallel()
	url, c := serve(t, Echo())

	tests := []struct {
		name, method, target string
		wantLine             string
	}{
		{"root", http.MethodGet, "/", "GET / HTTP/1.1"},
		{"query is part of the path shown", http.MethodGet, "/a/b?x=1&y=%20", "GET /a/b?x=1&y=%20 HTTP/1.1"},
		{"mounted prefix is shown, not stripped", http.MethodGet, "/echo/some-file.txt", "GET /echo/some-file.txt HTTP/1.1"},
		{"POST", http.MethodPost, "/form", "POST /form HTTP/1.1"},
		{"DELETE", http.MethodDelete, "/thing/1", "DELETE /thing/1 HTTP/1.1"},
		{"a made-up method", "BREW", "/coffee", "BREW /coffee HTTP/1.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, body := testkit.Do(t, c, tt.method, url+tt.target, nil, nil)
			testkit.WantStatus(t, resp, http.StatusOK)
			path, head := echoPage(t, body)
			if want := "You accessed path: " + tt.target; path != want {
				t.Errorf("path line = %q, want %q", path, want)
			}
			if line, _, _ := strings.Cut(head, "\n"); line != tt.wantLine {
				t.Errorf("request line = %q, want %q", line, tt.wantLine)
			}
		})
	}
}

// Without rawhead (httptest.NewServer here), the head is rebuilt from Go.s
// header map, which forgets wire order: the page promises Host first, the rest
// sorted, repeated values in the order sent, and Transfer-Encoding put back.
func TestEchoHeaderOrder(t *testing.T) {
	t.Parallel()
	url, _ := serve(t, Echo())
	conn, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	req := "POST /upload HTTP/1.1\r\n" +
		"Zeta: last\r\n" +
		"Host: example.test\r\n" +
		"x-ine-student: Ana\r\n" +
		"Accept: text/html\r\n" +
		"Transfer-Encoding: chunked\r\n" +
		"Accept: application/json\r\n" +
		"Connection: close\r\n" +
		"\r\n" +
		"3\r\nabc\r\n0\r\n\r\n"
	if _, err := io.WriteString(conn, req); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	_, head := echoPage(t, string(body))
	want := "POST /upload HTTP/1.1\n" +
		"Host: example.test\n" +
		"Accept: text/html\n" +
		"Accept: application/json\n" +
		"Connection: close\n" +
		"Transfer-Encoding: chunked\n" +
		"X-Ine-Student: Ana\n" +
		"Zeta: last\n"
	if head != want {
		t.Errorf("head =\n%s\nwant\n%s", head, want)
	}
}

func TestEchoHEADHasNoBody(t *testing.T) {
	t.Parallel()
	url, c := serve(t, Echo())
	resp, body := testkit.Do(t, c, http.MethodHead, url+"/x", nil, nil)
	testkit.WantStatus(t, resp, http.StatusOK)
	if body != "" {
		t.Errorf("HEAD body = %q, want none", body)
	}
}

// serveRawHeads starts Echo as wirebook serves it: behind rawhead.Record,
// with MaxHeaderBytes as given.
func serveRawHeads(t *testing.T, maxHeaderBytes int) string {
	t.Helper()
	srv := httptest.NewUnstartedServer(Echo())
	srv.Config.MaxHeaderBytes = maxHeaderBytes
	srv.Listener = rawhead.Record(srv.Config, srv.Listener)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String()
}

// rawEcho writes req on a new connection and gives the echo page's <pre>
// text and the page as sent.
func rawEcho(t *testing.T, addr, req string) (head, page string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, req); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	_, head = echoPage(t, string(body))
	return head, string(body)
}

// Served through rawhead, the page shows the head as it arrived, like the
// course's http.server handler: order, case and repeats as sent.
func TestEchoShowsHeadAsReceived(t *testing.T) {
	t.Parallel()
	const limit = 1024
	addr := serveRawHeads(t, limit)
	pad := strings.Repeat("p", 2*limit) // over MaxHeaderBytes, under net/http's limit+4096
	tests := []struct {
		name, req, want string
		notInPage       []string
	}{
		{"order and case as sent",
			"GET /echo/ HTTP/1.1\r\nHost: h\r\nX-B: 1\r\nx-a: 2\r\nX-B: 3\r\n\r\n",
			"GET /echo/ HTTP/1.1\nHost: h\nX-B: 1\nx-a: 2\nX-B: 3\n", nil},
		{"Transfer-Encoding in its place",
			"POST /up HTTP/1.1\r\nx-ine-student: Ana\r\nTransfer-Encoding: chunked\r\nHost: h\r\n\r\n3;x=y\r\nabc\r\n0\r\n\r\n",
			"POST /up HTTP/1.1\nx-ine-student: Ana\nTransfer-Encoding: chunked\nHost: h\n", nil},
		{"hostile values stay text",
			"GET /<b>?q=\"x\" HTTP/1.1\r\nHost: h\r\nX-Evil: <script>alert(1)</script>\r\nX-Quote: \"'&amp;\r\n\r\n",
			"GET /<b>?q=\"x\" HTTP/1.1\nHost: h\nX-Evil: <script>alert(1)</script>\nX-Quote: \"'&amp;\n",
			[]string{"<script>", "<b>", "&amp;\n"}},
		{"a head over MaxHeaderBytes falls back to the rebuilt one",
			"GET /big HTTP/1.1\r\nx-pad: " + pad + "\r\nHost: h\r\n\r\n",
			"GET /big HTTP/1.1\nHost: h\nX-Pad: " + pad + "\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			head, page := rawEcho(t, addr, tt.req)
			if head != tt.want {
				t.Errorf("head =\n%s\nwant\n%s", head, tt.want)
			}
			for _, bad := range tt.notInPage {
				if strings.Contains(page, bad) {
					t.Errorf("page holds %q unescaped:\n%s", bad, page)
				}
			}
		})
	}
}
