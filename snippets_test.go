package wxmp_test

import (
	"bufio"
	"bytes"
	"fmt"
	"go/ast"
	"go/build"
	"go/doc/comment"
	"go/parser"
	gotoken "go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The Go snippets of the documentation are compiled code. TestSnippets
// takes every ```go block of README.md and every code block of the package
// comments listed in snippetDocs, and requires each to appear in the source
// of a Go file of this repository that the go tool builds (a _test.go file
// counts: `go test ./...` compiles it; so do the files of the nested
// modules, which .ci/run builds and tests), inside one declaration and outside
// any string literal. The compiled copies are in snippets_code_test.go,
// where tests also run them (the README's test snippet runs against the
// README's handler, so the two must agree). A package's own example tests
// may hold the copy of its snippet instead. When a snippet and its copy
// drift apart, TestSnippets fails, naming the snippet and the first line
// where the closest copy differs; make the documentation and the copy agree
// again.
//
// Matching is line by line, ignoring indentation and blank lines, so that a
// snippet may sit at any depth. A snippet line that is only a comment
// containing "…" (such as "// …in the handler, for the POST:") marks an
// elision: in the compiled copy, any number of lines may follow it before
// the snippet's next line, which lets a fragment that leaves out error
// handling or set-up be compiled whole.

// snippetDocs are the files whose package comment's code blocks must all be
// compiled Go, relative to the module root.
var snippetDocs = []string{
	"doc.go",
	"accesstoken/doc.go",
	"api/doc.go",
	"jssdk/doc.go",
	"event/doc.go",
	"message/doc.go",
	"msgcrypt/doc.go",
	"oauth/doc.go",
	"push/doc.go",
	"reply/doc.go",
	"signature/doc.go",
	"wxmptest/doc.go",
}

// snippetDocsPending are the package comments with Go code blocks that
// TestSnippets does not check, each with the reason. Every package comment
// of this module with a Go code block is in snippetDocs or here, so that a
// new one is not forgotten. Code blocks that are not Go (shell commands)
// and the nested modules (benchmarks, redisstore, examples/bind), which
// the root module does not compile, are left out.
var snippetDocsPending = map[string]string{
	"internal/wxhttp/doc.go": "internal package; its snippet is not user documentation",
}

// snippet is one code block of the documentation.
type snippet struct {
	where string // file:line of the block's first line
	text  string
}

// readmeSnippets returns the ```go blocks of a markdown file.
func readmeSnippets(t *testing.T, path string) []snippet {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var (
		out   []snippet
		block *strings.Builder
		start int
		inGo  bool
	)
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		fence := strings.HasPrefix(strings.TrimSpace(line), "```")
		switch {
		case block == nil && fence:
			block, start = new(strings.Builder), n+1
			inGo = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "```")) == "go"
		case block != nil && fence:
			if inGo {
				out = append(out, snippet{where: fmt.Sprintf("%s:%d", path, start), text: block.String()})
			}
			block = nil
		case block != nil:
			block.WriteString(line)
			block.WriteByte('\n')
		}
	}
	require.NoError(t, sc.Err())
	require.Nil(t, block, "%s: a code fence is not closed", path)
	return out
}

// docSnippets returns the code blocks of a Go file's package comment, as
// go/doc/comment reads them (the block's common indentation removed).
func docSnippets(t *testing.T, path string) []snippet {
	t.Helper()
	fset := gotoken.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.ParseComments|parser.PackageClauseOnly)
	require.NoError(t, err)
	if f.Doc == nil {
		return nil
	}
	// The comment's text, with "//" and then one space removed from each
	// line, keeps the code blocks' tab indentation as go/doc/comment wants
	// it.
	var text strings.Builder
	lines := make([]int, 0, len(f.Doc.List)) // the file's line of each text line
	for _, c := range f.Doc.List {
		line := strings.TrimPrefix(strings.TrimPrefix(c.Text, "//"), " ")
		text.WriteString(line)
		text.WriteByte('\n')
		lines = append(lines, fset.Position(c.Slash).Line)
	}
	var out []snippet
	d := new(comment.Parser).Parse(text.String())
	for _, b := range d.Content {
		if code, ok := b.(*comment.Code); ok && isGoCode(code.Text) {
			out = append(out, snippet{where: fmt.Sprintf("%s:%d", path, firstLine(text.String(), code.Text, lines)),
				text: code.Text})
		}
	}
	return out
}

// isGoCode reports whether a code block is Go: it parses as declarations
// or as the statements of a function body. Shell commands do not.
func isGoCode(text string) bool {
	fset := gotoken.NewFileSet()
	if _, err := parser.ParseFile(fset, "", "package p\n"+text, 0); err == nil {
		return true
	}
	_, err := parser.ParseFile(fset, "", "package p\nfunc _() {\n"+text+"\n}", 0)
	return err == nil
}

