package render

import "strings"

// Markup builds the Node tree that src, a fixed piece of HTML written in
// this package, describes, with $0 … $9 filled in from args. It makes the
// same nodes as nested El and Text calls, for fewer bytes: compiled to
// WebAssembly, every call site costs code (ten El calls weigh about 3 KiB),
// while a Markup string costs its length, and compresses well.
//
// The source is trusted and deliberately small: elements written
// <tag name name=value name="a value"> … </tag> (every element closed, no
// '>' inside a value), and text between them. An argument is never parsed:
// "$N" standing alone as an attribute value or as a whole run of text
// becomes args[N] as it is, so it can hold anything, markup included, and
// still only ever be an attribute value or a text node.
//
// It returns the first top-level node.
func Markup(src string, args ...string) *Node {
	root := &Node{}
	stack := []*Node{root}
	for src != "" {
		top := stack[len(stack)-1]
		if src[0] != '<' {
			i := strings.IndexByte(src, '<')
			if i < 0 {
				i = len(src)
			}
			top.Kids = append(top.Kids, Text(fill(src[:i], args)))
			src = src[i:]
			continue
		}
		end := strings.IndexByte(src, '>')
		tag := src[1:end]
		src = src[end+1:]
		if tag[0] == '/' {
			stack = stack[:len(stack)-1]
			continue
		}
		name, rest, _ := strings.Cut(tag, " ")
		n := &Node{Tag: name}
		for rest = strings.TrimLeft(rest, " "); rest != ""; rest = strings.TrimLeft(rest, " ") {
			i := strings.IndexAny(rest, "= ")
			if i < 0 {
				i = len(rest)
			}
			key, value := rest[:i], ""
			rest = rest[i:]
			if rest != "" && rest[0] == '=' {
				stop := " "
				if rest = rest[1:]; rest != "" && rest[0] == '"' {
					rest, stop = rest[1:], `"`
				}
				j := strings.Index(rest, stop)
				if j < 0 {
					j = len(rest)
				}
				value, rest = rest[:j], rest[min(j+1, len(rest)):]
			}
			n.Attrs = append(n.Attrs, Attr{key, fill(value, args)})
		}
		top.Kids = append(top.Kids, n)
		stack = append(stack, n)
	}
	return root.Kids[0]
}

// fill is args[N] for "$N", or s itself.
func fill(s string, args []string) string {
	if len(s) == 2 && s[0] == '$' && '0' <= s[1] && s[1] <= '9' {
		return args[s[1]-'0']
	}
	return s
}
