// Package student is a deliberately wrong "student server" for the tests of
// wirebook check: the course's four Python servers as a student might
// write them, on four loopback listeners standing for the course ports. It
// has exactly four faults, which check must find and nothing else:
//
//   - /greeting answers 500 to a language it does not know (Python's
//     KeyError), where the course answers 400;
//   - /hello is labelled text/html (Flask's default), not text/plain;
//   - no answer carries the X-INE-Course header;
//   - /greeting ignores lang and always greets in English.
package student

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"testing"

	"wirebook/server/rawhead"

	"wirebook/web"
)

// Server is the four listeners, on Host.
type Server struct {
	Host                   string
	Auth, Files, Echo, App int
}

// Ports is the -course-ports value that reaches s: "auth,files,echo,app".
func (s *Server) Ports() string {
	return fmt.Sprintf("%d,%d,%d,%d", s.Auth, s.Files, s.Echo, s.App)
}

// Start starts the four servers on 127.0.0.1; they close when tb ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	port := func(h http.Handler) int {
		srv := httptest.NewUnstartedServer(h)
		// Its echo shows a head as it arrived, as Python's http.server does.
		srv.Listener = rawhead.Record(srv.Config, srv.Listener)
		srv.Start()
		tb.Cleanup(srv.Close)
		_, p, _ := net.SplitHostPort(srv.Listener.Addr().String())
		n, _ := strconv.Atoi(p)
		return n
	}
	return &Server{
		Host:  "127.0.0.1",
		Auth:  port(http.HandlerFunc(secure)),
		Files: port(files()),
		Echo:  port(http.HandlerFunc(echo)),
		App:   port(app()),
	}
}

// Password is David's password on /secure, as the course prints it.
const Password = "4bYaDZCFsTY4"

func secure(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/secure" {
		notFound(w)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	user, pass, ok := r.BasicAuth()
	if !ok || user != "David" || pass != Password {
		w.Header().Set("WWW-Authenticate", `Basic realm="Authentication Required"`)
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, "Unauthorized Access")
		return
	}
	io.WriteString(w, "Hello, "+user+"!")
}

// files is python -m http.server run in the course's folder: the same
// sample files wirebook serves, and its own HTML error page.
func files() http.Handler {
	root := web.Sample()
	fileServer := http.FileServerFS(root)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.Trim(r.URL.Path, "/")
		if name == "" {
			name = "."
		}
		if _, err := fs.Stat(root, name); err != nil {
			notFound(w)
			return
		}
		fileServer.ServeHTTP(w, r)
	})
}

// notFound is http.server's error page.
func notFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html;charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	io.WriteString(w, "<!DOCTYPE HTML>\n<html lang=\"en\">\n<head><title>Error response</title></head>\n<body>\n<h1>Error response</h1>\n<p>Error code: 404</p>\n<p>Message: File not found.</p>\n</body>\n</html>\n")
}

// echo is the course's http.server handler, without X-INE-Course.
func echo(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html")
	if head, ok := rawhead.Of(r); ok {
		fmt.Fprintf(w, "<html><body><h3>Request details:</h3>\n<p>You accessed path: %s</p>\n<pre>%s</pre></body></html>\n",
			html.EscapeString(r.URL.Path), html.EscapeString(head))
		return
	}
	fmt.Fprintf(w, "<html><body><h3>Request details:</h3>\n<p>You accessed path: %s</p>\n<pre>%s %s %s\nHost: %s\n",
		html.EscapeString(r.URL.Path), r.Method, html.EscapeString(r.RequestURI), r.Proto, html.EscapeString(r.Host))
	names := make([]string, 0, len(r.Header))
	for name := range r.Header {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, v := range r.Header[name] {
			fmt.Fprintf(w, "%s: %s\n", name, html.EscapeString(v))
		}
	}
	io.WriteString(w, "</pre></body></html>\n")
}

var greetings = map[string]string{"en": "Hello", "fr": "Bonjour", "zh": "Nǐn hǎo"}

func app() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /hello", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8") // fault: Flask's default
		io.WriteString(w, "Hello")
	})
	mux.HandleFunc("GET /greeting", func(w http.ResponseWriter, r *http.Request) {
		lang := r.URL.Query().Get("lang")
		if lang == "" {
			lang = "en"
		}
		if _, ok := greetings[lang]; !ok {
			// fault: greetings[lang] raised KeyError
			http.Error(w, "Internal Server Error", http.StatusInternalServerError)
			return
		}
		who := r.Header.Get("X-INE-Student")
		if who == "" {
			who = "Student"
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, greetings["en"]+" "+who+"!") // fault: lang is looked up, then ignored
	})
	mux.HandleFunc("GET /redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://kdm.training", http.StatusMovedPermanently)
	})
	mux.HandleFunc("GET /notfound", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, "<h1>Not Found</h1><p>The requested URL was not found on the server.</p>")
	})
	mux.HandleFunc("/json", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		out := map[string]string{"Server": "Test Server"}
		for k, vs := range r.Form {
			out[k] = vs[0]
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(out)
	})
	mux.HandleFunc("GET /stream", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		for _, g := range []string{"Hello", "Bonjour", "Nǐn hǎo"} {
			io.WriteString(w, g+"\n")
			w.(http.Flusher).Flush()
		}
	})
	return mux
}
