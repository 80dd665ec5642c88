package emulator

import "strings"

// logPath is the request path as the request log shows it: path segments
// that are secrets (password reset tokens, upload and download tokens,
// share access keys and the tokens under them) are replaced by "***", so
// that whoever reads the log cannot use them.
func logPath(p string) string {
	segs := strings.Split(p, "/")
	if len(segs) < 5 || segs[1] != "api" || segs[2] != "v4" {
		return p
	}
	rest := segs[3:] // shares segs' array: hiding here changes segs
	hide := func(i int) {
		if i < len(rest) {
			rest[i] = "***"
		}
	}
	switch {
	case rest[0] == "auth" && rest[1] == "reset_password":
		hide(2)
	case rest[0] == "uploads":
		hide(1)
	case rest[0] == "downloads" && rest[1] == "zip":
		hide(2)
	case rest[0] == "downloads" && rest[1] != "avatar":
		hide(1)
	case rest[0] == "public" && rest[1] == "shares":
		hide(3)
		hide(4)
	}
	return strings.Join(segs, "/")
}
