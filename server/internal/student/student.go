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
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"testing"
	"testing/fstest"
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
		srv := httptest.NewServer(h)
		tb.Cleanup(srv.Close)
		_, p, _ := net.SplitHostPort(srv.Listener.Addr().String())
		n, _ := strconv.Atoi(p)
		return n
	}
	return &Server{
		Host:  "127.0.0.1",
		Auth:  port(http.HandlerFunc(secure)),
		Files: port(http.FileServerFS(files)),
		Echo:  port(http.HandlerFunc(echo)),
		App:   port(app()),
	}
}

// Password is David's password on /secure, as the course prints it.
const Password = "4bYaDZCFsTY4"

func secure(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/secure" {
		http.NotFound(w, r)
		return
	}
	user, pass, ok := r.BasicAuth()
	if !ok || user != "David" || pass != Password {
		w.Header().Set("WWW-Authenticate", `Basic realm="Login Required"`)
		http.Error(w, "Could not verify your login", http.StatusUnauthorized)
		return
	}
	io.WriteString(w, "Hello "+user)
}

var files = fstest.MapFS{
	"greetings.txt": {Data: []byte("Hello\nBonjour\nNǐn hǎo\n")},
	"hello.html":    {Data: []byte("<!DOCTYPE html><title>Hello</title><h1>Hello</h1>\n")},
}

// echo is http.server's handler of the course, without X-INE-Course.
func echo(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html")
	fmt.Fprintf(w, "%s %s %s\nHost: %s\n", r.Method, r.RequestURI, r.Proto, r.Host)
	names := make([]string, 0, len(r.Header))
	for name := range r.Header {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, v := range r.Header[name] {
			fmt.Fprintf(w, "%s: %s\n", name, v)
		}
	}
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
		http.Error(w, "Not Found", http.StatusNotFound)
	})
	mux.HandleFunc("/json", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		out := map[string]string{"Server": "student"}
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
