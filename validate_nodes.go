package dracoon

import (
	"strings"
	"unicode/utf8"
)

// Validation rules for nodes and rooms (the common core is in
// validate.go).

// maxNodeNameLength is the longest name DRACOON accepts, in characters.
const maxNodeNameLength = 150

// reservedNodeNames are device names DRACOON refuses as names, also with an
// extension ("CON.txt").
var reservedNodeNames = map[string]bool{
	"CON": true, "PRN": true, "AUX": true, "NUL": true,
	"COM1": true, "COM2": true, "COM3": true, "COM4": true, "COM5": true, "COM6": true, "COM7": true, "COM8": true, "COM9": true,
	"LPT1": true, "LPT2": true, "LPT3": true, "LPT4": true, "LPT5": true, "LPT6": true, "LPT7": true, "LPT8": true, "LPT9": true,
}

// checkNodeName applies DRACOON's naming rules for rooms, folders and
// files: not empty, at most 150 characters, none of \ < > : " | ? * / and
// no control characters, no leading '-', no trailing '.', and not a
// reserved device name.
func checkNodeName(field, name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return invalid(field, "must not be empty")
	case !utf8.ValidString(name):
		return invalid(field, "must be valid UTF-8")
	case utf8.RuneCountInString(name) > maxNodeNameLength:
		return invalid(field, "longer than %d characters", maxNodeNameLength)
	case strings.ContainsRune(name, '/'):
		return invalid(field, "must not contain '/'")
	case strings.ContainsAny(name, `\<>:"|?*`):
		return invalid(field, `must not contain any of \ < > : " | ? *`)
	case strings.HasPrefix(name, "-"):
		return invalid(field, "must not start with '-'")
	case strings.HasSuffix(name, "."):
		return invalid(field, "must not end with '.'")
	case strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return invalid(field, "must not contain control characters")
	}
	stem, _, _ := strings.Cut(name, ".")
	if reservedNodeNames[strings.ToUpper(strings.TrimSpace(stem))] {
		return invalid(field, "%q is a reserved name", stem)
	}
	return nil
}

// checkOptionalName checks a name that may be left out (nil).
func checkOptionalName(field string, name *string) error {
	if name == nil {
		return nil
	}
	return checkNodeName(field, *name)
}

// checkOptionalIDs requires positive ids in a list that may be empty.
func checkOptionalIDs(field string, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	return checkIDs(field, ids)
}

// Classification levels of files and rooms.
const (
	ClassificationPublic               = 1
	ClassificationInternal             = 2
	ClassificationConfidential         = 3
	ClassificationStrictlyConfidential = 4
)

// checkClassification accepts 0 (not set) and 1–4.
func checkClassification(field string, c int) error {
	if c < 0 || c > ClassificationStrictlyConfidential {
		return invalid(field, "must be 1 (public) to 4 (strictly confidential), got %d", c)
	}
	return nil
}

// Resolution strategies for name clashes on copy, move, restore and upload.
const (
	ResolutionAutorename = "autorename"
	ResolutionOverwrite  = "overwrite"
	ResolutionFail       = "fail"
)

// checkResolution accepts "" (the server's default, autorename) and the
// three strategies.
func checkResolution(field, s string) error {
	switch s {
	case "", ResolutionAutorename, ResolutionOverwrite, ResolutionFail:
		return nil
	}
	return invalid(field, "must be autorename, overwrite or fail, got %q", s)
}

// New-group-member acceptance modes of a room.
const (
	GroupMemberAcceptanceAutoAllow = "autoallow"
	GroupMemberAcceptancePending   = "pending"
)

// checkAcceptance accepts "" and the two modes.
func checkAcceptance(field, s string) error {
	switch s {
	case "", GroupMemberAcceptanceAutoAllow, GroupMemberAcceptancePending:
		return nil
	}
	return invalid(field, "must be autoallow or pending, got %q", s)
}

// maxRecycleBinRetention is the largest retention period, in days.
const maxRecycleBinRetention = 9999

// checkRetention accepts nil and 0–9999 days.
func checkRetention(field string, days *int) error {
	if days != nil && (*days < 0 || *days > maxRecycleBinRetention) {
		return invalid(field, "must be 0 to %d days, got %d", maxRecycleBinRetention, *days)
	}
	return nil
}

// checkQuota accepts nil and non-negative byte counts (0 = no quota).
func checkQuota(field string, q *int64) error {
	if q != nil && *q < 0 {
		return invalid(field, "must not be negative, got %d", *q)
	}
	return nil
}

// maxNotesLength is the longest node note DRACOON accepts, in characters.
const maxNotesLength = 255

// checkNotes accepts nil and notes of at most 255 characters.
func checkNotes(notes *string) error {
	if notes != nil && utf8.RuneCountInString(*notes) > maxNotesLength {
		return invalid("notes", "longer than %d characters", maxNotesLength)
	}
	return nil
}
