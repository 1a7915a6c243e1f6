package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/wxmp/wxmp/api"
)

// mediaLifetime is how long WeChat keeps a temporary media file.
const mediaLifetime = 3 * 24 * time.Hour

const mediaSynopsis = `wxmp media upload TYPE FILE        (- reads standard input)
       wxmp media download MEDIA_ID -o FILE  (-o - writes to standard output)

Uploads or downloads a temporary media file (临时素材), as c.Media in package
api does. WeChat keeps it 3 days; messages refer to it by its media_id.

upload streams FILE as TYPE, one of
  image  PNG, JPEG or GIF, up to 10 MB
  voice  AMR or MP3, up to 2 MB and 60 s
  video  MP4, up to 10 MB
  thumb  JPEG, up to 64 KB (the picture of a video or music message)
after checking its size and first bytes, and prints the media_id.

download saves the file to FILE (written whole or not at all). WeChat does
not hand out a video's bytes here: for a video wxmp prints the URL WeChat
gives instead and writes nothing.

` + apiEnvHelp

func (c *cli) media(ctx context.Context, args []string) int {
	s := c.newSubcommand("media", mediaSynopsis)
	timeout := s.apiFlags()
	out := s.String("o", "", "download: the `FILE` to save to (- for standard output)")
	if code, ok := s.parseInterspersed(args); !ok {
		return code
	}
	pos := s.rest
	if len(pos) == 0 {
		return s.usageError("want upload TYPE FILE or download MEDIA_ID -o FILE")
	}
	switch op := pos[0]; {
	case op == "upload" && len(pos) == 3:
		if *out != "" {
			return s.usageError("-o applies to download only")
		}
		t := api.MediaType(pos[1])
		if t.MaxBytes() == 0 {
			return s.usageError("TYPE must be image, voice, video or thumb, not %q", pos[1])
		}
		acct, code, ok := c.account(s, *timeout)
		if !ok {
			return code
		}
		return c.upload(ctx, acct, t, pos[2])
	case op == "download" && len(pos) == 2:
		if *out == "" {
			return s.usageError("download needs -o FILE (- for standard output)")
		}
		acct, code, ok := c.account(s, *timeout)
		if !ok {
			return code
		}
		return c.download(ctx, acct, pos[1], *out)
	case op == "upload" || op == "download":
		return s.usageError("want upload TYPE FILE or download MEDIA_ID -o FILE, got %s with %d argument(s)", op, len(pos)-1)
	default:
		return s.usageError("unknown operation %q: want upload or download", op)
	}
}

func (c *cli) upload(ctx context.Context, acct *account, t api.MediaType, name string) int {
	var r io.Reader = c.stdin
	filename := ""
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintln(c.stderr, "wxmp media:", err)
			return exitFail
		}
		defer f.Close()
		r, filename = f, filepath.Base(name)
	}
	ctx, cancel := acct.context(ctx)
	defer cancel()
	up, err := acct.client.Media.Upload(ctx, t, filename, r)
	if errors.Is(err, api.ErrInvalidArgument) {
		fmt.Fprintf(c.stderr, "wxmp media: %s: %v\n", name, err) // the file's size or format: nothing was sent
		return exitFail
	}
	if err != nil {
		return c.fail("media", err)
	}
	w := c.stdout
	fmt.Fprintf(w, "media_id:   %s\n", up.MediaID)
	fmt.Fprintf(w, "type:       %s\n", up.Type)
	if !up.CreatedAt.IsZero() {
		fmt.Fprintf(w, "created_at: %s (usable until %s)\n", up.CreatedAt.Format(time.RFC3339), up.CreatedAt.Add(mediaLifetime).Format(time.RFC3339))
	}
	return exitOK
}

func (c *cli) download(ctx context.Context, acct *account, mediaID, out string) int {
	ctx, cancel := acct.context(ctx)
	defer cancel()
	if out == "-" {
		d, err := acct.client.Media.Download(ctx, mediaID, c.stdout)
		if err != nil {
			return c.fail("media", err)
		}
		c.describeDownload(c.stderr, d, "standard output")
		return exitOK
	}
	// Write next to out and rename once complete, so that a failed or
	// cut download leaves no partial file (and an old out untouched).
	tmp, err := os.CreateTemp(filepath.Dir(out), ".wxmp-download-*")
	if err != nil {
		fmt.Fprintln(c.stderr, "wxmp media:", err)
		return exitFail
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	_ = tmp.Chmod(0o644)        // as a new file would be, not CreateTemp's 0600
	d, err := acct.client.Media.Download(ctx, mediaID, tmp)
	if cerr := tmp.Close(); err == nil && cerr != nil {
		fmt.Fprintln(c.stderr, "wxmp media:", cerr)
		return exitFail
	}
	if err != nil {
		return c.fail("media", err)
	}
	if d.VideoURL == "" {
		if err := os.Rename(tmp.Name(), out); err != nil {
			fmt.Fprintln(c.stderr, "wxmp media:", err)
			return exitFail
		}
	}
	c.describeDownload(c.stdout, d, out)
	return exitOK
}

// describeDownload says what Download fetched. The file name and content
// type come from the server, so they are quoted.
func (c *cli) describeDownload(w io.Writer, d *api.Downloaded, dest string) {
	if d.VideoURL != "" {
		u := d.VideoURL
		if !printable(u) {
			u = fmt.Sprintf("%q", u)
		}
		fmt.Fprintf(w, "a video: WeChat gives its URL instead of the file, and nothing was written:\n%s\n", u)
		return
	}
	fmt.Fprintf(w, "saved %s to %s", plural(int(d.Size), "byte", "bytes"), dest)
	if d.ContentType != "" {
		fmt.Fprintf(w, ", %q", d.ContentType)
	}
	if d.Filename != "" {
		fmt.Fprintf(w, ", named %q by WeChat", d.Filename)
	}
	fmt.Fprintln(w)
}
