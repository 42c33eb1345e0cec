package export

import (
	"bytes"
	"encoding/json"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"wirebook/server/syllabus"
)

// exportServer serves Handler for the work lesson, as routes.go mounts it.
func exportServer(t *testing.T, opts ...HandlerOption) (*httptest.Server, *syllabus.Course) {
	t.Helper()
	c := workCourse(t)
	mux := http.NewServeMux()
	mux.Handle("/export/", Handler(func() *syllabus.Course { return c }, opts...))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, c
}

// multipartForm is the page's form as a browser posts it.
func multipartForm(t *testing.T, fields map[string]string) (body *bytes.Buffer, contentType string) {
	t.Helper()
	body = &bytes.Buffer{}
	mw := multipart.NewWriter(body)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return body, mw.FormDataContentType()
}

func stateJSON(t *testing.T) string {
	t.Helper()
	b, err := json.Marshal(workState(t))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestHandlerAnswersAFile(t *testing.T) {
	t.Parallel()
	srv, c := exportServer(t)
	slug := c.Lessons[0].Slug
	state := stateJSON(t)
	for _, row := range []struct {
		name, method, format, state string
		urlencoded                  bool
		contentType, has, hasNot    string
	}{
		{name: "GET is the lesson alone, as hurl", method: "GET", format: "hurl",
			contentType: "text/plain; charset=utf-8", has: "# Exported by wirebook from the lessons alone.", hasNot: "?q="},
		{name: "POST without state is the lesson alone", method: "POST", format: "html",
			contentType: "text/html; charset=utf-8", has: `data-with-outputs="false"`, hasNot: "data-output"},
		{name: "POST with state is the student's work, as HTML", method: "POST", format: "html", state: state,
			contentType: "text/html; charset=utf-8", has: `data-with-outputs="true"`},
		{name: "as a notebook", method: "POST", format: "ipynb", state: state,
			contentType: "application/x-ipynb+json", has: `"execution_count": 3`},
		{name: "as Hurl", method: "POST", format: "hurl", state: state,
			contentType: "text/plain; charset=utf-8", has: "# cell 1, line 5, as the student edited it\nGET " + srv.URL + "/hello?q="},
		{name: "an urlencoded form works too", method: "POST", format: "hurl", state: state, urlencoded: true,
			contentType: "text/plain; charset=utf-8", has: "as the student edited it"},
	} {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			var req *http.Request
			var err error
			switch {
			case row.method == "GET":
				req, err = http.NewRequest("GET", srv.URL+"/export/"+slug+"?format="+row.format, nil)
			case row.urlencoded:
				req, err = http.NewRequest("POST", srv.URL+"/export/"+slug,
					strings.NewReader(url.Values{"format": {row.format}, "state": {row.state}}.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			default:
				body, ct := multipartForm(t, map[string]string{"format": row.format, "state": row.state})
				req, err = http.NewRequest("POST", srv.URL+"/export/"+slug, body)
				req.Header.Set("Content-Type", ct)
			}
			if err != nil {
				t.Fatal(err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, b)
			}
			for k, want := range map[string]string{
				"Content-Type":           row.contentType,
				"Content-Disposition":    `attachment; filename=` + slug + `.` + row.format,
				"X-Content-Type-Options": "nosniff",
				"Cache-Control":          "no-store",
			} {
				if got := resp.Header.Get(k); got != want {
					t.Errorf("%s: %q, want %q", k, got, want)
				}
			}
			if !bytes.Contains(b, []byte(row.has)) {
				t.Errorf("the file lacks %q:\n%.800s", row.has, b)
			}
			if row.hasNot != "" && bytes.Contains(b, []byte(row.hasNot)) {
				t.Errorf("the file holds %q, which only saved work has", row.hasNot)
			}
		})
	}
}

func TestHandlerRefusesBadInput(t *testing.T) {
	t.Parallel()
	const limit = 4096
	srv, c := exportServer(t, WithMaxState(limit))
	slug := c.Lessons[0].Slug
	for _, row := range []struct {
		name, path, format, state string
		status                    int
		says                      string
	}{
		{"a state over the cap is a 413", slug, "html", `{"v":1,"cells":[{"text":"` + strings.Repeat("x", 2*limit) + `"}]}`,
			http.StatusRequestEntityTooLarge, "larger than this wirebook takes (4096 bytes)"},
		{"state that is not JSON is a 400", slug, "html", `{"v":1,`, http.StatusBadRequest, "not the JSON the page writes"},
		{"an unknown version is a 400", slug, "ipynb", `{"v":7,"cells":[]}`, http.StatusBadRequest, "v is 7, and this wirebook reads v 1"},
		{"an unknown format is a 400", slug, "pdf", "", http.StatusBadRequest, `Unknown export format "pdf": want html, ipynb or hurl.`},
		{"no format is a 400", slug, "", "", http.StatusBadRequest, "The export form names no format: want html, ipynb or hurl."},
		{"an unknown lesson is a 404", "nope", "html", "", http.StatusNotFound, "This course has no lesson nope to export."},
	} {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			body, ct := multipartForm(t, map[string]string{"format": row.format, "state": row.state})
			resp, err := http.Post(srv.URL+"/export/"+row.path, ct, body)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, _ := io.ReadAll(resp.Body)
			b := html.UnescapeString(string(raw)) // the error page escapes the message
			if resp.StatusCode != row.status {
				t.Errorf("status %d, want %d: %s", resp.StatusCode, row.status, b)
			}
			if !strings.Contains(b, row.says) {
				t.Errorf("the answer does not say %q:\n%s", row.says, b)
			}
			if row.status != http.StatusNotFound && !strings.Contains(b, "your work is still saved in your browser") {
				t.Errorf("the answer does not say the work is safe:\n%s", b)
			}
			if resp.Header.Get("Content-Disposition") != "" {
				t.Error("a refusal is an attachment; the student would not see it")
			}
			if got := resp.Header.Get("Content-Type"); got != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q, want the error page", got)
			}
		})
	}
}
