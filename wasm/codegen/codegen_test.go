package codegen

import (
	"strings"
	"testing"

	"wirebook/server/wireproto"
)

const testBase = "http://127.0.0.1:2500/lesson"

// pyHead is how every snippet shows the status line and headers: the
// course's way of showing a response.
const pyHead = `print(resp.status_code, resp.reason)
for k, v in resp.headers.items():
    print(f'{k}: {v}')
print()
`

// pyTail is how a snippet ends when it prints the body.
const pyTail = pyHead + "print(resp.text)"

var codegenCases = []struct {
	name   string
	text   string
	body   Body
	curl   string
	python string
}{
	{
		name: "the image cell saves its bytes to a file named after the URL",
		text: "GET /files/wirebook.png",
		body: Save,
		curl: `curl -D - -o wirebook.png 'http://127.0.0.1:2500/files/wirebook.png'`,
		python: "import requests\nresp = requests.get('http://127.0.0.1:2500/files/wirebook.png')\n" + pyHead +
			"with open('wirebook.png', 'wb') as f:\n" +
			"    f.write(resp.content)\n" +
			"print(f'wrote {len(resp.content)} bytes to wirebook.png')",
	},
	{
		name: "the stream cell prints each line as it comes",
		text: "GET /stream",
		body: Stream,
		curl: `curl -i -N 'http://127.0.0.1:2500/stream'`,
		python: "import requests\nresp = requests.get('http://127.0.0.1:2500/stream', stream=True)\n" + pyHead +
			"for line in resp.iter_lines():\n" +
			"    print(line.decode(errors='replace'), flush=True)",
	},
	{
		name: "a saved body's file name is decoded and made safe; the query is not in it",
		text: "POST /render/my%20chart;1.png?size=2\nContent-Type: application/json\n\n{}",
		body: Save,
		curl: "curl -D - -o my_chart_1.png 'http://127.0.0.1:2500/render/my%20chart;1.png?size=2' \\\n" +
			"  -H 'Content-Type: application/json' \\\n" +
			"  --data-binary '{}'",
		python: "import requests\n" +
			"headers = {'Content-Type': 'application/json'}\n" +
			"data = '{}'\n" +
			"resp = requests.post('http://127.0.0.1:2500/render/my%20chart;1.png?size=2',\n" +
			"                     headers=headers,\n" +
			"                     data=data)\n" + pyHead +
			"with open('my_chart_1.png', 'wb') as f:\n" +
			"    f.write(resp.content)\n" +
			"print(f'wrote {len(resp.content)} bytes to my_chart_1.png')",
	},
	{
		name: "a streamed POST keeps -X off and stream=True last",
		text: "POST http://127.0.0.1:2505/events\n\nfrom=now",
		body: Stream,
		curl: "curl -i -N 'http://127.0.0.1:2505/events' \\\n" +
			"  --data-binary 'from=now'",
		python: "import requests\n" +
			"data = 'from=now'\n" +
			"resp = requests.post('http://127.0.0.1:2505/events', data=data, stream=True)\n" + pyHead +
			"for line in resp.iter_lines():\n" +
			"    print(line.decode(errors='replace'), flush=True)",
	},
	{
		name:   "HEAD has no body to stream or save",
		text:   "HEAD /files/wirebook.png",
		body:   Save,
		curl:   `curl -I 'http://127.0.0.1:2500/files/wirebook.png'`,
		python: "import requests\nresp = requests.head('http://127.0.0.1:2500/files/wirebook.png')\n" + pyTail,
	},
	{
		name: "a URL without a name saves to response.bin",
		text: "GET http://127.0.0.1:2503/",
		body: Save,
		curl: `curl -D - -o response.bin 'http://127.0.0.1:2503/'`,
		python: "import requests\nresp = requests.get('http://127.0.0.1:2503/')\n" + pyHead +
			"with open('response.bin', 'wb') as f:\n" +
			"    f.write(resp.content)\n" +
			"print(f'wrote {len(resp.content)} bytes to response.bin')",
	},
	{
		name:   "GET with a query, the course's own example",
		text:   "GET http://127.0.0.1:2505/json?name=David&title=Instructor",
		curl:   `curl -i 'http://127.0.0.1:2505/json?name=David&title=Instructor'`,
		python: "import requests\nresp = requests.get('http://127.0.0.1:2505/json?name=David&title=Instructor')\n" + pyTail,
	},
	{
		name:   "relative target resolves against the page origin",
		text:   "GET /hello",
		curl:   `curl -i 'http://127.0.0.1:2500/hello'`,
		python: "import requests\nresp = requests.get('http://127.0.0.1:2500/hello')\n" + pyTail,
	},
	{
		name: "form body becomes a dict and its Content-Type is left to requests",
		text: "POST /json\nContent-Type: application/x-www-form-urlencoded\n\nname=David&title=Data+Scientist",
		curl: "curl -i 'http://127.0.0.1:2500/json' \\\n" +
			"  -H 'Content-Type: application/x-www-form-urlencoded' \\\n" +
			"  --data-binary 'name=David&title=Data+Scientist'",
		python: "import requests\n" +
			"data = {'name': 'David', 'title': 'Data Scientist'}\n" +
			"resp = requests.post('http://127.0.0.1:2500/json', data=data)\n" + pyTail,
	},
	{
		name: "form with a repeated name becomes pairs; escapes are decoded",
		text: "PUT /json\nContent-Type: application/x-www-form-urlencoded; charset=utf-8\n\na=1&a=2&check=%E2%9C%93",
		curl: "curl -i -X PUT 'http://127.0.0.1:2500/json' \\\n" +
			"  -H 'Content-Type: application/x-www-form-urlencoded; charset=utf-8' \\\n" +
			"  --data-binary 'a=1&a=2&check=%E2%9C%93'",
		python: "import requests\n" +
			"headers = {'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8'}\n" +
			"data = [('a', '1'), ('a', '2'), ('check', '✓')]\n" +
			"resp = requests.put('http://127.0.0.1:2500/json', headers=headers, data=data)\n" + pyTail,
	},
	{
		name: "form body that would not survive re-encoding stays a string",
		text: "POST /json\nContent-Type: application/x-www-form-urlencoded\n\nflag&a=%zz",
		curl: "curl -i 'http://127.0.0.1:2500/json' \\\n" +
			"  -H 'Content-Type: application/x-www-form-urlencoded' \\\n" +
			"  --data-binary 'flag&a=%zz'",
		python: "import requests\n" +
			"headers = {'Content-Type': 'application/x-www-form-urlencoded'}\n" +
			"data = 'flag&a=%zz'\n" +
			"resp = requests.post('http://127.0.0.1:2500/json', headers=headers, data=data)\n" + pyTail,
	},
	{
		name: "Basic Authorization becomes -u and HTTPBasicAuth",
		text: "GET http://127.0.0.1:2502/secure\nAuthorization: Basic RGF2aWQ6NGJZYURaQ0ZzVFk0",
		curl: "curl -i 'http://127.0.0.1:2502/secure' \\\n" +
			"  -u 'David:4bYaDZCFsTY4'",
		python: "import requests\n" +
			"from requests.auth import HTTPBasicAuth\n" +
			"resp = requests.get('http://127.0.0.1:2502/secure',\n" +
			"                    auth=HTTPBasicAuth('David', '4bYaDZCFsTY4'))\n" + pyTail,
	},
	{
		name: "Authorization that is not Basic stays a header",
		text: "GET /secure\nAuthorization: Bearer abc.def",
		curl: "curl -i 'http://127.0.0.1:2500/secure' \\\n" +
			"  -H 'Authorization: Bearer abc.def'",
		python: "import requests\n" +
			"headers = {'Authorization': 'Bearer abc.def'}\n" +
			"resp = requests.get('http://127.0.0.1:2500/secure', headers=headers)\n" + pyTail,
	},
	{
		name: "Basic credentials that are not valid base64 stay a header",
		text: "GET /secure\nAuthorization: Basic not*base64",
		curl: "curl -i 'http://127.0.0.1:2500/secure' \\\n" +
			"  -H 'Authorization: Basic not*base64'",
		python: "import requests\n" +
			"headers = {'Authorization': 'Basic not*base64'}\n" +
			"resp = requests.get('http://127.0.0.1:2500/secure', headers=headers)\n" + pyTail,
	},
	{
		name: "method without a shortcut; repeats merged; empty value; quotes",
		text: "PROPFIND /files/\nDepth: 1\nX-Empty:\nCookie: a=1\nCookie: b=2\nX-Note: it's\nX-Note: Zoë",
		curl: "curl -i -X PROPFIND 'http://127.0.0.1:2500/files/' \\\n" +
			"  -H 'Depth: 1' \\\n" +
			"  -H 'X-Empty;' \\\n" +
			"  -H 'Cookie: a=1' \\\n" +
			"  -H 'Cookie: b=2' \\\n" +
			"  -H 'X-Note: it'\\''s' \\\n" +
			"  -H 'X-Note: Zoë'",
		python: "import requests\n" +
			"headers = {\n" +
			"    'Depth': '1',\n" +
			"    'X-Empty': '',\n" +
			"    'Cookie': 'a=1; b=2',\n" +
			"    'X-Note': \"it's, Zoë\".encode(),\n" +
			"}\n" +
			"resp = requests.request('PROPFIND', 'http://127.0.0.1:2500/files/',\n" +
			"                        headers=headers)\n" + pyTail,
	},
	{
		name:   "HEAD is curl -I",
		text:   "HEAD /hello",
		curl:   `curl -I 'http://127.0.0.1:2500/hello'`,
		python: "import requests\nresp = requests.head('http://127.0.0.1:2500/hello')\n" + pyTail,
	},
	{
		name:   "POST without a body needs -X",
		text:   "POST /json",
		curl:   `curl -i -X POST 'http://127.0.0.1:2500/json'`,
		python: "import requests\nresp = requests.post('http://127.0.0.1:2500/json')\n" + pyTail,
	},
	{
		name: "GET with a body needs -X",
		text: "GET /echo\n\nhi",
		curl: "curl -i -X GET 'http://127.0.0.1:2500/echo' \\\n" +
			"  --data-binary 'hi'",
		python: "import requests\ndata = 'hi'\nresp = requests.get('http://127.0.0.1:2500/echo', data=data)\n" + pyTail,
	},
	{
		name: "JSON body with quotes, backslashes, newlines and non-ASCII",
		text: "PATCH /json\nContent-Type: application/json\n\n{\"it's\": \"Nǐn hǎo\\n\"}\n",
		curl: "curl -i -X PATCH 'http://127.0.0.1:2500/json' \\\n" +
			"  -H 'Content-Type: application/json' \\\n" +
			"  --data-binary '{\"it'\\''s\": \"Nǐn hǎo\\n\"}\n'",
		python: "import requests\n" +
			"headers = {'Content-Type': 'application/json'}\n" +
			`data = '{"it\'s": "Nǐn hǎo\\n"}\n'.encode()` + "\n" +
			"resp = requests.patch('http://127.0.0.1:2500/json', headers=headers, data=data)\n" + pyTail,
	},
	{
		name: "body starting with @ is not a file name",
		text: "POST /echo\n\n@/etc/passwd",
		curl: "curl -i 'http://127.0.0.1:2500/echo' \\\n" +
			"  --data-raw '@/etc/passwd'",
		python: "import requests\ndata = '@/etc/passwd'\nresp = requests.post('http://127.0.0.1:2500/echo', data=data)\n" + pyTail,
	},
	{
		name: "shell metacharacters are inert inside single quotes",
		text: "POST /echo\nX-Cmd: $(id) `id` $HOME \\ \"x\"\n\n$(touch /tmp/pwned); 'quoted' \\n\t\"dq\"",
		curl: "curl -i 'http://127.0.0.1:2500/echo' \\\n" +
			"  -H 'X-Cmd: $(id) `id` $HOME \\ \"x\"' \\\n" +
			"  --data-binary '$(touch /tmp/pwned); '\\''quoted'\\'' \\n\t\"dq\"'",
		python: "import requests\n" +
			"headers = {'X-Cmd': '$(id) `id` $HOME \\\\ \"x\"'}\n" +
			"data = '$(touch /tmp/pwned); \\'quoted\\' \\\\n\\t\"dq\"'\n" +
			"resp = requests.post('http://127.0.0.1:2500/echo', headers=headers, data=data)\n" + pyTail,
	},
	{
		name: "bytes that are not UTF-8 go as a bytes literal",
		text: "POST /echo\nContent-Type: application/octet-stream\n\n\x89PNG\r\n\x1a\n\x00\xff",
		curl: "curl -i 'http://127.0.0.1:2500/echo' \\\n" +
			"  -H 'Content-Type: application/octet-stream' \\\n" +
			"  --data-binary '\x89PNG\r\n\x1a\n\x00\xff'",
		python: "import requests\n" +
			"headers = {'Content-Type': 'application/octet-stream'}\n" +
			`data = b'\x89PNG\r\n\x1A\n\x00\xFF'` + "\n" +
			"resp = requests.post('http://127.0.0.1:2500/echo', headers=headers, data=data)\n" + pyTail,
	},
	{
		name:   "brackets in the URL turn curl's globbing off",
		text:   "DELETE /json?a[]=1&b={x}",
		curl:   `curl -i -X DELETE -g 'http://127.0.0.1:2500/json?a[]=1&b={x}'`,
		python: "import requests\nresp = requests.delete('http://127.0.0.1:2500/json?a[]=1&b={x}')\n" + pyTail,
	},
	{
		name:   "non-ASCII in the target is percent-encoded",
		text:   "OPTIONS /greeting?who=Zoë",
		curl:   `curl -i -X OPTIONS 'http://127.0.0.1:2500/greeting?who=Zo%C3%AB'`,
		python: "import requests\nresp = requests.options('http://127.0.0.1:2500/greeting?who=Zo%C3%AB')\n" + pyTail,
	},
	{
		name:   "a method the shell would act on is quoted",
		text:   "A&B|C /x",
		curl:   `curl -i -X 'A&B|C' 'http://127.0.0.1:2500/x'`,
		python: "import requests\nresp = requests.request('A&B|C', 'http://127.0.0.1:2500/x')\n" + pyTail,
	},
}

