package render

import "wirebook/server/wireproto"

// ChecksNode shows the verdicts of one run, one [data-expect] row per
// expectation in the order the cell wrote them: pass or fail, the
// expectation as written, and for a failure what came back beside what was
// wanted. The server checked them (the wire transport's check frame); this
// only lays them out.
func ChecksNode(cs []wireproto.CheckResult) *Node {
	passed, _ := Verdict(cs)
	n := Markup(`<div class=checks data-checks><p data-checks-sum>$0</p><ul></ul></div>`, Progress(passed, len(cs)))
	ul := n.Kids[1]
	for _, c := range cs {
		row := `<li data-expect data-result=pass data-line=$0><span class=verdict>✓ pass </span><code>$1</code></li>`
		if !c.Pass {
			row = `<li data-expect data-result=fail data-line=$0><span class=verdict>✗ fail </span><code>$1</code>` +
				`<dl><dt>got</dt><dd data-got>$2</dd><dt>want</dt><dd data-want>$3</dd></dl></li>`
		}
		ul.Kids = append(ul.Kids, Markup(row, itoa(c.Line), c.Text, orEmpty(c.Got), orEmpty(c.Want)))
	}
	return n
}

// orEmpty shows an empty value as something a reader can see.
func orEmpty(s string) string {
	if s == "" {
		return "(empty)"
	}
	return s
}

// Verdict counts the checks of one run that passed, and whether all did.
// A run with no checks has not passed anything: an exercise is solved by
// its checks, not by their absence.
func Verdict(cs []wireproto.CheckResult) (passed int, all bool) {
	for _, c := range cs {
		if c.Pass {
			passed++
		}
	}
	return passed, len(cs) > 0 && passed == len(cs)
}

// Progress is the lesson header's count, "17 of 20 checks pass".
func Progress(passed, total int) string {
	return itoa(passed) + " of " + itoa(total) + " checks pass"
}

// WireOnlyNode is what a cell with expectations shows after a run that
// had no server to check it (the browser transport): the page does not
// judge answers itself.
func WireOnlyNode() *Node {
	return Markup(`<p class=expect-note data-expect-note>Not checked: the checks run on the wire transport. Choose wire and run it again.</p>`)
}
