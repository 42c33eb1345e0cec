package render

import "wirebook/wasm/jsonview"

// jsonOpenDepth is how deep the JSON view starts unfolded: enough for any
// answer of the course, while a large document opens as an outline.
const jsonOpenDepth = 3

// JSONView is a JSON body pretty-printed with every object and array a
// <details> that folds it. The text reads as JSON: keys, strings and
// numbers exactly as sent, commas and brackets where they belong.
//
//	<div class="json">
//	  <details open class="j-obj"><summary data-n="2 keys">{</summary>
//	    <div class="j-item"><span class="j-key">"name"</span>: <span class="j-str">"David"</span>,</div>
//	    …
//	  }</details>
//	</div>
func JSONView(v *jsonview.Value) *Node {
	return El("div", A("class", "json"), jsonNode(v, 0))
}

func jsonNode(v *jsonview.Value, depth int) *Node {
	var open, close, class, unit string
	switch v.Kind {
	case jsonview.Object:
		open, close, class, unit = "{", "}", "j-obj", "key"
	case jsonview.Array:
		open, close, class, unit = "[", "]", "j-arr", "item"
	default:
		return El("span", A("class", jsonClass(v.Kind)), Text(v.Text))
	}
	if len(v.Items) == 0 {
		return El("span", A("class", class), Text(open+close))
	}
	n := itoa(len(v.Items)) + " " + unit
	if len(v.Items) != 1 {
		n += "s"
	}
	attrs := A("class", class)
	if depth < jsonOpenDepth {
		attrs = append(attrs, "open", "")
	}
	d := El("details", attrs, El("summary", A("data-n", n+" "+close), Text(open)))
	for i, item := range v.Items {
		row := El("div", A("class", "j-item"))
		if v.Kind == jsonview.Object {
			row.Kids = append(row.Kids, El("span", A("class", "j-key"), Text(v.Keys[i])), Text(": "))
		}
		row.Kids = append(row.Kids, jsonNode(item, depth+1))
		if i < len(v.Items)-1 {
			row.Kids = append(row.Kids, Text(","))
		}
		d.Kids = append(d.Kids, row)
	}
	d.Kids = append(d.Kids, Text(close))
	return d
}

func jsonClass(k jsonview.Kind) string {
	switch k {
	case jsonview.String:
		return "j-str"
	case jsonview.Number:
		return "j-num"
	case jsonview.Bool:
		return "j-bool"
	}
	return "j-null"
}
