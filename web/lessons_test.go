package web

import (
	"io/fs"
	"testing"
)

func TestLessonsAreAtTheirRepositoryPaths(t *testing.T) {
	t.Parallel()
	if _, err := fs.ReadFile(Lessons(), LessonsDir+"/index.md"); err != nil {
		t.Errorf("the course's index: %v", err)
	}
	for _, name := range []string{"lessons/index.md", "web/static/app.css", "web/../web/lessons/index.md", "."} {
		if _, err := fs.ReadFile(Lessons(), name); err == nil {
			t.Errorf("Lessons() opens %s", name)
		}
	}
}
