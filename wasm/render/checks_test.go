package render

import (
	"testing"

	"wirebook/server/wireproto"
)

func TestChecksNode(t *testing.T) {
	t.Parallel()
	cs := []wireproto.CheckResult{
		{Line: 1, Pass: true, Text: "HTTP 200", Got: "200", Want: "200"},
		{Line: 3, Pass: false, Text: `header "Content-Type" contains "text/plain"`, Got: "text/html; charset=utf-8", Want: `contains "text/plain"`},
		{Line: 4, Pass: false, Text: `body == ""`, Got: "", Want: `""`},
	}
	n := ChecksNode(cs)
	if sum := n.Find("data-checks-sum"); sum == nil || sum.TextContent() != "1 of 3 checks pass" {
		t.Fatalf("summary %v, want 1 of 3 checks pass", sum)
	}
	var rows []*Node
	var walk func(*Node)
	walk = func(n *Node) {
		if _, ok := n.Attr("data-expect"); ok {
			rows = append(rows, n)
		}
		for _, k := range n.Kids {
			walk(k)
		}
	}
	walk(n)
	if len(rows) != 3 {
		t.Fatalf("%d [data-expect] rows, want 3", len(rows))
	}
	for i, want := range []struct{ result, line, got, want string }{
		{"pass", "1", "", ""},
		{"fail", "3", "text/html; charset=utf-8", `contains "text/plain"`},
		{"fail", "4", "(empty)", `""`},
	} {
		r := rows[i]
		if got, _ := r.Attr("data-result"); got != want.result {
			t.Errorf("row %d: data-result %q, want %q", i, got, want.result)
		}
		if got, _ := r.Attr("data-line"); got != want.line {
			t.Errorf("row %d: data-line %q, want %q", i, got, want.line)
		}
		if code := r.Kids[1]; code.Tag != "code" || code.TextContent() != cs[i].Text {
			t.Errorf("row %d: expectation %q, want %q", i, code.TextContent(), cs[i].Text)
		}
		g, w := r.Find("data-got"), r.Find("data-want")
		if want.result == "pass" {
			if g != nil || w != nil {
				t.Errorf("row %d: a pass shows got/want", i)
			}
			continue
		}
		if g == nil || w == nil || g.TextContent() != want.got || w.TextContent() != want.want {
			t.Errorf("row %d: got/want %v %v, want %q %q", i, g, w, want.got, want.want)
		}
	}
}

func TestVerdict(t *testing.T) {
	t.Parallel()
	pass := wireproto.CheckResult{Pass: true}
	fail := wireproto.CheckResult{}
	rows := []struct {
		name   string
		cs     []wireproto.CheckResult
		passed int
		all    bool
	}{
		{"every check passed solves it", []wireproto.CheckResult{pass, pass}, 2, true},
		{"one failure does not", []wireproto.CheckResult{pass, fail}, 1, false},
		{"no checks solve nothing", nil, 0, false},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			if passed, all := Verdict(row.cs); passed != row.passed || all != row.all {
				t.Errorf("Verdict = %d, %v; want %d, %v", passed, all, row.passed, row.all)
			}
		})
	}
	if got := Progress(17, 20); got != "17 of 20 checks pass" {
		t.Errorf("Progress = %q", got)
	}
}
