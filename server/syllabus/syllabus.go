// Package syllabus turns lesson files into a course: an ordered list of
// lessons, each with an address, a title and a short description, and the
// front page text of the course.
//
// # Layout
//
// A course is made of sources, each a Markdown file or a folder (wirebook's
// -lesson flag, given once per source). In a folder every *.md file is a
// lesson, except index.md: if present it is the course's own front page,
// its first heading the course's title and the rest its description.
//
// Lessons are ordered source by source, in the order the sources are given;
// inside a folder by the number a file name starts with ("01-files.md",
// "2-echo.md": 2 comes before 10), then by name; files without a number
// come after the numbered ones, by name.
//
// A lesson's slug, the last part of its address /lessons/<slug>, is its file
// name without the leading number, its separator and ".md", lower-cased:
// "01-files.md" is "files". Two lessons with the same slug are an error.
//
// # Links and files
//
// A link in a lesson's prose to another lesson's file ("[next](02-echo.md)",
// relative to the lesson's folder) becomes that lesson's address; a link to
// a Markdown file that is not a lesson of the course is an error naming the
// file and line. Any other relative link or image ("images/diagram.png") is
// a file beside the lesson and is rewritten to /lessons/<slug>/<path>,
// where Lesson.Open serves it: inside the lesson's folder only (os.Root
// refuses "..", absolute paths and symlinks that leave it), never a .md
// source, never a folder listing.
//
// Loading is pure: it reads the files, parses them and returns a new
// Course, or an error and nothing; a caller that watches the files may call
// it again and swap the result in.
package syllabus

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"wirebook/server/lesson"
)

// IndexFile is the name of a folder's front page, which is not a lesson.
const IndexFile = "index.md"

// MaxDescription bounds a lesson's description on the index, in runes.
const MaxDescription = 200

// Course is an ordered list of lessons and the course's front page text.
type Course struct {
	Title string // index.md's first heading; else the only lesson's title, or "Lessons"
	// Intro is index.md from its title to its first level-2 heading, and
	// Notes the rest: the index shows the list of lessons between them, so
	// that a long front page does not push the lessons out of sight. Both
	// are rendered to HTML without raw HTML (as lesson prose is), their
	// links rewritten like a lesson's; "" without an index.md.
	Intro, Notes string
	Lessons      []*Lesson
}

// Lesson is one lesson of a course.
type Lesson struct {
	Slug        string // its address is /lessons/<Slug>
	Title       string // the lesson's first heading
	Description string // its first prose paragraph, plain text, clipped to MaxDescription
	Source      string // the file, as errors name it
	*lesson.Lesson

	key   string                        // Source as links resolve it: slash-separated, cleaned
	files func(string) (fs.File, error) // opens a name inside the lesson's folder
}

// Path is the lesson's address.
func (l *Lesson) Path() string { return "/lessons/" + l.Slug }

// Find is the lesson with the given slug and its place in c.Lessons, or
// nil and -1.
func (c *Course) Find(slug string) (*Lesson, int) {
	for i, l := range c.Lessons {
		if l.Slug == slug {
			return l, i
		}
	}
	return nil, -1
}

// ErrNotServed is Open's answer for a name it will not serve.
var ErrNotServed = errors.New("not a file served beside the lesson")