// firstLine finds the file line where code starts in the comment text, for
// messages; 0 when it cannot tell.
func firstLine(text, code string, lines []int) int {
	first, _, _ := strings.Cut(strings.TrimSpace(code), "\n")
	for i, l := range strings.Split(text, "\n") {
		if i < len(lines) && strings.TrimSpace(l) == first {
			return lines[i]
		}
	}
	return 0
}

// srcLine is one non-blank line of a Go file, trimmed.
type srcLine struct {
	text string
	line int // 1-based
}

// compiledFile is a Go file the go tool builds, with the line spans where a
// snippet may be found.
type compiledFile struct {
	path    string
	lines   []srcLine
	decls   [][2]int // first and last line of each top-level declaration
	strings [][2]int // first and last line of each multi-line string literal
}

// compiledFiles returns every Go file of this module (not of nested
// modules, testdata or directories the go tool ignores) that the go tool
// builds for this platform.
func compiledFiles(t *testing.T) []compiledFile {
	t.Helper()
	var out []compiledFile
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != "." && (name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			// Nested modules count too: CI builds and tests each of them.
			return nil
		}
		if !strings.HasSuffix(name, ".go") {
			return nil
		}
		if ok, err := build.Default.MatchFile(filepath.Dir(path), name); err != nil || !ok {
			return err
		}
		f, err := parseCompiled(path)
		if err != nil {
			return err
		}
		out = append(out, f)
		return nil
	})
	require.NoError(t, err)
	return out
}

func parseCompiled(path string) (compiledFile, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return compiledFile{}, err
	}
	return parseSource(path, src)
}

// parseSource reads src as the Go file path.
func parseSource(path string, src []byte) (compiledFile, error) {
	fset := gotoken.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
	if err != nil {
		return compiledFile{}, err
	}
	cf := compiledFile{path: path}
	for i, l := range strings.Split(string(src), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			cf.lines = append(cf.lines, srcLine{text: l, line: i + 1})
		}
	}
	span := func(n ast.Node) [2]int {
		return [2]int{fset.Position(n.Pos()).Line, fset.Position(n.End()).Line}
	}
	for _, d := range f.Decls {
		cf.decls = append(cf.decls, span(d))
	}
	ast.Inspect(f, func(n ast.Node) bool {
		if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == gotoken.STRING {
			if s := span(lit); s[0] != s[1] {
				cf.strings = append(cf.strings, s)
			}
		}
		return true
	})
	return cf, nil
}

