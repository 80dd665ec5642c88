package dracoon

import (
	"fmt"
	"log/slog"
	"time"
)

// Token is an OAuth token set as DRACOON's token endpoint issues it.
//
// Printing a Token with fmt (any verb) or logging it with log/slog shows
// only its expiry, never the token strings. Persist the RefreshToken, not
// the AccessToken.
type Token struct {
	// AccessToken authorises API calls; it expires at Expiry.
	AccessToken string
	// RefreshToken obtains new access tokens (empty if none was issued).
	RefreshToken string
	// TokenType is normally "bearer".
	TokenType string
	// Expiry is when AccessToken stops working; zero if unknown.
	Expiry time.Time
	// Scope is the granted scope, normally "all".
	Scope string
}

// String describes the token without its secrets.
func (t Token) String() string {
	switch {
	case t.AccessToken == "" && t.RefreshToken == "":
		return "Token(empty)"
	case t.Expiry.IsZero():
		return fmt.Sprintf("Token(refresh token: %t, no expiry)", t.RefreshToken != "")
	}
	return fmt.Sprintf("Token(refresh token: %t, expires %s)", t.RefreshToken != "", t.Expiry.UTC().Format(time.RFC3339))
}

// GoString describes the token without its secrets, also under %#v.
func (t Token) GoString() string { return t.String() }

// Format prints the description for every fmt verb, so that %v, %+v, %s
// and %q cannot reach the token strings through reflection.
func (t Token) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", t.String())
		return
	}
	fmt.Fprint(f, t.String())
}

// LogValue keeps the token strings out of slog records.
func (t Token) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Bool("refresh_token", t.RefreshToken != ""),
		slog.Time("expiry", t.Expiry),
	)
}

// tokenResponse is the body of a successful /oauth/token call.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int64  `json:"expires_in"`
	Scope        string `json:"scope"`
}

// token converts the response, computing the expiry from issued.
func (r *tokenResponse) token(issued time.Time) Token {
	t := Token{AccessToken: r.AccessToken, RefreshToken: r.RefreshToken, TokenType: r.TokenType, Scope: r.Scope}
	if r.ExpiresIn > 0 {
		t.Expiry = issued.Add(seconds(r.ExpiresIn)) // clamped: a huge value must not wrap into the past
	}
	return t
}
