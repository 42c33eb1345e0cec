package main

import (
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The browser decodes timelineJS's object into timeline by JSON name; a
// key that matches no tag would silently read as 0 ms.
func TestTimelineScriptKeysAreTheStructsJSONNames(t *testing.T) {
	t.Parallel()
	var tags []string
	typ := reflect.TypeFor[timeline]()
	for i := range typ.NumField() {
		name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		tags = append(tags, name)
	}
	var keys []string
	for _, m := range regexp.MustCompile(`(?m)^\s*(\w+):`).FindAllStringSubmatch(timelineJS, -1) {
		keys = append(keys, m[1])
	}
	slices.Sort(tags)
	slices.Sort(keys)
	if !slices.Equal(keys, tags) {
		t.Errorf("the script sets %v, the struct reads %v", keys, tags)
	}
}
