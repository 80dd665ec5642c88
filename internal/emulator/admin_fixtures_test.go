package emulator_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/dracoon-go/dracoon/internal/testutil"
)

// absentRecordedKeys lists the keys of the recorded value that got lacks,
// recursively through objects and the first element of arrays; optional
// names keys a recording may have that the emulator leaves out when unset.
func absentRecordedKeys(got, recorded any, at string, optional []string) []string {
	var out []string
	switch r := recorded.(type) {
	case map[string]any:
		g, _ := got.(map[string]any)
		for k, rv := range r {
			gv, ok := g[k]
			if !ok {
				if !slices.Contains(optional, k) {
					out = append(out, at+"."+k)
				}
				continue
			}
			out = append(out, absentRecordedKeys(gv, rv, at+"."+k, optional)...)
		}
	case []any:
		g, _ := got.([]any)
		if len(r) > 0 && len(g) > 0 {
			out = append(out, absentRecordedKeys(g[0], r[0], at+"[0]", optional)...)
		}
	}
	return out
}

// TestAdminShapesMatchRecordings compares the emulator's administration
// answers with the recorded dco3 responses: every property a recording
// has, the emulator sends too (where it has a value).
func TestAdminShapesMatchRecordings(t *testing.T) {
	dir := filepath.Join(testutil.SharedTestdataDir(t), "api")
	srv := newServer(t)
	tok := login(t, srv).Access
	hdr := "X-Sds-Service-Token: " + srv.ServiceToken
	expect(t, api(t, srv, tok, "POST", "/nodes/rooms", fmt.Sprintf(`{"name":"R","adminIds":[%d]}`, srv.AdminID)), 201, nil)
	var c struct{ ID int64 }
	created := api(t, srv, "", "POST", "/provisioning/customers",
		`{"customerContractType":"demo","quotaMax":1073741824,"userMax":10,"trialDays":3,"providerCustomerId":"p1","firstAdminUser":{"firstName":"A","lastName":"B","userName":"ab","email":"ab@example.invalid","phone":"1","notifyUser":true},"customerAttributes":{"items":[{"key":"k","value":"v"}]}}`, hdr)
	expect(t, created, 201, &c)
	updated := api(t, srv, "", "PUT", fmt.Sprintf("/provisioning/customers/%d", c.ID), `{"customerContractType":"pay"}`, hdr)
	expect(t, updated, 200, nil)
	api(t, srv, "", "PUT", fmt.Sprintf("/provisioning/customers/%d/customerAttributes", c.ID), `{"items":[{"key":"k2","value":"v2"}]}`, hdr)

	for _, tc := range []struct {
		fixture  string
		r        response
		optional []string
	}{
		{"eventlog/dco3/events_ok.json", api(t, srv, tok, "GET", "/eventlog/events", ""),
			// no second object, no attributes, no IP logging; the newest event (a customer change) is outside the node tree
			[]string{"objectId2", "objectType2", "objectName2", "attribute1", "attribute2", "attribute3", "userIp", "authParentTarget", "authParentSource"}},
		{"eventlog/dco3/event_operations_ok.json", api(t, srv, tok, "GET", "/eventlog/operations", ""), nil},
		{"eventlog/dco3/audit_node_list_ok.json", api(t, srv, tok, "GET", "/eventlog/audits/nodes", ""), []string{"nodeParentId"}},
		{"provisioning/dco3/customer_ok.json", api(t, srv, "", "GET", fmt.Sprintf("/provisioning/customers/%d?include_attributes=true", c.ID), "", hdr),
			[]string{"lastLoginAt", "trialDaysLeft"}},
		{"provisioning/dco3/customers_ok.json", api(t, srv, "", "GET", "/provisioning/customers?include_attributes=true", "", hdr),
			[]string{"lastLoginAt", "trialDaysLeft"}},
		{"provisioning/dco3/new_customer_ok.json", created, nil},
		{"provisioning/dco3/update_customer_ok.json", updated, []string{"trialDays", "customerAttributes"}},
	} {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(tc.fixture)))
		if err != nil {
			t.Fatal(err)
		}
		var want, got any
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(tc.r.body, &got); err != nil {
			t.Fatalf("%s: %v", tc.fixture, err)
		}
		if m := absentRecordedKeys(got, want, "$", tc.optional); len(m) > 0 {
			t.Errorf("%s: the emulator lacks %v", tc.fixture, m)
		}
	}
}
