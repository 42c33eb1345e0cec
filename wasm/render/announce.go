package render

// Shown is what one output of a run shows in its status line, as the page
// has it: its transport and status, and its time and size once known.
type Shown struct {
	Via, Status, Time, Size string
}

// Announcement is the one line a screen reader hears when a cell's run
// ends: "Cell 3: 200 OK, 1.2 ms, 5 bytes." Only this goes to the page's
// live region; the headers and the body (every chunk of a stream, when the
// whole output was live) are there to read, not to be read out after each
// run. state is the cell's data-state, outs its outputs (two in a compare).
// A run that failed before any answer says so; its error, a role=alert in
// the cell, speaks for itself.
func Announcement(cell int, state string, outs []Shown) string {
	line := "Cell " + itoa(cell) + ": "
	for i, o := range outs {
		if i > 0 {
			line += "; "
		}
		if len(outs) > 1 {
			line += viaName(o.Via) + " "
		}
		line += o.Status
		for _, s := range [...]string{o.Time, o.Size} {
			if s != "" && s != "…" {
				line += ", " + s
			}
		}
	}
	switch {
	case len(outs) == 0 && state == "error":
		line += "error"
	case len(outs) == 0:
		line += state
	case state == "error":
		line += "; ended with an error"
	}
	return line + "."
}
