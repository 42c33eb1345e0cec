package render

// ReallyReset is what the Reset lesson button says while it waits for the
// second click. The page asks in place, not with confirm(): a modal dialog
// blocks the page and its tests treat one as a bug.
const ReallyReset = "Really reset? click again"

// ConfirmMS is how long a first click waits for the second.
const ConfirmMS = 4000

// TwoClick is a button that acts on its second click within ConfirmMS of the
// first. Every arming has its own number, so the timer of an arming that
// already acted cannot disarm a later one.
type TwoClick struct {
	armed bool
	gen   int
}

// Click reports whether this click acts. When it does not, the button is
// now armed, and gen is what its timer passes to Expire.
func (t *TwoClick) Click() (act bool, gen int) {
	if t.armed {
		t.armed = false
		return true, t.gen
	}
	t.armed = true
	t.gen++
	return false, t.gen
}

// Expire disarms the arming gen if it still waits, and reports whether it did
// (the button's label goes back).
func (t *TwoClick) Expire(gen int) bool {
	if !t.armed || gen != t.gen {
		return false
	}
	t.armed = false
	return true
}
