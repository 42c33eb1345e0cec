package harness

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"text/template"
	"time"
)

// nginxConf is the classroom block of the README with what a tool needs on
// top: every path nginx writes inside dir, so it runs without root and
// leaves nothing behind; room for a lecture hall's connections; and
// optionally proxy_bind, so wirebook sees the proxy at an address
// (127.0.0.2) no test client uses and -trust-proxy can tell the two apart
// on one loopback.
var nginxConf = template.Must(template.New("nginx.conf").Parse(`# written by wirebook's tools; nginx -p {{.Dir}} -c {{.Dir}}/nginx.conf
daemon off;
master_process on;
worker_processes auto;
worker_rlimit_nofile {{.Files}};
pid {{.Dir}}/nginx.pid;
error_log {{.Dir}}/error.log warn;

events { worker_connections {{.Connections}}; }

http {
    # The times say where a slow request waited: for the upstream, or for nginx.
    log_format timed '$remote_addr "$request" $status $body_bytes_sent rt=$request_time uct=$upstream_connect_time uht=$upstream_header_time';
    access_log {{.Dir}}/access.log timed;
    client_body_temp_path {{.Dir}}/client_body_temp;
    proxy_temp_path {{.Dir}}/proxy_temp;
    fastcgi_temp_path {{.Dir}}/fastcgi_temp;
    uwsgi_temp_path {{.Dir}}/uwsgi_temp;
    scgi_temp_path {{.Dir}}/scgi_temp;
    sendfile on;
    proxy_cache_path {{.Dir}}/static_cache keys_zone=wirebook_static:1m max_size=64m;

    # A WebSocket handshake asks the upstream to upgrade; anything else
    # closes its upstream connection after the answer.
    map $http_upgrade $connection_upgrade {
        default upgrade;
        ''      close;
    }

    upstream wirebook {
{{- range .Upstreams}}
        server {{.}} max_fails=1 fail_timeout=10s;
{{- end}}
    }

    server {
        # nginx's default backlog, 511, overflows when a class arrives at
        # once: a dropped SYN costs its student a 1 s retransmit.
        listen {{.Listen}} backlog=4096;

        # The proxy headers, shared by both locations.
        proxy_http_version 1.1;
        proxy_set_header Host $http_host;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_set_header X-Forwarded-For $remote_addr;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_buffering off;
        proxy_next_upstream error timeout http_502;
        proxy_next_upstream_tries 2;
        proxy_connect_timeout 2s;
{{- if .Bind}}
        proxy_bind {{.Bind}};
{{- end}}

        location / {
            proxy_pass http://wirebook;
        }

        # The content-hashed, immutable static files are kept by nginx, so
        # a class's first visits do not reach wirebook; caching needs
        # buffering, and 64 KiB buffers move app.wasm (600 KB) in fewer
        # reads than the 4 KiB default.
        location /static/ {
            proxy_pass http://wirebook;
            proxy_buffer_size 64k;
            proxy_buffers 4 64k;
            proxy_buffering on;
            proxy_cache wirebook_static;
        }

        # The wire transport's socket stays open while a student reads;
        # nginx's 60 s default would cut it between two cells.
        location /ws/ {
            proxy_pass http://wirebook;
            proxy_read_timeout 1h;
            proxy_send_timeout 1h;
        }
    }
}
`))

// NginxConfig is an nginx in front of wirebook instances.
type NginxConfig struct {
	Dir       string   // the prefix; everything nginx writes goes here
	Listen    string   // "127.0.0.1:N"
	Upstreams []string // wirebook instances, "127.0.0.1:N"
	Bind      string   // proxy_bind address, "" for none
	// Connections is worker_connections, 4096 when 0. Each student holds
	// two through the proxy (browser↔nginx, nginx↔wirebook) per socket,
	// and a relayed cell comes back through the proxy for two more.
	Connections int
}

// WriteNginxConf writes cfg's nginx.conf into cfg.Dir and returns its path.
func WriteNginxConf(cfg NginxConfig) (string, error) {
	path := cfg.Dir + "/nginx.conf"
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	if cfg.Connections == 0 {
		cfg.Connections = 4096
	}
	data := struct {
		NginxConfig
		Files int
	}{cfg, cfg.Connections + 1024}
	if err := nginxConf.Execute(f, data); err != nil {
		f.Close()
		return "", err
	}
	return path, f.Close()
}

// Nginx is a running nginx.
type Nginx struct {
	cmd  *exec.Cmd
	done chan struct{}
	err  error
	out  strings.Builder
}

// StartNginx runs nginx (the binary bin) in the foreground on cfg and
// returns once it accepts connections.
func StartNginx(ctx context.Context, bin string, cfg NginxConfig) (*Nginx, error) {
	conf, err := WriteNginxConf(cfg)
	if err != nil {
		return nil, err
	}
	// Workers run as nobody when the master is root; they must reach the
	// temp paths under the prefix.
	if err := os.Chmod(cfg.Dir, 0o755); err != nil {
		return nil, err
	}
	p := &Nginx{done: make(chan struct{})}
	// -e: the error log before the config is read, which would otherwise be
	// /var/log/nginx/error.log.
	p.cmd = exec.CommandContext(ctx, bin, "-p", cfg.Dir, "-c", conf, "-e", cfg.Dir+"/error.log")
	p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.out
	SetDeathSignal(p.cmd)
	OwnGroup(p.cmd)
	if err := p.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	listening := WaitFor(ctx, 10*time.Second, func() bool {
		select {
		case <-p.done:
			return true
		default:
		}
		c, err := net.DialTimeout("tcp", cfg.Listen, 100*time.Millisecond)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	select {
	case <-p.done:
		errLog, _ := os.ReadFile(cfg.Dir + "/error.log")
		return nil, fmt.Errorf("nginx exited: %v: %s %s", p.err, p.out.String(), errLog)
	default:
	}
	if !listening {
		p.Stop()
		return nil, errors.New("nginx did not listen within 10s")
	}
	return p, nil
}

// CPUSeconds is the CPU time of nginx's master and its workers so far.
func (p *Nginx) CPUSeconds() float64 {
	pid := p.cmd.Process.Pid
	total, _ := CPUSeconds(pid)
	kids, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	for _, f := range strings.Fields(string(kids)) {
		if k, err := strconv.Atoi(f); err == nil {
			s, _ := CPUSeconds(k)
			total += s
		}
	}
	return total
}

// Stop asks nginx to finish gracefully (SIGQUIT) and waits; past 5 s it
// kills the master and its workers.
func (p *Nginx) Stop() {
	_ = p.cmd.Process.Signal(SigQuit)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		_ = KillGroup(p.cmd)
		<-p.done
	}
}

// FreePort returns a loopback address no one listens on right now. nginx
// must be told its port, and the wirebook instances must know it before
// nginx starts (-relay-allow), so it is picked this way; the moment between
// closing and nginx binding it is the one race left.
func FreePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