// Open opens a file beside the lesson, by a slash-separated name relative
// to the lesson's folder. It refuses names that are not fs.ValidPath
// ("..", a leading "/", empty parts), Markdown sources (*.md: a lesson's
// solutions live there) and folders; os.Root refuses symlinks out.
func (l *Lesson) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) || name == "." || strings.Contains(name, `\`) ||
		strings.EqualFold(path.Ext(name), ".md") {
		return nil, ErrNotServed
	}
	f, err := l.files(name)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err != nil || st.IsDir() {
		f.Close()
		return nil, ErrNotServed
	}
	return f, nil
}

// file is one Markdown file read from a source.
type file struct {
	name  string // as errors name it
	key   string // slash-separated, cleaned, for resolving links
	src   []byte
	files func(string) (fs.File, error)
}

// Load reads a course from files and folders on disk, in order.
func Load(sources ...string) (*Course, error) {
	if len(sources) == 0 {
		return nil, errors.New("no lesson sources")
	}
	var lessons []file
	var index *file
	for _, src := range sources {
		st, err := os.Stat(src)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			f, err := readDisk(src, filepath.Dir(src))
			if err != nil {
				return nil, err
			}
			lessons = append(lessons, f)
			continue
		}
		entries, err := os.ReadDir(src)
		if err != nil {
			return nil, err
		}
		for _, name := range mdFiles(entries) {
			f, err := readDisk(filepath.Join(src, name), src)
			if err != nil {
				return nil, err
			}
			if name == IndexFile {
				if index != nil {
					return nil, fmt.Errorf("%s:1: a second %s (the first is %s): a course has one front page", f.name, IndexFile, index.name)
				}
				index = &f
				continue
			}
			lessons = append(lessons, f)
		}
	}
	return build(lessons, index)
}

// readDisk reads a lesson file; its neighbours are opened through os.Root
// at dir, once per request, so no handle outlives a reload.
func readDisk(name, dir string) (file, error) {
	src, err := readCapped(name)
	if err != nil {
		return file{}, err
	}
	abs, err := filepath.Abs(name)
	if err != nil {
		return file{}, err
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return file{}, err
	}
	return file{
		name: name,
		key:  filepath.ToSlash(abs),
		src:  src,
		files: func(n string) (fs.File, error) {
			return os.OpenInRoot(dir, filepath.FromSlash(n))
		},
	}, nil
}

// readCapped reads a file up to lesson.MaxSize and one byte, so Parse
// reports a file too large without the server reading all of it.
func readCapped(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, lesson.MaxSize+1))
}

// LoadFS reads a course from the folder dir of fsys (the embedded default).
func LoadFS(fsys fs.FS, dir string) (*Course, error) {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		return nil, err
	}
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var lessons []file
	var index *file
	for _, name := range mdFiles(entries) {
		p := path.Join(dir, name)
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, err
		}
		f := file{name: p, key: p, src: src, files: sub.Open}
		if name == IndexFile {
			index = &f
			continue
		}
		lessons = append(lessons, f)
	}
	return build(lessons, index)
}

// leadingNumber is a file name's order number and the rest of its name.
var leadingNumber = regexp.MustCompile(`^(\d+)[-_. ]*`)

// mdFiles is the Markdown files among entries, in course order.
func mdFiles(entries []fs.DirEntry) []string {
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.EqualFold(path.Ext(e.Name()), ".md") {
			names = append(names, e.Name())
		}
	}
	slices.SortFunc(names, compareNames)
	return names
}

// compareNames orders "2-b.md" before "10-a.md", numbered names before
// the others, then by name.
func compareNames(a, b string) int {
	na, oka := number(a)
	nb, okb := number(b)
	switch {
	case oka && !okb:
		return -1
	case !oka && okb:
		return 1
	case oka && okb && na != nb:
		return cmp.Compare(na, nb)
	}
	return strings.Compare(a, b)
}

func number(name string) (int, bool) {
	m := leadingNumber.FindStringSubmatch(name)
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(m[1])
	return n, err == nil
}

// Slug is the address part for a lesson file name: "01-files.md" → "files".
func Slug(name string) string {
	base := strings.TrimSuffix(path.Base(filepath.ToSlash(name)), path.Ext(name))
	if rest := leadingNumber.ReplaceAllString(base, ""); rest != "" {
		base = rest
	}
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(base) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	return b.String()
}

// build parses every lesson, gives each its slug, and rewrites the links
// between them once all are known.
func build(files []file, index *file) (*Course, error) {
	if len(files) == 0 {
		return nil, errors.New("no lessons: a course needs at least one *.md file besides index.md")
	}
	c := &Course{}
	bySlug := map[string]*Lesson{}
	byKey := map[string]*Lesson{}
	for _, f := range files {
		parsed, err := lesson.Parse(f.name, f.src)
		if err != nil {
			return nil, err
		}
		l := &Lesson{Slug: Slug(f.name), Title: parsed.Title, Source: f.name, Lesson: parsed, key: f.key, files: f.files}
		if l.Slug == "" {
			return nil, &lesson.Error{File: f.name, Line: 1, Msg: "no address: the file name needs a letter or digit besides its number"}
		}
		if other := bySlug[l.Slug]; other != nil {
			return nil, &lesson.Error{File: f.name, Line: 1, Msg: fmt.Sprintf("address /lessons/%s is also %s's: rename one of them", l.Slug, other.Source)}
		}
		if byKey[l.key] != nil {
			return nil, &lesson.Error{File: f.name, Line: 1, Msg: "given twice"}
		}
		bySlug[l.Slug], byKey[l.key] = l, l
		c.Lessons = append(c.Lessons, l)
	}
	for i, f := range files {
		if err := c.Lessons[i].links(f.src, byKey); err != nil {
			return nil, err
		}
	}
	c.Title = "Lessons"
	if len(c.Lessons) == 1 {
		c.Title = c.Lessons[0].Title
	}
	if index != nil {
		if err := c.front(*index, byKey); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// markdown renders index.md as lesson prose is rendered: GFM, no raw HTML.
var markdown = goldmark.New(goldmark.WithExtensions(extension.GFM))

// normalize makes line endings \n, as package lesson does, so offsets
// count lines the same way.
func normalize(src []byte) []byte {
	src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(src, []byte("\r"), []byte("\n"))
}

// links sets the lesson's description and rewrites its relative links and
// images in the rendered prose: to other lessons' addresses, or to files
// under its own address.
func (l *Lesson) links(src []byte, byKey map[string]*Lesson) error {
	src = normalize(src)
	doc := markdown.Parser().Parse(text.NewReader(src))
	l.Description = description(doc, src)
	rewrites, err := rewriteLinks(doc, src, l.Source, l.key, l.Path(), byKey)
	if err != nil {
		return err
	}
	for i := range l.Blocks {
		if l.Blocks[i].Prose != "" {
			l.Blocks[i].Prose = rewrites.Replace(l.Blocks[i].Prose)
		}
	}
	return nil
}

// front reads index.md: its first level-1 heading is the course's title,
// everything else its introduction.
func (c *Course) front(f file, byKey map[string]*Lesson) error {
	src := normalize(f.src)
	doc := markdown.Parser().Parse(text.NewReader(src))
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		if h, ok := n.(*ast.Heading); ok && h.Level == 1 {
			c.Title = lesson.PlainText(h, src)
			doc.RemoveChild(doc, h)
			break
		}
	}
	rewrites, err := rewriteLinks(doc, src, f.name, f.key, "", byKey)
	if err != nil {
		return err
	}
	var intro, notes bytes.Buffer
	to := &intro
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		if h, ok := n.(*ast.Heading); ok && h.Level == 2 {
			to = &notes
		}
		if err := markdown.Renderer().Render(to, src, n); err != nil {
			return fmt.Errorf("render %s: %w", f.name, err)
		}
	}
	c.Intro, c.Notes = rewrites.Replace(intro.String()), rewrites.Replace(notes.String())
	return nil
}

// description is the first top-level paragraph as plain text, clipped at a
// word to MaxDescription runes.
func description(doc ast.Node, src []byte) string {
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		if _, ok := n.(*ast.Paragraph); ok {
			return clip(lesson.PlainText(n, src), MaxDescription)
		}
	}
	return ""
}

func clip(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)[:max]
	if i := strings.LastIndexByte(string(r), ' '); i > 0 {
		return strings.TrimRight(string(r)[:i], ",;:.") + "…"
	}
	return string(r) + "…"
}

// rewriteLinks finds the relative links and images of doc and says how to
// rewrite them in the HTML goldmark renders from it. base is the address
// files beside the document are served under ("" for none: index.md's
// links to files are left as written).
func rewriteLinks(doc ast.Node, src []byte, name, key, base string, byKey map[string]*Lesson) (*strings.Replacer, error) {
	var pairs []string
	var err error
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		var dest []byte
		var attr string
		switch n := n.(type) {
		case *ast.Link:
			dest, attr = n.Destination, "href"
		case *ast.Image:
			dest, attr = n.Destination, "src"
		default:
			return ast.WalkContinue, nil
		}
		to, ok, rerr := resolve(string(dest), key, base, byKey)
		if rerr != nil {
			err = &lesson.Error{File: name, Line: lineOf(n, src), Msg: rerr.Error()}
			return ast.WalkStop, nil
		}
		if ok {
			escaped := string(util.EscapeHTML(util.URLEscape(dest, true)))
			pairs = append(pairs, attr+`="`+escaped+`"`, attr+`="`+string(util.EscapeHTML([]byte(to)))+`"`)
		}
		return ast.WalkContinue, nil
	})
	if err != nil {
		return nil, err
	}
	return strings.NewReplacer(pairs...), nil
}

// resolve is where a relative destination goes: another lesson's address
// for a .md file, a file under base for anything else. ok is false for a
// destination left alone (absolute, another site, a fragment).
func resolve(dest, key, base string, byKey map[string]*Lesson) (to string, ok bool, err error) {
	u, perr := url.Parse(dest)
	if perr != nil || u.Scheme != "" || u.Host != "" || u.Path == "" || strings.HasPrefix(u.Path, "/") {
		return "", false, nil
	}
	suffix := ""
	if u.RawQuery != "" {
		suffix += "?" + u.RawQuery
	}
	if u.Fragment != "" {
		suffix += "#" + u.EscapedFragment()
	}
	if strings.EqualFold(path.Ext(u.Path), ".md") {
		target := byKey[path.Join(path.Dir(key), u.Path)]
		if target == nil {
			return "", false, fmt.Errorf("link to %s, which is not a lesson of this course", u.Path)
		}
		return target.Path() + suffix, true, nil
	}
	clean := path.Clean(u.Path)
	if base == "" || clean == "." || strings.HasPrefix(clean, "../") || clean == ".." {
		return "", false, nil // outside the lesson's folder: not served
	}
	return base + "/" + (&url.URL{Path: clean}).EscapedPath() + suffix, true, nil
}

// lineOf is the 1-based line a link or image starts on: that of its first
// text, else of the block holding it.
func lineOf(n ast.Node, src []byte) int {
	off := -1
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering {
			off = t.Segment.Start
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	for p := n; off < 0 && p != nil; p = p.Parent() {
		if p.Type() == ast.TypeBlock && p.Lines().Len() > 0 {
			off = p.Lines().At(0).Start
		}
	}
	if off < 0 {
		return 1
	}
	return bytes.Count(src[:off], []byte("\n")) + 1
}

// Of is a course of one lesson already parsed, named source, with no files
// beside it: for tests and tools that build a lesson in memory.
func Of(source string, l *lesson.Lesson) *Course {
	return &Course{Title: l.Title, Lessons: []*Lesson{{
		Slug: Slug(source), Title: l.Title, Source: source, Lesson: l, key: source,
		files: func(string) (fs.File, error) { return nil, fs.ErrNotExist },
	}}}
}
