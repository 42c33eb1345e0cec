// Package harness is what wirebook's tools (bench, soak) and its
// end-to-end tests share to drive a wirebook from outside: start the
// built binary as a child and read its log, the list of endpoints a
// lecture hits, crowds of clients and viewers, the resident memory of a
// process, and the one Go client of /ws/relay.
//
// It speaks to wirebook only over the network and through its log, as a
// teacher's browser and terminal do; it imports nothing of the server but
// the frames both sides share (wirebook/server/wireproto).
package harness
