package harness

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// TestNginxConf checks the config the tools write: nginx itself reads it
// (when nginx is installed), and it writes nowhere outside its prefix.
func TestNginxConf(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path, err := WriteNginxConf(NginxConfig{Dir: dir, Listen: "127.0.0.1:18080", Upstreams: []string{"127.0.0.1:18081", "127.0.0.1:18082"}, Bind: "127.0.0.2"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	conf := string(b)
	for _, abs := range regexp.MustCompile(`\s(/[^\s;]*)`).FindAllStringSubmatch(conf, -1) {
		// "/", "/static/" and "/ws/" are locations, not files.
		if abs[1] != "/" && abs[1] != "/ws/" && abs[1] != "/static/" && abs[1] != dir && !strings.HasPrefix(abs[1], dir+"/") {
			t.Errorf("path %s is outside the prefix %s", abs[1], dir)
		}
	}
	for _, want := range []string{
		"server 127.0.0.1:18081 max_fails=1", "server 127.0.0.1:18082 max_fails=1",
		"proxy_set_header Host $http_host;", // $host drops the port, and the WebSocket origin check fails
		"proxy_set_header Connection $connection_upgrade;",
		"proxy_buffering off;", "proxy_next_upstream error timeout http_502;", "proxy_bind 127.0.0.2;",
	} {
		if !strings.Contains(conf, want) {
			t.Errorf("config lacks %q", want)
		}
	}
	nginx, err := exec.LookPath("nginx")
	if err != nil {
		t.Log("nginx is not installed; its own check of the syntax is skipped")
		return
	}
	os.Chmod(dir, 0o755)
	if out, err := exec.Command(nginx, "-t", "-q", "-p", dir, "-c", path, "-e", dir+"/error.log").CombinedOutput(); err != nil {
		t.Errorf("nginx -t: %v\n%s", err, out)
	}
}

// TestREADMEShowsTheToolsNginxBlock keeps the README honest: every
// directive of its classroom block, but the addresses, is in the config
// the tools write.
func TestREADMEShowsTheToolsNginxBlock(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(readme), "```nginx\n")
	block, _, ok2 := strings.Cut(block, "```")
	if !ok || !ok2 {
		t.Fatal("README has no nginx block")
	}
	dir := t.TempDir()
	path, err := WriteNginxConf(NginxConfig{Dir: dir, Listen: "127.0.0.1:1", Upstreams: []string{"127.0.0.1:2"}})
	if err != nil {
		t.Fatal(err)
	}
	conf, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	soak := map[string]bool{}
	for line := range strings.Lines(strings.ReplaceAll(string(conf), dir+"/static_cache", "/var/cache/nginx/wirebook")) {
		soak[strings.TrimSpace(line)] = true
	}
	checked := 0
	for line := range strings.Lines(block) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "listen ") || strings.HasPrefix(line, "server 127.0.0.1:") {
			continue
		}
		checked++
		if !soak[line] {
			t.Errorf("README's nginx line %q is not in the tools's config", line)
		}
	}
	if checked < 20 {
		t.Errorf("only %d lines of the README's block were compared", checked)
	}
}
