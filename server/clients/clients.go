// Package clients knows what the HTTP clients a lesson can name send of
// their own accord, besides what a request says: the course's Python
// requests, curl, and a browser's fetch. The relay adds those headers to a
// cell that names its client (client=requests), and an export writes them
// into the Hurl file, so both send what that client would.
package clients

import "wirebook/server/wireproto"

// Client is what a client adds to a request on its own: Headers written
// after Host, in this order, unless the cell writes one of the same name
// (the cell's wins, in the cell's place); and whether it sends
// "Content-Length: 0" for a method other than GET or HEAD without a body.
type Client struct {
	Headers     []wireproto.Header
	EmptyLength bool
}

// Names are the client= options a cell may give, the default first.
var Names = []string{"bare", "requests", "curl", "browser"}

// Lookup is the client a cell's client= option names ("" is bare).
func Lookup(name string) (Client, bool) {
	c, ok := clients[name]
	return c, ok
}

// clients are the client= options of a cell. Each set is what that client
// sends for a plain request, so that a lesson can show the course's own
// output:
//
//   - requests: python-requests 2.32.3, requests.utils.default_headers()
//     (User-Agent, Accept-Encoding, Accept, Connection in that order) after
//     the Host line http.client writes first; models.py's
//     prepare_content_length adds "Content-Length: 0" to a body-less
//     request whose method is not GET or HEAD.
//   - curl: curl 8.14.1 with no options (lib/http.c writes Host, then
//     User-Agent, then Accept: */*).
//   - browser: a representative fetch() from Chromium on Linux to its own
//     origin (Chromium's net/ and Fetch Metadata headers). The exact
//     User-Agent and Accept-Language depend on the browser and its
//     settings; this fixed set stands for them. Headers a browser adds for
//     a particular page (Referer, Origin, Cookie, sec-ch-ua) are left out.
//   - bare, or no option: nothing; only the cell's lines and what HTTP/1.1
//     requires.
var clients = map[string]Client{
	"":     {},
	"bare": {},
	"requests": {Headers: []wireproto.Header{
		{Name: "User-Agent", Value: "python-requests/2.32.3"},
		{Name: "Accept-Encoding", Value: "gzip, deflate"},
		{Name: "Accept", Value: "*/*"},
		{Name: "Connection", Value: "keep-alive"},
	}, EmptyLength: true},
	"curl": {Headers: []wireproto.Header{
		{Name: "User-Agent", Value: "curl/8.14.1"},
		{Name: "Accept", Value: "*/*"},
	}},
	"browser": {Headers: []wireproto.Header{
		{Name: "Connection", Value: "keep-alive"},
		{Name: "User-Agent", Value: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0.0.0 Safari/537.36"},
		{Name: "Accept", Value: "*/*"},
		{Name: "Sec-Fetch-Site", Value: "same-origin"},
		{Name: "Sec-Fetch-Mode", Value: "cors"},
		{Name: "Sec-Fetch-Dest", Value: "empty"},
		{Name: "Accept-Encoding", Value: "gzip, deflate, br, zstd"},
		{Name: "Accept-Language", Value: "en-US,en;q=0.9"},
	}},
}
