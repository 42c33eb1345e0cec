package course

import (
	"net/http"
	"testing"

	"wirebook/server/internal/testkit"
)

func TestGreeting(t *testing.T) {
	t.Parallel()
	url, c := serve(t, New().App())

	tests := []struct {
		name    string
		query   string
		student string
		want    string
	}{
		{"no lang is English", "", "", "<p>Hello Student!</p>"},
		{"empty lang is English", "?lang=", "", "<p>Hello Student!</p>"},
		{"en", "?lang=en", "Ana", "<p>Hello Ana!</p>"},
		{"fr", "?lang=fr", "Ana", "<p>Bonjour Ana!</p>"},
		{"zh keeps its tone marks", "?lang=zh", "Ana", "<p>Nǐn hǎo Ana!</p>"},
		{"the header names the student", "?lang=fr", "David Mertz", "<p>Bonjour David Mertz!</p>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			if tt.student != "" {
				h.Set("X-INE-Student", tt.student)
			}
			resp, body := testkit.Do(t, c, http.MethodGet, url+"/greeting"+tt.query, h, nil)
			testkit.WantStatus(t, resp, http.StatusOK)
			testkit.WantHeader(t, resp, "Content-Type", "text/html; charset=utf-8")
			testkit.WantHeader(t, resp, "X-INE-Course", "HTTP using Python")
			wantContains(t, body, "<title>Test Page</title>", tt.want)
		})
	}
}

func TestGreetingUnknownLanguage(t *testing.T) {
	t.Parallel()
	url, c := serve(t, New().App())

	for _, lang := range []string{"de", "EN", "en-US", "zh%00"} {
		t.Run("unknown lang "+lang+" is a 400", func(t *testing.T) {
			t.Parallel()
			resp, body := testkit.Get(t, c, url+"/greeting?lang="+lang)
			testkit.WantStatus(t, resp, http.StatusBadRequest)
			testkit.WantHeader(t, resp, "Content-Type", "text/html; charset=utf-8")
			wantContains(t, body, "<title>400 Bad Request</title>", "en, fr, zh")
		})
	}
}
