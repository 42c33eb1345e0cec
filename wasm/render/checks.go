package render

import "wirebook/server/wireproto"

// ChecksNode shows the verdicts of one run, one [data-expect] row per
// expectation in the order the cell wrote them: pass or fail, the
// expectation as written, and for a failure what came back beside what was
// wanted. The server checked them (the wire transport's check frame); this
// only lays them out.
func ChecksNode(cs []wireproto.CheckResult) *Node {
	passed, _ := Verdict(cs)
	list := El("ul", nil)
	for _, c := range cs {
		result, mark := "pass", "✓ pass "
		if !c.Pass {
			result, mark = "fail", "✗ fail "
		}
		row := El("li", A("data-expect", "", "data-result", result, "data-line", itoa(c.Line)),
			El("span", A("class", "verdict"), Text(mark)), El("code", nil, Text(c.Text)))
		if !c.Pass {
			row.Kids = append(row.Kids, El("dl", nil,
				El("dt", nil, Text("got")), El("dd", A("data-got", ""), Text(orEmpty(c.Got))),
				El("dt", nil, Text("want")), El("dd", A("data-want", ""), Text(orEmpty(c.Want)))))
		}
		list.Kids = append(list.Kids, row)
	}
	return El("div", A("class", "checks", "data-checks", ""),
		El("p", A("data-checks-sum", ""), Text(Progress(passed, len(cs)))), list)
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
	return El("p", A("class", "expect-note", "data-expect-note", ""),
		Text("Not checked: the checks run on the wire transport. Choose wire and run it again."))
}
