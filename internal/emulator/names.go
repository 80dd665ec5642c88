package emulator

import (
	"strings"
	"unicode/utf8"
)

// Node naming rules (api-flows §10, OpenAPI "Node naming convention"),
// checked by validateNodeName for every room, folder and file name:
//
//   - not empty or blank (-80000), at most 150 characters (-80007);
//   - valid UTF-8 (lone surrogates cannot get this far: decodeJSON refuses
//     them);
//   - none of \ < > : " | ? * / and no C0 or C1 control character or DEL
//     (U+009B alone can drive a terminal that prints the name);
//   - no leading '-', no trailing '.' or space;
//   - not a reserved device name (CON, PRN, AUX, NUL, COM1–9, LPT1–9), also
//     not with an extension or trailing blanks before it.
//
// Every violation other than emptiness and length is 400 -40755 "Bad node
// name".

const maxNodeName = 150

var reservedNames = func() map[string]bool {
	m := map[string]bool{"CON": true, "PRN": true, "AUX": true, "NUL": true}
	for _, p := range []string{"COM", "LPT"} {
		for i := '1'; i <= '9'; i++ {
			m[p+string(i)] = true
		}
	}
	return m
}()

// isControl reports whether r is a C0 or C1 control character or DEL.
func isControl(r rune) bool {
	return r < 0x20 || (r >= 0x7f && r <= 0x9f)
}

// validateNodeName checks a room, folder or file name.
func validateNodeName(name string) *apiError {
	if strings.TrimSpace(name) == "" {
		return errMandatory
	}
	if utf8.RuneCountInString(name) > maxNodeName {
		return errTooLong
	}
	if !utf8.ValidString(name) {
		return errBadNodeName
	}
	if strings.ContainsAny(name, `\<>:"|?*/`) || strings.HasPrefix(name, "-") ||
		strings.HasSuffix(name, ".") || strings.HasSuffix(name, " ") {
		return errBadNodeName
	}
	for _, r := range name {
		if isControl(r) {
			return errBadNodeName
		}
	}
	stem, _, _ := strings.Cut(name, ".")
	if reservedNames[strings.ToUpper(strings.TrimSpace(stem))] {
		return errBadNodeName
	}
	return nil
}

// validateText checks a free-text account field (first/last name, user
// name, phone, …): valid UTF-8 without C0/C1 control characters; 400
// -80023 "Input contains invalid characters" otherwise. Empty text passes;
// mandatory checks are the caller's.
func validateText(s string) *apiError {
	if !utf8.ValidString(s) {
		return errInvalidChars
	}
	for _, r := range s {
		if isControl(r) {
			return errInvalidChars
		}
	}
	return nil
}
