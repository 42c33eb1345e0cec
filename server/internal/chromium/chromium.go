// Package chromium finds Debian's Chromium and says how wirebook starts it
// headless, for the browser tests and for task bench alike.
package chromium

import (
	"errors"
	"os"
	"os/exec"

	"github.com/chromedp/chromedp"
)

// Path is $WIREBOOK_CHROMIUM, else chromium on PATH. A missing browser is
// an error, never a reason to skip: `go tool task chromium` installs it.
func Path() (string, error) {
	if p := os.Getenv("WIREBOOK_CHROMIUM"); p != "" {
		return p, nil
	}
	p, err := exec.LookPath("chromium")
	if err != nil {
		return "", errors.New("no chromium on PATH: run `go tool task chromium` (apt-get install chromium) or set WIREBOOK_CHROMIUM")
	}
	return p, nil
}

// Options start the browser at path headless, with the fresh profile dir.
// Without the networking flags Chromium tries the internet many times a
// second, and this machine refuses every attempt.
func Options(path, profile string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(profile),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(1200, 900),
	}
}
