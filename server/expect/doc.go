// Package expect parses and checks the expectations a lesson cell may carry
// after its request, in the grammar of Hurl
// (https://hurl.dev/docs/asserting-response.html), so an instructor who
// knows Hurl learns nothing new and a block pasted into a .hurl file runs
// in Hurl unchanged. wirebook reads a strict subset of Hurl: what it does
// not evaluate is refused by name at parse time, never skipped.
//
// # Grammar
//
// A block starts with the status line, then optional header lines, then an
// optional [Asserts] section with one assert per line. Blank lines and
// comments (# to the end of the line) may go anywhere:
//
//	HTTP 200                 # the status; HTTP/1.0, HTTP/1.1, HTTP/2, HTTP/3 also check the version
//	HTTP *                   # any status
//	Content-Type: text/plain # a header line: one of the Content-Type values equals text/plain
//	[Asserts]
//
// An assert is a query, an optional count, an optional not, a predicate and
// its value. Queries:
//
//	status == 200                         # the status code
//	header "Content-Type" contains "text" # a header, its name matched case-insensitively
//	body contains "Hello"                 # the body as text (UTF-8)
//	jsonpath "$.tags[0]" exists           # a value in a JSON body: $, .name, ['na-me'], [N]
//	duration < 1000                       # milliseconds from request to full response
//	bytes count == 13                     # the body's size in bytes
//	header "Vary" count == 2              # how many Vary headers
//	jsonpath "$.tags" count == 3          # how many items in a JSON list
//
// Predicates, each negated by a leading not:
//
//	jsonpath "$.name" == "David"          # equal: strings, numbers (3 == 3.0), true, false, null
//	header "Server" != "Apache"           # not equal
//	jsonpath "$.count" > 2                # greater; also >=, <, <= (numbers only)
//	body contains "Hello"                 # substring
//	body startsWith "<!DOCTYPE"           # prefix
//	body endsWith "</html>\n"             # suffix
//	body matches /Bonjour|Hello/          # a regex (Go's RE2 syntax); also matches "\\d+"
//	header "Set-Cookie" not exists        # the query gives a value, or not
//	jsonpath "$.count" isInteger          # an integer: 3, not 3.0
//	jsonpath "$.ratio" isFloat            # a float: 0.5 or 3.0
//	jsonpath "$.ok" isBoolean             # true or false
//	jsonpath "$.name" isString            # a string (every header and body is one)
//	jsonpath "$.tags" isCollection        # a JSON list or object
//	jsonpath "$.tags" isEmpty             # an empty list, object or string
//	body not contains "Traceback"         # not before any predicate
//
// Strings are in double quotes with Hurl's escapes \" \\ \/ \# \` \b \f \n
// \r \t and \u{e9}; a raw tab inside quotes is an error, as in Hurl. In
// /regex/, \/ is a slash and any other backslash belongs to the regex.
// Numbers are integers (-3) or floats (2.5); the other values are true,
// false and null.
//
// # Meaning
//
//   - A header sent several times gives several values: a predicate passes
//     if any value passes it, and not passes if none does. count gives how
//     many values there are. Hurl differs here: it gives a list for several
//     values (== "x" fails on a list; it has includes for that) and a plain
//     string for one (count fails on it), so write such checks to pass in
//     both, or prefer the implicit "Name: value" line, which means "any
//     value" in Hurl too.
//   - A query that gives nothing (a missing header, a jsonpath that matches
//     nothing) passes only not exists; every other predicate fails, with or
//     without not, as in Hurl. So does a predicate that cannot test the
//     value's type (matches on a number).
//   - A body cut short by the caller (Response.Truncated) fails every body,
//     bytes and jsonpath check, saying so in Result.Got.
//   - A body that is not JSON fails every jsonpath check.
//
// # Not supported
//
// Refused with a message naming them: the queries xpath, cookie, url,
// regex, sha256, md5, variable, certificate, ip, redirects, version; every
// filter but count; the predicates includes, isNumber, isDate, isIsoDate,
// isIpv4, isIpv6, isUuid, isList, isObject and the old word forms equals,
// greaterThan, …; hex, base64, file and ``` values; templates {{…}};
// jsonpath's .., *, filters, slices, unions and negative indexes; the
// [Captures] section; a response body after the sections.
package expect
