package codegen

import (
	"strings"

	"wirebook/server/wireproto"
)

// Curl returns the curl command line that sends r, resolved against base
// (see Request.URL), for a POSIX shell. It shows the answer as body says:
// -i prints the head and the body; -N with it prints a stream as it comes;
// -D - -o NAME prints the head and saves the body to the file NAME. Every
// argument that is not a plain word is single-quoted, so the command is safe
// to paste whatever the cell holds. The result has no trailing newline.
//
// A body with a NUL byte cannot be written on a command line at all; such a
// command is not faithful.
func Curl(r wireproto.Request, base string, body Body) string {
	url := urlOrTarget(r, base)
	var b strings.Builder
	b.WriteString("curl")
	b.WriteString(curlOutput(r, url, forMethod(r.Method, body)))
	b.WriteString(curlMethod(r))
	if strings.ContainsAny(url, "[]{}") {
		// Without -g, curl reads "[1-3]" and "{a,b}" in a URL as globs.
		b.WriteString(" -g")
	}
	b.WriteByte(' ')
	b.WriteString(shellQuote(url))
	for _, a := range curlArgs(r) {
		b.WriteString(" \\\n  ")
		b.WriteString(a)
	}
	return b.String()
}

// curlOutput returns the options that say where the answer goes.
func curlOutput(r wireproto.Request, url string, body Body) string {
	switch {
	case r.Method == "HEAD" && r.Body == "":
		// -X HEAD leaves curl waiting for a body that never comes; -I is
		// curl's own way to send HEAD (and it shows the headers).
		return " -I"
	case body == Stream:
		// Without -N curl holds what arrives in its buffer, and a stream
		// that goes to a pipe shows up in bursts or only at the end.
		return " -i -N"
	case body == Save:
		// -i would write the head into the file too: -D - prints it instead.
		return " -D - -o " + shellWord(fileName(url))
	}
	return " -i"
}

// curlMethod returns -X and the method, unless curl says it by itself.
func curlMethod(r wireproto.Request) string {
	switch {
	case r.Method == "HEAD" && r.Body == "": // -I
	// curl infers GET, and POST once it has data; saying so with -X only
	// draws a warning from it.
	case r.Method == "GET" && r.Body == "":
	case r.Method == "POST" && r.Body != "":
	default:
		return " -X " + shellWord(r.Method)
	}
	return ""
}

// curlArgs returns the credentials, headers and body as options, each with
// its value quoted, for one line each.
func curlArgs(r wireproto.Request) []string {
	var args []string
	arg := func(flag, v string) { args = append(args, flag+" "+shellQuote(v)) }
	user, pass, auth := basicAuth(r.Headers)
	if auth >= 0 {
		arg("-u", user+":"+pass)
	}
	for i, h := range r.Headers {
		switch {
		case i == auth:
		case h.Value == "":
			// "-H 'Name:'" tells curl to drop a header; "Name;" sends it empty.
			arg("-H", h.Name+";")
		default:
			arg("-H", h.Name+": "+h.Value)
		}
	}
	switch {
	case r.Body == "":
	case r.Body[0] == '@':
		// --data-binary @x would send the file x; --data-raw takes it literally.
		arg("--data-raw", r.Body)
	default:
		arg("--data-binary", r.Body)
	}
	return args
}

// shellQuote single-quotes s for a POSIX shell: inside single quotes nothing
// is special except the quote itself, which is closed, escaped and reopened.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// shellWord leaves a method such as PUT bare, as people write it, and quotes
// one holding a token character the shell would act on (' $ & | ` ...).
func shellWord(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return shellQuote(s)
		}
	}
	if s == "" {
		return "''"
	}
	return s
}
