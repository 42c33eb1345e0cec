package render

// Announcement is the one line a screen reader hears when a cell's run
// ends: "Cell 3: HTTP/1.1 200 OK 1.2 ms 5 bytes via the server (wire)."
// shown is the status line of the run's output as the page shows it
// (status, time and size), or both joined by "; " in a compare. Only this
// goes to the page's live region; the headers and the body (every chunk of
// a stream) are there to read, not to be read out after each run. A run
// that failed before any answer says so in a word: its error, a role=alert
// in the cell, speaks for itself.
//
// The client reads the status lines back from the page rather than
// building this from the run's Final: that measured about 450 bytes of
// brotli app.wasm smaller.
func Announcement(cell int, state, shown string) string {
	line := "Cell " + itoa(cell) + ": " + shown
	switch {
	case shown == "":
		line += state
	case state == "error":
		line += "; ended with an error"
	}
	return line + "."
}
