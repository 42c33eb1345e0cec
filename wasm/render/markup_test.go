package render

import (
	"reflect"
	"testing"
)

func TestMarkupMakesWhatElAndTextMake(t *testing.T) {
	t.Parallel()
	rows := []struct {
		name string
		got  *Node
		want *Node
	}{
		{
			name: "nested elements, bare and valued attributes, text between",
			got:  Markup(`<p class=out-meta><span data-status data-code=301>moved</span> <span data-time class=out-num>…</span></p>`),
			want: El("p", A("class", "out-meta"),
				El("span", A("data-status", "", "data-code", "301"), Text("moved")), Text(" "),
				El("span", A("data-time", "", "class", "out-num"), Text("…"))),
		},
		{
			name: "a quoted value keeps its spaces",
			got:  Markup(`<div class="status status-2xx" role=img></div>`),
			want: El("div", A("class", "status status-2xx", "role", "img")),
		},
		{
			name: "arguments fill values and texts and are never parsed",
			got:  Markup(`<li data-at=$0 title=$1>$2</li>`, "12", `"><script>`, "<b>bold</b> $0"),
			want: El("li", A("data-at", "12", "title", `"><script>`), Text("<b>bold</b> $0")),
		},
		{
			name: "an empty argument is an empty value or text",
			got:  Markup(`<div data-kind=$0>$1</div>`, "", ""),
			want: El("div", A("data-kind", ""), Text("")),
		},
		{
			name: "a dollar that is not a whole value is literal",
			got:  Markup(`<span title=$10>costs $1 each</span>`, "a", "b"),
			want: El("span", A("title", "$10"), Text("costs $1 each")),
		},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			if !reflect.DeepEqual(row.got, row.want) {
				t.Errorf("Markup made\n  %s\nwant\n  %s", dump(row.got), dump(row.want))
			}
		})
	}
}

// dump writes a node tree back as markup, for failure messages.
func dump(n *Node) string {
	if n.Tag == "" {
		return "«" + n.Text + "»"
	}
	s := "<" + n.Tag
	for _, a := range n.Attrs {
		s += " " + a.Name + "=«" + a.Value + "»"
	}
	s += ">"
	for _, k := range n.Kids {
		s += dump(k)
	}
	return s + "</" + n.Tag + ">"
}
