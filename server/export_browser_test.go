package main

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"wirebook/server/export"
)

// The HTML export of a student's work reads in Chromium from a file, with
// JavaScript off: a status, a body, an image decoded from its data: URI,
// and a response's HTML in a sandboxed frame. Its policy (default-src
// 'none') lets it load nothing from the server it came from.
func TestExportedHTMLReadsOfflineWithScriptsOff(t *testing.T) {
	t.Parallel()
	in := start(t)
	state, _ := appWork(t)
	img := image.NewNRGBA(image.Rect(0, 0, 3, 2))
	img.Set(1, 1, color.NRGBA{B: 255, A: 255})
	var pic bytes.Buffer
	if err := png.Encode(&pic, img); err != nil {
		t.Fatal(err)
	}
	state.Cells[1].Outputs = []export.SavedOutput{{Via: "wire", Status: 200, Reason: "OK",
		Headers: [][2]string{{"Content-Type", "image/png"}}, Body: pic.Bytes(), Size: int64(pic.Len())}}
	state.Cells[2].Outputs = []export.SavedOutput{{Via: "wire", Status: 200, Reason: "OK",
		Headers: [][2]string{{"Content-Type", "text/html"}}, Body: []byte("<h1>Bonjour</h1><script>parent.document.title='ran'</script>")}}
	resp, page := postExport(t, in.urls["main"]+"/export/app", "html", state)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /export/app: %d\n%s", resp.StatusCode, page)
	}
	file := filepath.Join(t.TempDir(), "app.html")
	if err := os.WriteFile(file, page, 0o644); err != nil {
		t.Fatal(err)
	}

	ctx := browser(t)
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate("file://"+file),
		chromedp.WaitVisible(`[data-cell] [data-output] [data-status]`),
	); err != nil {
		t.Fatalf("the export did not show an output: %v", err)
	}
	type reading struct {
		Status, Body, Sandbox, Title string
		ImgWidth, Frames             int
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[reading](`(() => {
	  const first = document.querySelector('[data-cell]');
	  const frame = document.querySelector('[data-body] iframe');
	  return {
	    status: first.querySelector('[data-status]').textContent,
	    body: first.querySelector('[data-body]').textContent,
	    imgWidth: (document.querySelector('[data-body] img') || {}).naturalWidth || 0,
	    frames: document.querySelectorAll('[data-body] iframe').length,
	    sandbox: frame ? frame.getAttribute('sandbox') : 'none',
	    title: document.title,
	  };
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != "200 OK" || !strings.Contains(got.Body, "saved") {
		t.Errorf("the first cell reads %q / %q, want 200 OK and its saved body", got.Status, got.Body)
	}
	if got.ImgWidth != 3 {
		t.Errorf("the image's naturalWidth is %d, want 3: its data: URI did not decode", got.ImgWidth)
	}
	if got.Frames != 1 || got.Sandbox != "" {
		t.Errorf("%d frames, sandbox %q; want one, with an empty sandbox", got.Frames, got.Sandbox)
	}
	if got.Title == "ran" {
		t.Error("the response's script ran")
	}
	saveScreenshot(t, ctx, "export-offline.png")
}

// The lesson page's Download works before anything was run: clicking
// [data-export="hurl"] downloads the lesson as Hurl, named after it (the
// form posts without the client too; TestLessonDownloadFormPostsToItsExport
// reads it). It waits on Chromium's download events, not on the folder.
func TestDownloadHurlFromTheLessonPage(t *testing.T) {
	t.Parallel()
	in := start(t)
	ctx := browser(t)
	d := newDownloader(t, ctx)
	if err := chromedp.Do(ctx, chromedp.Navigate(in.urls["main"]+"/lessons/files")); err != nil {
		t.Fatal(err)
	}
	name, got := d.click(t, ctx, "hurl")
	if name != "files.hurl" {
		t.Errorf("the download is named %q, want files.hurl", name)
	}
	l, _ := embeddedCourse(t).Find("files")
	for _, want := range []string{"# Exported by wirebook from the lessons", "\nGET " + in.urls["main"] + "/files/\n"} {
		if !strings.Contains(string(got), want) {
			t.Errorf("the downloaded file lacks %q:\n%s", want, got)
		}
	}
	if n := strings.Count(string(got), "\n# cell "); n != len(l.Cells) {
		t.Errorf("%d cells in the download, want the lesson's %d", n, len(l.Cells))
	}
}
