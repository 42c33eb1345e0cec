// Package course serves the endpoints of the "Introduction to HTTP using
// Python" course: the Flask app of port 2505 (/hello, /greeting, /stream,
// /redirect, /notfound, /json), the Basic-auth app of port 2502 (/secure) and
// the http.server request echo of port 2504.
//
// Each endpoint lives in its own file, and each handler is short on purpose:
// the lesson page cuts each handler marked with a wirebook:snippet
// directive out of the source and shows it to students beside the cell that
// calls it. Which path and methods each handler answers is said in one place,
// wirebook's server/routes.go.
package course