// snippetLines returns the non-blank lines of a snippet, trimmed.
func snippetLines(s string) []string {
	var out []string
	for l := range strings.SplitSeq(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// isElision reports whether a snippet line stands for left-out code.
func isElision(l string) bool {
	return strings.HasPrefix(l, "//") && strings.Contains(l, "…")
}

// findIn returns the file lines where want starts and ends in f, or ok
// false: want's lines in order, one after another except after an elision,
// all inside one declaration and none inside a string literal.
func (f compiledFile) findIn(want []string) (first, last int, ok bool) {
	for start, l := range f.lines {
		if l.text != want[0] {
			continue
		}
		end, ok := match(f.lines[start+1:], want[1:], isElision(want[0]))
		if !ok {
			continue
		}
		first, last = l.line, f.lines[start+end].line
		if f.inOneDecl(first, last) && !f.inString(first, last) {
			return first, last, true
		}
	}
	return 0, 0, false
}

// match matches want against the start of lines (skipping lines while
// skip is set) and returns the index in lines of want's last line, counted
// as in the caller's slice (0 for the line before lines).
func match(lines []srcLine, want []string, skip bool) (int, bool) {
	if len(want) == 0 {
		return 0, true
	}
	for i, l := range lines {
		if l.text == want[0] {
			if end, ok := match(lines[i+1:], want[1:], isElision(want[0])); ok {
				return i + 1 + end, true
			}
		}
		if !skip {
			break
		}
	}
	return 0, false
}

func (f compiledFile) inOneDecl(first, last int) bool {
	return slices.ContainsFunc(f.decls, func(d [2]int) bool { return d[0] <= first && last <= d[1] })
}

func (f compiledFile) inString(first, last int) bool {
	return slices.ContainsFunc(f.strings, func(s [2]int) bool { return s[0] <= last && first <= s[1] })
}

// closest describes the compiled lines that match the longest start of
// want, for a failure message: where they are and want's first line that
// differs.
func closest(want []string, files []compiledFile) string {
	best, where := 0, ""
	for _, f := range files {
		for start := range f.lines {
			n := 0
			for n < len(want) && start+n < len(f.lines) && f.lines[start+n].text == want[n] {
				n++
			}
			if n > best {
				best, where = n, fmt.Sprintf("%s:%d", f.path, f.lines[start].line)
			}
		}
	}
	if best == 0 {
		return fmt.Sprintf("no compiled line reads %q", want[0])
	}
	if best == len(want) {
		return fmt.Sprintf("%s has it, but outside one declaration or inside a string", where)
	}
	return fmt.Sprintf("%s has its first %d line(s); the snippet then reads %q", where, best, want[best])
}

// findSnippet returns where s's compiled copy is among files, or "".
func findSnippet(s snippet, files []compiledFile) string {
	want := snippetLines(s.text)
	if len(want) == 0 {
		return ""
	}
	for _, f := range files {
		if first, last, ok := f.findIn(want); ok {
			return fmt.Sprintf("%s:%d-%d", f.path, first, last)
		}
	}
	return ""
}

// TestSnippets: every Go snippet of README.md and of the package comments
// in snippetDocs is compiled code (see the comment at the top of the file).
func TestSnippets(t *testing.T) {
	t.Parallel()
	files := compiledFiles(t)
	snippets := readmeSnippets(t, "README.md")
	require.NotEmpty(t, snippets, "README.md has Go snippets")
	for _, doc := range snippetDocs {
		s := docSnippets(t, filepath.FromSlash(doc))
		require.NotEmpty(t, s, "%s has a code block to check", doc)
		snippets = append(snippets, s...)
	}
	for _, s := range snippets {
		t.Run(s.where, func(t *testing.T) {
			t.Parallel()
			if at := findSnippet(s, files); at == "" {
				t.Errorf("%s: this snippet is not in any compiled Go file of the module (indentation and "+
					"blank lines aside): %s. Make the documentation and its copy in snippets_code_test.go "+
					"agree. The snippet:\n%s", s.where, closest(snippetLines(s.text), files), s.text)
			} else {
				t.Logf("%s is compiled at %s", s.where, at)
			}
		})
	}
}

// TestSnippetDocsListed: every package comment with a code block is
// checked or listed as pending with a reason.
func TestSnippetDocsListed(t *testing.T) {
	t.Parallel()
	for _, doc := range snippetDocs {
		assert.NotContains(t, snippetDocsPending, doc, "%s is both checked and pending", doc)
	}
	found := map[string]bool{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != "." && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); path != "." && err == nil {
				return filepath.SkipDir // a nested module: not compiled by this one
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		if len(docSnippets(t, path)) == 0 {
			return nil
		}
		slash := filepath.ToSlash(path)
		found[slash] = true
		if !slices.Contains(snippetDocs, slash) {
			assert.Contains(t, snippetDocsPending, slash,
				"%s has a code block in its package comment: add it to snippetDocs (with a compiled copy) or to snippetDocsPending", slash)
		}
		return nil
	})
	require.NoError(t, err)
	for doc := range snippetDocsPending {
		assert.True(t, found[doc], "%s is listed as pending but has no code block in its package comment", doc)
	}
}

// TestSnippetMatcher holds the matching rules to examples: a drifted line,
// a snippet only in a comment or a string, and an elision.
func TestSnippetMatcher(t *testing.T) {
	t.Parallel()
	const src = `package p

// handle is documented here:
//
//	x := compute()
//	use(x)
func handle() {
	x := compute()
	use(x)
	// …then:
	y := 2
	use(y)
}

const doc = ` + "`" + `
	a := one()
	use(a)
` + "`" + `

func split() {
	b := 1
}

func other() {
	use(b)
}
`
	f, err := parseSource("p.go", []byte(src))
	require.NoError(t, err)
	tests := []struct {
		name, snippet string
		found         bool
	}{
		{"verbatim, other indentation", "x := compute()\n    use(x)\n", true},
		{"a blank line more", "x := compute()\n\n\tuse(x)\n", true},
		{"a drifted line", "x := compute()\nuse(x + 1)\n", false},
		{"a line missing between", "x := compute()\n// …then:\nuse(y)\n", false},
		{"elision", "use(x)\n// …then:\nuse(y)\n", true},
		{"no elision without the comment", "use(x)\nuse(y)\n", false},
		{"only inside a string literal", "a := one()\nuse(a)\n", false},
		{"across two declarations", "b := 1\n}\nfunc other() {\nuse(b)\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, _, ok := f.findIn(snippetLines(tt.snippet))
			assert.Equal(t, tt.found, ok)
		})
	}
}
