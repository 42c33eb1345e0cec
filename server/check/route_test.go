package check

import "testing"

func TestRoutes(t *testing.T) {
	t.Parallel()
	inProcess := InProcess("127.0.0.1:4000", Ports{Auth: 4002, Files: 4003, Echo: 4004, App: 4005})
	courseHost := CourseHost("192.0.2.7", Ports{Auth: 9002, Files: 9003, Echo: 9004, App: 9005})
	target, err := Target("http://127.0.0.1:8000/course/")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		route  Route
		target string
		url    string // "" for skipped
	}{
		{"in-process: a path goes to the main address", inProcess, "/hello?x=1", "http://127.0.0.1:4000/hello?x=1"},
		{"in-process: a course port goes to the port standing for it", inProcess, "http://127.0.0.1:2505/hello", "http://127.0.0.1:4005/hello"},
		{"in-process: the notebook's host means its course port too", inProcess, "http://popbox.kdm.local:2503/greetings.txt", "http://127.0.0.1:4003/greetings.txt"},
		{"in-process: wirebook's default port on loopback is the main address", inProcess, "http://localhost:2500/json", "http://127.0.0.1:4000/json"},
		{"in-process: another URL is sent as it is", inProcess, "http://kdm.training/", "http://kdm.training/"},
		{"in-process: a WebSocket cell is skipped", inProcess, "/ws/stream", ""},
		{"course host: /secure goes to auth", courseHost, "/secure", "http://192.0.2.7:9002/secure"},
		{"course host: /files/ loses its prefix on the file server", courseHost, "/files/greetings.txt", "http://192.0.2.7:9003/greetings.txt"},
		{"course host: the listing is the file server's root", courseHost, "/files/", "http://192.0.2.7:9003/"},
		{"course host: /echo/ loses its prefix on the echo", courseHost, "/echo/some-file.txt?a=b", "http://192.0.2.7:9004/some-file.txt?a=b"},
		{"course host: the rest goes to the app", courseHost, "/greeting?lang=fr", "http://192.0.2.7:9005/greeting?lang=fr"},
		{"course host: /filesystem is the app's", courseHost, "/filesystem", "http://192.0.2.7:9005/filesystem"},
		{"course host: a course port keeps its path", courseHost, "http://127.0.0.1:2504/files/x", "http://192.0.2.7:9004/files/x"},
		{"course host: a WebSocket cell is skipped", courseHost, "/ws/stream", ""},
		{"target: a path goes under the base", target, "/hello", "http://127.0.0.1:8000/course/hello"},
		{"target: a full URL keeps its path and query", target, "http://127.0.0.1:2505/json?a=1", "http://127.0.0.1:8000/course/json?a=1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			url, skip, err := tt.route(tt.target)
			switch {
			case err != nil:
				t.Fatalf("%s: %v", tt.target, err)
			case tt.url == "" && skip == "":
				t.Errorf("%s went to %s, want it skipped", tt.target, url)
			case url != tt.url:
				t.Errorf("%s went to %q (skip %q), want %q", tt.target, url, skip, tt.url)
			}
		})
	}
}

func TestTargetRefusesWhatIsNotABaseURL(t *testing.T) {
	t.Parallel()
	for _, base := range []string{"", "127.0.0.1:8000", "ftp://h/", "http://", "http://h/?q=1"} {
		if _, err := Target(base); err == nil {
			t.Errorf("Target(%q) = nil error, want refused", base)
		}
	}
}
