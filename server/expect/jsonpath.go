package expect

import (
	"encoding/json"
	"strconv"
	"strings"
)

// jsonStep is one step of a jsonpath: a member name or an array index.
type jsonStep struct {
	name  string
	index int
	isIdx bool
}

// parseJSONPath reads the subset of JSONPath (RFC 9535, which Hurl
// follows) wirebook evaluates: $ then
// .name, ['name'] or ["name"], and [N]. Every path in the subset names at
// most one value, so a query gives one value or nothing, never a list.
func parseJSONPath(p string) ([]jsonStep, string) {
	if !strings.HasPrefix(p, "$") {
		return nil, "must start with $, e.g. $.name"
	}
	var steps []jsonStep
	i := 1
	for i < len(p) {
		switch {
		case strings.HasPrefix(p[i:], ".."):
			return nil, "recursive descent (..) is not supported by wirebook"
		case p[i] == '.':
			j := i + 1
			for j < len(p) && (isNameByte(p[j]) || (j > i+1 && '0' <= p[j] && p[j] <= '9')) {
				j++
			}
			if j == i+1 {
				if j < len(p) && p[j] == '*' {
					return nil, "wildcards (*) are not supported by wirebook"
				}
				return nil, "a name must follow . (write ['name'] for a name starting with a digit or holding other characters)"
			}
			if j < len(p) && p[j] != '.' && p[j] != '[' {
				return nil, "unexpected " + strconv.Quote(p[j:j+1]) + " in a name (write ['" + p[i+1:] + "'] for names with other characters)"
			}
			steps = append(steps, jsonStep{name: p[i+1 : j]})
			i = j
		case p[i] == '[':
			step, n, msg := parseBracket(p[i:])
			if msg != "" {
				return nil, msg
			}
			steps = append(steps, step)
			i += n
		default:
			return nil, "unexpected " + strconv.Quote(p[i:i+1]) + " (wirebook supports $, .name, ['name'], [N])"
		}
	}
	return steps, ""
}

// isNameByte is RFC 9535's name-first, as Hurl's JSONPath reads it: a
// letter, '_' or any non-ASCII character; digits may follow, '-' may not.
func isNameByte(b byte) bool {
	return b == '_' || b >= 0x80 || ('a' <= b && b <= 'z') || ('A' <= b && b <= 'Z')
}

// parseBracket reads ['name'], ["name"] or [N] at the start of p, and
// returns how many bytes it used.
func parseBracket(p string) (jsonStep, int, string) {
	end := strings.IndexByte(p, ']')
	if end < 0 {
		return jsonStep{}, 0, "a [ without its ]"
	}
	inner := p[1:end]
	switch {
	case len(inner) >= 2 && (inner[0] == '\'' || inner[0] == '"') && inner[len(inner)-1] == inner[0]:
		name := inner[1 : len(inner)-1]
		if strings.ContainsAny(name, `'"\`) {
			return jsonStep{}, 0, "quotes and backslashes inside ['…'] are not supported by wirebook"
		}
		return jsonStep{name: name}, end + 1, ""
	case inner == "*":
		return jsonStep{}, 0, "wildcards ([*]) are not supported by wirebook"
	case strings.HasPrefix(inner, "?"):
		return jsonStep{}, 0, "filters ([?…]) are not supported by wirebook"
	case strings.ContainsAny(inner, ":,"):
		return jsonStep{}, 0, "slices and unions ([a:b], [a,b]) are not supported by wirebook"
	}
	n, err := strconv.Atoi(inner)
	// RFC 9535 §2.3.3.1: no sign but '-', no leading zero.
	if err != nil || inner == "" || inner[0] == '+' || (len(inner) > 1 && inner[0] == '0') {
		return jsonStep{}, 0, "bad index [" + inner + "]: write [0], [1], … or ['name']"
	}
	if n < 0 {
		return jsonStep{}, 0, "negative indexes are not supported by wirebook"
	}
	return jsonStep{index: n, isIdx: true}, end + 1, ""
}

// lookup follows the path through a value decoded with UseNumber.
func lookup(v any, path []jsonStep) (any, bool) {
	for _, s := range path {
		switch x := v.(type) {
		case map[string]any:
			if s.isIdx {
				return nil, false
			}
			var ok bool
			if v, ok = x[s.name]; !ok {
				return nil, false
			}
		case []any:
			if !s.isIdx || s.index >= len(x) {
				return nil, false
			}
			v = x[s.index]
		default:
			return nil, false
		}
	}
	return jsonValue(v), true
}

// jsonValue turns a json.Number into int64 or float64, the way Hurl tells
// 3 (an integer) from 3.0 (a float).
func jsonValue(v any) any {
	n, ok := v.(json.Number)
	if !ok {
		return v
	}
	if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
		return i
	}
	f, _ := n.Float64()
	return f
}
