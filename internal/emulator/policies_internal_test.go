package emulator

import (
	"testing"
	"time"
)

// TestPasswordRules checks the rules of one policy: character classes
// (all listed or a number of them), minimum length, user info, keyboard
// patterns and dictionary words; and that the shares policy is its own.
func TestPasswordRules(t *testing.T) {
	st := &state{admin: newAdminState(time.Unix(0, 0), 1)}
	st.admin.policies.SharesPasswordPolicies.MinLength = 10
	st.admin.policies.SharesPasswordPolicies.CharacterRules = characterRulesJSON{MustContainCharacters: []string{"uppercase", "numeric", "special"}, NumberOfCharacteristicsToEnforce: 2}
	st.admin.policies.SharesPasswordPolicies.RejectUserInfo = true
	st.admin.policies.SharesPasswordPolicies.RejectKeyboardPatterns = true
	st.admin.policies.SharesPasswordPolicies.RejectDictionaryWords = true
	for _, c := range []struct {
		pw string
		ok bool
	}{
		{"Abcdefgh1x", true},     // uppercase + numeric
		{"abcdefgh1!", true},     // numeric + special
		{"abcdefghi1", false},    // numeric only
		{"Abc1x", false},         // too short
		{"Bobby-Tables9", false}, // contains the user name
		{"Xqwerty-9kk", false},   // keyboard row
		{"Password-9kk", false},  // dictionary word
		{"Zebra-Unicorn", true},  // uppercase + special
	} {
		err := st.checkSharePassword(c.pw, "bobby", "Bobby", "Tables")
		if (err == nil) != c.ok {
			t.Errorf("share password %q: error %v, want ok=%v", c.pw, err, c.ok)
		}
	}
	// The login policy is untouched by the shares policy: 8 characters, no
	// character rules, and the forbidden characters of the document.
	if err := st.checkPassword("abcdefgh"); err != nil {
		t.Errorf("login policy: %v", err)
	}
	if err := st.checkPassword("abcd<efgh"); err == nil {
		t.Error("a forbidden character passed")
	}
	all := characterRulesJSON{MustContainCharacters: []string{"all"}}
	if meetsCharacterRules("Abc1", all) || !meetsCharacterRules("Ab1!", all) {
		t.Error("\"all\" must require the four classes")
	}
}