func TestCurl(t *testing.T) {
	t.Parallel()
	for _, tc := range codegenCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := wireproto.ParseRequest(tc.text)
			if err != nil {
				t.Fatal(err)
			}
			if got := Curl(r, testBase, tc.body); got != tc.curl {
				t.Fatalf("Curl()\n got: %s\nwant: %s", got, tc.curl)
			}
		})
	}
}

func TestPython(t *testing.T) {
	t.Parallel()
	for _, tc := range codegenCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := wireproto.ParseRequest(tc.text)
			if err != nil {
				t.Fatal(err)
			}
			if got := Python(r, testBase, tc.body); got != tc.python {
				t.Fatalf("Python()\n got: %s\nwant: %s", got, tc.python)
			}
		})
	}
}

func TestPyQuote(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"plain", "David", `'David'`},
		{"single quote switches to double quotes", "it's", `"it's"`},
		{"both quotes escape the single one", `it's "x"`, `'it\'s "x"'`},
		{"backslash", `a\b`, `'a\\b'`},
		{"line breaks and tab", "a\nb\r\tc", `'a\nb\r\tc'`},
		{"NUL and DEL", "\x00\x7f", `'\x00\x7F'`},
		{"printable non-ASCII stays", "Nǐn hǎo ✓ 😀", `'Nǐn hǎo ✓ 😀'`},
		{"invisible Unicode is escaped", "a\u00a0b\u2028c\U000e0001", `'a\xA0b\u2028c\U000E0001'`},
		{"not UTF-8 is bytes", "a\xffb'", `b"a\xFFb'"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := pyQuote(tc.in); got != tc.want {
				t.Fatalf("pyQuote(%q) = %s, want %s", tc.in, got, tc.want)
			}
		})
	}
}

// FuzzCodegen: code generation copes with anything the parser accepts.
func FuzzCodegen(f *testing.F) {
	for _, tc := range codegenCases {
		f.Add(tc.text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		r, err := wireproto.ParseRequest(text)
		if err != nil {
			return
		}
		for _, body := range []Body{Print, Stream, Save} {
			_ = Curl(r, testBase, body)
			_ = Python(r, testBase, body)
		}
	})
}

func TestBodyFor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		stream bool
		url    string
		shown  string
		want   Body
	}{
		{"a stream cell streams", true, "http://127.0.0.1:2500/stream", "", Stream},
		{"the stream option wins over an image name", true, "http://h/cam.jpg", "image", Stream},
		{"an image's name says save before any run", false, "http://127.0.0.1:2500/files/wirebook.png", "", Save},
		{"an archive's name says save", false, "http://h/x/data.tar.gz?v=2", "", Save},
		{"an escaped name is read decoded", false, "http://h/a%2Epng", "", Save},
		{"a text file's name says print, whatever ran before", false, "http://h/greetings.txt", "binary", Print},
		{"no name: the last answer was an image", false, "http://h/avatar", "image", Save},
		{"no name: the last answer was bytes", false, "http://h/download", "binary", Save},
		{"no name: the last answer was JSON", false, "http://h/json?name=Ana", "json", Print},
		{"no name, never run: print", false, "http://h/hello", "", Print},
		{"a dot in the query is not an extension", false, "http://h/hello?f=a.png", "", Print},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := BodyFor(tc.stream, tc.url, tc.shown); got != tc.want {
				t.Fatalf("BodyFor(%v, %q, %q) = %v, want %v", tc.stream, tc.url, tc.shown, got, tc.want)
			}
		})
	}
}

func TestFileName(t *testing.T) {
	t.Parallel()
	tests := []struct{ url, want string }{
		{"http://127.0.0.1:2500/files/wirebook.png", "wirebook.png"},
		{"http://h/a/b/photo%20of%20me.JPG?x=1#top", "photo_of_me.JPG"},
		{"http://h/%2E%2E%2Fetc%2Fpasswd", "_etc_passwd"},
		{"http://h/..", "response.bin"},
		{"http://h/.hidden.png", "hidden.png"},
		{"http://h/", "response.bin"},
		{"http://h", "response.bin"},
		{"http://h/caf%C3%A9.png", "caf_.png"},
		{"http://h/bad%zzescape.bin", "bad_zzescape.bin"},
		{"http://h/$(rm -rf ~).png", "__rm_-rf___.png"},
		{"http://h/" + strings.Repeat("a", 300) + ".png", strings.Repeat("a", 96) + ".png"},
	}
	for _, tc := range tests {
		t.Run(tc.url, func(t *testing.T) {
			t.Parallel()
			if got := fileName(tc.url); got != tc.want {
				t.Fatalf("fileName(%q) = %q, want %q", tc.url, got, tc.want)
			}
		})
	}
}
