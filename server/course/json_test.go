package course

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"wirebook/server/internal/testkit"
)

const formType = "application/x-www-form-urlencoded"

// multipartBody builds a multipart/form-data body with the given fields and
// one file part.
func multipartBody(t *testing.T, fields [][2]string, fileName, fileContent string) (string, *bytes.Buffer) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, f := range fields {
		if err := mw.WriteField(f[0], f[1]); err != nil {
			t.Fatal(err)
		}
	}
	if fileName != "" {
		fw, err := mw.CreateFormFile("upload", fileName)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write([]byte(fileContent)); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return mw.FormDataContentType(), &b
}

func TestJSON(t *testing.T) {
	t.Parallel()
	url, c := serve(t, New().App())
	mpType, mpBody := multipartBody(t,
		[][2]string{{"name", "David"}, {"title", "Data Scientist"}}, "notes.txt", "file content is not a field")

	tests := []struct {
		name        string
		method      string
		target      string
		contentType string
		body        string
		want        string
	}{
		// The notebook's two cells, byte for byte (Content-Length 61 and 65).
		{"notebook GET echoes the query", http.MethodGet, "/json?name=David&title=Instructor", "", "",
			`{"Server":"Test Server","name":"David","title":"Instructor"}` + "\n"},
		{"notebook POST echoes the form", http.MethodPost, "/json", formType, "name=David&title=Data+Scientist",
			`{"Server":"Test Server","name":"David","title":"Data Scientist"}` + "\n"},

		{"PUT echoes the form", http.MethodPut, "/json", formType, "name=David&title=Data%20Scientist",
			`{"Server":"Test Server","name":"David","title":"Data Scientist"}` + "\n"},
		{"multipart fields are a form too, file parts are not fields", http.MethodPost, "/json", mpType, mpBody.String(),
			`{"Server":"Test Server","name":"David","title":"Data Scientist"}` + "\n"},
		{"no fields leaves only Server", http.MethodGet, "/json", "", "", `{"Server":"Test Server"}` + "\n"},
		{"POST ignores the query string", http.MethodPost, "/json?from=query", formType, "from=body",
			`{"Server":"Test Server","from":"body"}` + "\n"},
		{"GET ignores the body", http.MethodGet, "/json?from=query", formType, "from=body",
			`{"Server":"Test Server","from":"query"}` + "\n"},
		{"a body that is not a form has no fields", http.MethodPost, "/json", "application/json", `{"name":"David"}`,
			`{"Server":"Test Server"}` + "\n"},
		{"a repeated name keeps its first value", http.MethodGet, "/json?a=first&a=second", "", "",
			`{"Server":"Test Server","a":"first"}` + "\n"},
		{"the server's Server wins over the client's", http.MethodGet, "/json?Server=Evil&server=kept", "", "",
			`{"Server":"Test Server","server":"kept"}` + "\n"},
		{"keys are sorted by code point", http.MethodGet, "/json?b=2&B=1&a=0&%C3%A9=3", "", "",
			`{"B":"1","Server":"Test Server","a":"0","b":"2","é":"3"}` + "\n"},
		{"HTML-significant characters are escaped", http.MethodGet, "/json?x=%3Cscript%3E%26", "", "",
			`{"Server":"Test Server","x":"\u003cscript\u003e\u0026"}` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var h http.Header
			if tt.contentType != "" {
				h = http.Header{"Content-Type": {tt.contentType}}
			}
			resp, body := testkit.Do(t, c, tt.method, url+tt.target, h, strings.NewReader(tt.body))
			testkit.WantStatus(t, resp, http.StatusOK)
			testkit.WantHeader(t, resp, "Content-Type", "application/json")
			if body != tt.want {
				t.Errorf("body = %s, want %s", body, tt.want)
			}
			if resp.ContentLength != int64(len(tt.want)) {
				t.Errorf("Content-Length = %d, want %d", resp.ContentLength, len(tt.want))
			}
		})
	}
}

func TestJSONNotebookContentLengths(t *testing.T) {
	t.Parallel()
	url, c := serve(t, New().App())

	resp, _ := testkit.Get(t, c, url+"/json?name=David&title=Instructor")
	testkit.WantHeader(t, resp, "Content-Length", "61")
	resp, _ = testkit.Do(t, c, http.MethodPost, url+"/json", http.Header{"Content-Type": {formType}},
		strings.NewReader("name=David&title=Data+Scientist"))
	testkit.WantHeader(t, resp, "Content-Length", "65")
}

func TestJSONRejects(t *testing.T) {
	t.Parallel()
	const limit = 1024
	url, c := serve(t, New(WithMaxBodyBytes(limit)).App())
	big := strings.Repeat("x", 4*limit)
	mpBigFileType, mpBigFile := multipartBody(t, [][2]string{{"name", "David"}}, "big.bin", big)
	mpBigFieldType, mpBigField := multipartBody(t, [][2]string{{"name", big}}, "", "")
	mpOKType, mpOK := multipartBody(t, [][2]string{{"name", "David"}}, "", "")
	truncated := mpOK.String()[:mpOK.Len()-10]

	tests := []struct {
		name        string
		method      string
		target      string
		contentType string
		body        string
		want        int
		wantText    string
	}{
		{"url-encoded body over the limit is a 413", http.MethodPost, "/json", formType, "name=" + big, http.StatusRequestEntityTooLarge, "1024 bytes"},
		{"PUT over the limit is a 413", http.MethodPut, "/json", formType, "name=" + big, http.StatusRequestEntityTooLarge, "1024 bytes"},
		{"multipart file over the limit is a 413", http.MethodPost, "/json", mpBigFileType, mpBigFile.String(), http.StatusRequestEntityTooLarge, "1024 bytes"},
		{"multipart field over the limit is a 413", http.MethodPost, "/json", mpBigFieldType, mpBigField.String(), http.StatusRequestEntityTooLarge, "1024 bytes"},
		{"a bad percent escape in the body is a 400", http.MethodPost, "/json", formType, "name=%zz", http.StatusBadRequest, "malformed"},
		{"a semicolon separator in the body is a 400", http.MethodPost, "/json", formType, "a=1;b=2", http.StatusBadRequest, "malformed"},
		{"a bad percent escape in the query is a 400", http.MethodGet, "/json?name=%zz", "", "", http.StatusBadRequest, "malformed"},
		{"multipart without a boundary is a 400", http.MethodPost, "/json", "multipart/form-data", "--x\r\n", http.StatusBadRequest, "malformed"},
		{"a truncated multipart body is a 400", http.MethodPost, "/json", mpOKType, truncated, http.StatusBadRequest, "malformed"},
		{"multipart that is not multipart is a 400", http.MethodPost, "/json", "multipart/form-data; boundary=zzz", "name=David", http.StatusBadRequest, "malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, body := testkit.Do(t, c, tt.method, url+tt.target, http.Header{"Content-Type": {tt.contentType}}, strings.NewReader(tt.body))
			testkit.WantStatus(t, resp, tt.want)
			testkit.WantHeader(t, resp, "Content-Type", "text/html; charset=utf-8")
			wantContains(t, body, tt.wantText)
		})
	}
}
