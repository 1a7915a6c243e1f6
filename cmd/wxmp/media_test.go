package main

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/wxmptest"
)

func TestMediaCommand(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	dir := t.TempDir()
	photo := filepath.Join(dir, "photo.png")
	require.NoError(t, os.WriteFile(photo, pngFile, 0o644))

	out := wxmpAPI(t, fake, nil, "", "media", "upload", "image", photo)
	require.Equal(t, exitOK, out.code, out.stderr)
	m := regexp.MustCompile(`(?m)^media_id:   (\S+)$`).FindStringSubmatch(out.stdout)
	require.NotNil(t, m, out.stdout)
	stored, ok := fake.Media(m[1])
	require.True(t, ok)
	assert.Equal(t, pngFile, stored.Data)
	assert.Equal(t, "photo.png", stored.Filename)
	assert.Contains(t, out.stdout, "type:       image\n")
	assert.Contains(t, out.stdout, "created_at: 2026-01-02T03:04:05Z (usable until 2026-01-05T03:04:05Z)\n")

	// From standard input; a thumb's id comes back all the same.
	out = wxmpAPI(t, fake, nil, string(jpegFile), "media", "upload", "thumb", "-")
	require.Equal(t, exitOK, out.code, out.stderr)
	assert.Regexp(t, `(?m)^media_id:   \S+$`, out.stdout)

	// download MEDIA_ID -o FILE, flags after the argument.
	saved := filepath.Join(dir, "saved.png")
	out = wxmpAPI(t, fake, nil, "", "media", "download", m[1], "-o", saved)
	require.Equal(t, exitOK, out.code, out.stderr)
	b, err := os.ReadFile(saved)
	require.NoError(t, err)
	assert.Equal(t, pngFile, b)
	assert.Contains(t, out.stdout, "saved 616 bytes to "+saved)
	assert.Contains(t, out.stdout, `named "photo.png" by WeChat`)

	out = wxmpAPI(t, fake, nil, "", "media", "download", "-o", "-", m[1])
	require.Equal(t, exitOK, out.code, out.stderr)
	assert.Equal(t, string(pngFile), out.stdout)
	assert.Contains(t, out.stderr, "saved 616 bytes to standard output")

	video := fake.AddMedia("video", "clip.mp4", mp4File)
	out = wxmpAPI(t, fake, nil, "", "media", "download", video, "-o", filepath.Join(dir, "clip.mp4"))
	require.Equal(t, exitOK, out.code, out.stderr)
	assert.Contains(t, out.stdout, "a video: WeChat gives its URL instead of the file")
	assert.Contains(t, out.stdout, fake.URL+"/")
	assert.NoFileExists(t, filepath.Join(dir, "clip.mp4"))

	// An unknown id: WeChat's 40007, and no file, not even a partial one.
	out = wxmpAPI(t, fake, nil, "", "media", "download", "NO_SUCH_ID", "-o", filepath.Join(dir, "none"))
	assert.Equal(t, exitFail, out.code)
	assert.Contains(t, out.stderr, "errcode 40007")
	assert.Contains(t, out.stderr, "hint: ")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.ElementsMatch(t, []string{"photo.png", "saved.png"}, names, "no temporary file left behind")

	// A file of the wrong format is refused before the upload.
	text := filepath.Join(dir, "notes.txt")
	require.NoError(t, os.WriteFile(text, []byte("just text"), 0o644))
	out = wxmpAPI(t, fake, nil, "", "media", "upload", "image", text)
	assert.Equal(t, exitFail, out.code)
	assert.Contains(t, out.stderr, "not of a format WeChat accepts as image")
	assert.Equal(t, 2, fake.Calls(wxmptest.APIMediaUploadPath))
}

// TestMediaUsageErrors: bad flags and arguments of media are usage errors
// that make no request.
func TestMediaUsageErrors(t *testing.T) {
	t.Parallel()
	checkUsageErrors(t, []usageCase{
		{neither, []string{"media", "download", "X", "-o", "-"}, "are not set"},
		{nil, []string{"media"}, "want upload TYPE FILE or download MEDIA_ID -o FILE"},
		{nil, []string{"media", "upload", "gif", "a.gif"}, `TYPE must be image, voice, video or thumb, not "gif"`},
		{nil, []string{"media", "upload", "image"}, "got upload with 1 argument(s)"},
		{nil, []string{"media", "download", "X"}, "download needs -o FILE"},
		{nil, []string{"media", "upload", "image", "a.png", "-o", "b"}, "-o applies to download only"},
	})
}
