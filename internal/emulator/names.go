package emulator

import (
	"strings"
	"unicode/utf8"
)

// Node naming rules (api-flows §10, OpenAPI "Node naming convention"):
// at most 150 characters; none of \ < > : " | ? * /; no leading '-', no
// trailing '.'; not a reserved device name (CON, PRN, AUX, NUL, COM1–9,
// LPT1–9), also not with an extension.

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
	if strings.ContainsAny(name, `\<>:"|?*/`) || strings.HasPrefix(name, "-") || strings.HasSuffix(name, ".") {
		return errBadNodeName
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return errBadNodeName
		}
	}
	stem, _, _ := strings.Cut(name, ".")
	if reservedNames[strings.ToUpper(strings.TrimSpace(stem))] {
		return errBadNodeName
	}
	return nil
}
