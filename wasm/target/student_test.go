package target

import "testing"

func TestStudent(t *testing.T) {
	t.Parallel()
	const page = "http://127.0.0.1:2500"
	rows := []struct {
		name, url, host, want string
	}{
		{"/secure goes to the auth port", page + "/secure", "10.0.0.7", "http://10.0.0.7:2502/secure"},
		{"/files/… goes to the file server without /files", page + "/files/greetings.txt", "10.0.0.7", "http://10.0.0.7:2503/greetings.txt"},
		{"the listing /files/ is the file server's root", page + "/files/", "10.0.0.7", "http://10.0.0.7:2503/"},
		{"/files alone is the root too", page + "/files", "10.0.0.7", "http://10.0.0.7:2503/"},
		{"/echo/… goes to the echo without /echo", page + "/echo/some-file.txt?a=1", "10.0.0.7", "http://10.0.0.7:2504/some-file.txt?a=1"},
		{"the rest goes to the app, query kept", page + "/greeting?lang=fr", "ana.local", "http://ana.local:2505/greeting?lang=fr"},
		{"a path that only starts like a prefix is the app's", page + "/filesystem", "ana.local", "http://ana.local:2505/filesystem"},
		{"/ws/… stays with wirebook", page + "/ws/stream", "ana.local", page + "/ws/stream"},
		{"a cell naming a course port keeps it", "http://127.0.0.1:2503/greetings.txt", "ana.local", "http://ana.local:2503/greetings.txt"},
		{"a cell naming the auth port keeps it", "http://localhost:2502/secure", "ana.local", "http://ana.local:2502/secure"},
		{"another host and port is left alone", "http://example.com:8080/x", "ana.local", "http://example.com:8080/x"},
		{"a host without a port is left alone", "http://kdm.training/", "ana.local", "http://kdm.training/"},
		{"an IPv6 student host is bracketed", page + "/hello", "::1", "http://[::1]:2505/hello"},
		{"no host chosen changes nothing", page + "/hello", "", page + "/hello"},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			if got := Student(row.url, page, row.host, CoursePorts); got != row.want {
				t.Errorf("Student(%q, %q) = %q, want %q", row.url, row.host, got, row.want)
			}
		})
	}
}

func TestStudentMatchesThePageOriginWithoutRegardToCase(t *testing.T) {
	t.Parallel()
	if got := Student("http://LOCALHOST:2500/hello", "http://localhost:2500", "h", CoursePorts); got != "http://h:2505/hello" {
		t.Errorf("got %q", got)
	}
}

// wirebook -course-ports moves the course's servers, on the students' hosts
// too: the relay allows those ports there, so the page sends to them.
func TestStudentOnOtherPorts(t *testing.T) {
	t.Parallel()
	ports := ParsePorts("3502,3503,3504,3505")
	rows := []struct{ url, want string }{
		{"http://127.0.0.1:2500/files/a.txt", "http://h:3503/a.txt"},
		{"http://127.0.0.1:2500/secure", "http://h:3502/secure"},
		{"http://127.0.0.1:2500/hello", "http://h:3505/hello"},
		{"http://127.0.0.1:2503/greetings.txt", "http://h:3503/greetings.txt"},
		{"http://127.0.0.1:3504/x", "http://h:3504/x"},
	}
	for _, row := range rows {
		if got := Student(row.url, "http://127.0.0.1:2500", "h", ports); got != row.want {
			t.Errorf("Student(%q) = %q, want %q", row.url, got, row.want)
		}
	}
}

func TestParsePorts(t *testing.T) {
	t.Parallel()
	rows := []struct {
		in   string
		want Ports
	}{
		{"2502,2503,2504,2505", CoursePorts},
		{"1,2,3,4", Ports{1, 2, 3, 4}},
		{"", CoursePorts},
		{"1,2,3", CoursePorts},
		{"1,2,3,x", CoursePorts},
		{"1,2,3,0", CoursePorts},
		{"1,2,3,70000", CoursePorts},
		{"1,2,3,4,5", CoursePorts},
	}
	for _, row := range rows {
		if got := ParsePorts(row.in); got != row.want {
			t.Errorf("ParsePorts(%q) = %v, want %v", row.in, got, row.want)
		}
	}
}
