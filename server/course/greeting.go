package course

import (
	"cmp"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"wirebook/server/respond"
	"wirebook/templates"
)

// greetingByLang is server1.py's table of greetings.
var greetingByLang = map[string]string{"en": "Hello", "fr": "Bonjour", "zh": "Nǐn hǎo"}

// languages lists the keys above for the 400 page ("en, fr, zh").
var languages = strings.Join(slices.Sorted(maps.Keys(greetingByLang)), ", ")

// Greeting greets the student named by the X-INE-Student header in the
// language of ?lang= (en by default). The course's server answers an unknown
// language with a 500 (a KeyError); it is the client's mistake, so a 400.
//
//wirebook:snippet /greeting
func Greeting() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := cmp.Or(r.URL.Query().Get("lang"), "en")
		greet, ok := greetingByLang[lang]
		if !ok {
			respond.Error(w, r, http.StatusBadRequest,
				fmt.Sprintf("Unsupported language %q: lang must be one of %s.", lang, languages))
			return
		}
		who := cmp.Or(r.Header.Get("X-INE-Student"), "Student")
		w.Header()["X-INE-Course"] = []string{"HTTP using Python"} // as the course spells it; Set would send X-Ine-Course
		respond.HTML(w, r, http.StatusOK, templates.CourseGreeting(lang, greet, who))
	})
}
