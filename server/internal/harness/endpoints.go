package harness

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Endpoint is one request a lecture sends, and the status wirebook is
// designed to answer it with.
type Endpoint struct {
	Method, Target string
	Headers        []string // "Name: value"
	Body           string
	Status         int
	// Bcrypt marks a request that checks a password on purpose: each costs
	// a bcrypt hash, so a load that means to measure everything else
	// leaves it out (see Cheap).
	Bcrypt bool
}

func (e Endpoint) String() string { return e.Method + " " + e.Target }

// DemoUser and DemoPassword are the course's one user (server/course's
// DemoUsers; the password is printed in the course notebook).
const (
	DemoUser     = "David"
	DemoPassword = "4bYaDZCFsTY4"
)

// Endpoints are the course's answers a lecture hits most, plus the page and
// an asset: one of each kind of handler, text, JSON from a query and from a
// form, the echo page, a file, a listing, a redirect, a 404, a 401, and the
// demo user's login.
var Endpoints = []Endpoint{
	{Method: "GET", Target: "/hello", Status: 200},
	{Method: "GET", Target: "/greeting?lang=fr", Headers: []string{"X-INE-Student: Ana"}, Status: 200},
	{Method: "GET", Target: "/json?name=David&title=Instructor", Status: 200},
	{Method: "POST", Target: "/json", Headers: []string{"Content-Type: application/x-www-form-urlencoded"},
		Body: "name=Ana&title=Data+Scientist", Status: 200},
	{Method: "GET", Target: "/echo/x", Status: 200},
	{Method: "GET", Target: "/files/greetings.txt", Status: 200},
	{Method: "GET", Target: "/files/", Status: 200},
	{Method: "GET", Target: "/", Status: 200},
	{Method: "GET", Target: "/static/app.css", Status: 200},
	{Method: "GET", Target: "/redirect", Status: 301},
	{Method: "GET", Target: "/notfound", Status: 404},
	{Method: "GET", Target: "/secure", Status: 401},
	{Method: "GET", Target: "/secure", Headers: []string{BasicAuth(DemoUser, DemoPassword)}, Status: 200, Bcrypt: true},
}

// Cheap is the endpoints that check no password.
func Cheap(es []Endpoint) []Endpoint {
	var out []Endpoint
	for _, e := range es {
		if !e.Bcrypt {
			out = append(out, e)
		}
	}
	return out
}

// BasicAuth is the Authorization header line for user and password.
func BasicAuth(user, password string) string {
	r := &http.Request{Header: http.Header{}}
	r.SetBasicAuth(user, password)
	return "Authorization: " + r.Header.Get("Authorization")
}

// Request is e's request to base.
func (e Endpoint) Request(ctx context.Context, base string) (*http.Request, error) {
	var body io.Reader
	if e.Body != "" {
		body = strings.NewReader(e.Body)
	}
	req, err := http.NewRequestWithContext(ctx, e.Method, base+e.Target, body)
	if err != nil {
		return nil, err
	}
	for _, h := range e.Headers {
		name, value, _ := strings.Cut(h, ":")
		req.Header.Set(name, strings.TrimSpace(value))
	}
	return req, nil
}

// Do sends e once with client, reads the whole answer, and returns its
// status; a status other than e's is an error.
func (e Endpoint) Do(ctx context.Context, client *http.Client, base string) (int, error) {
	req, err := e.Request(ctx, base)
	if err != nil {
		return 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return resp.StatusCode, fmt.Errorf("reading the body: %w", err)
	}
	if resp.StatusCode != e.Status {
		return resp.StatusCode, fmt.Errorf("status %d, want %d", resp.StatusCode, e.Status)
	}
	return resp.StatusCode, nil
}

// Preflight sends each endpoint once, so a wrong expectation shows as one
// clear line instead of thousands of errors.
func Preflight(ctx context.Context, base string, es []Endpoint) error {
	client := NewClient(1, nil)
	defer client.CloseIdleConnections()
	var problems []error
	for _, e := range es {
		if _, err := e.Do(ctx, client, base); err != nil {
			problems = append(problems, fmt.Errorf("%v: %w", e, err))
		}
	}
	return errors.Join(problems...)
}
