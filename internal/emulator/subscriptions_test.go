package emulator_test

import (
	"fmt"
	"testing"

	"github.com/dracoon-go/dracoon/dracoontest"
)

// Subscriptions: only what the user may read (nodes) or manage (shares)
// can be subscribed; listings page, filter and sort.

func TestNodeSubscriptionsPermissionsAndPaging(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	admin := login(t, srv).Access
	me := addParty(t, srv, "subscriber")
	team := mustRoom(t, srv, "Team", nil)
	folder := mustFolder(t, srv, team, "Docs")
	file := mustFile(t, srv, folder, "a.txt", "a")
	other := mustRoom(t, srv, "Other", nil)
	secret := mustRoom(t, srv, "Secret", nil)
	inherit := false
	sub := mustRoom(t, srv, "Sub", &dracoontest.RoomOptions{ParentID: secret, InheritPermissions: &inherit})
	ok(t, grantUsers(t, srv, admin, team, me.id, perm("read")), 204)
	ok(t, grantUsers(t, srv, admin, other, me.id, perm("read")), 204)
	ok(t, grantUsers(t, srv, admin, sub, me.id, perm("read")), 204)

	node := ok(t, api(t, srv, me.token, "POST", fmt.Sprintf("/user/subscriptions/nodes/%d", folder), ""), 201)
	if id(node, "id") != folder || node["type"] != "folder" || id(node, "authParentId") != team {
		t.Errorf("subscribed node %v", node)
	}
	ok(t, api(t, srv, me.token, "POST", fmt.Sprintf("/user/subscriptions/nodes/%d", file), ""), 201)
	ok(t, api(t, srv, me.token, "PUT", "/user/subscriptions/nodes", jsonBody(map[string]any{"isSubscribed": true, "objectIds": []int64{team, other}})), 204)
	// Secret is only browsable (the user reads its sub-room): 403; an
	// unknown node is not found.
	wantError(t, api(t, srv, me.token, "POST", fmt.Sprintf("/user/subscriptions/nodes/%d", secret), ""), 403, 0)
	wantError(t, api(t, srv, me.token, "POST", "/user/subscriptions/nodes/999999", ""), 404, -41000)
	// A bulk request with one forbidden id changes nothing.
	wantError(t, api(t, srv, me.token, "PUT", "/user/subscriptions/nodes", jsonBody(map[string]any{"isSubscribed": false, "objectIds": []int64{team, secret}})), 403, 0)

	all := ok(t, api(t, srv, me.token, "GET", "/user/subscriptions/nodes?sort=nodeId:desc", ""), 200)
	if total(all) != 4 {
		t.Fatalf("%d subscriptions, want 4: %v", total(all), all)
	}
	if got := items(t, all); id(got[0], "id") != other || id(got[1], "id") != file || id(got[3], "id") != team {
		t.Errorf("not sorted by node id descending: %v", got)
	}
	page := ok(t, api(t, srv, me.token, "GET", "/user/subscriptions/nodes?offset=1&limit=2&sort=nodeId:asc", ""), 200)
	if got := items(t, page); len(got) != 2 || total(page) != 4 || id(got[0], "id") != folder {
		t.Errorf("page offset 1 limit 2: %v", page)
	}
	inTeam := ok(t, api(t, srv, me.token, "GET", fmt.Sprintf("/user/subscriptions/nodes?filter=authParentId:eq:%d", team), ""), 200)
	if total(inTeam) != 3 {
		t.Errorf("authParentId filter kept %d, want 3: %v", total(inTeam), inTeam)
	}
	one := ok(t, api(t, srv, me.token, "GET", fmt.Sprintf("/user/subscriptions/nodes?filter=nodeId:eq:%d", other), ""), 200)
	if total(one) != 1 {
		t.Errorf("nodeId filter: %v", one)
	}
	wantError(t, api(t, srv, me.token, "GET", "/user/subscriptions/nodes?filter=name:eq:x", ""), 400, -92001)

	// Losing the permission hides the subscription; unsubscribing works.
	ok(t, api(t, srv, admin, "DELETE", fmt.Sprintf("/nodes/rooms/%d/users", other), jsonBody(map[string]any{"ids": []int64{me.id}})), 204)
	ok(t, api(t, srv, me.token, "DELETE", fmt.Sprintf("/user/subscriptions/nodes/%d", file), ""), 204)
	left := ok(t, api(t, srv, me.token, "GET", "/user/subscriptions/nodes", ""), 200)
	if total(left) != 2 {
		t.Errorf("after revocation and unsubscribe: %v", left)
	}
	// The admin has subscriptions of its own (none).
	if total(ok(t, api(t, srv, admin, "GET", "/user/subscriptions/nodes", ""), 200)) != 0 {
		t.Error("another user's subscriptions are listed")
	}
}

func TestShareSubscriptions(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	admin := login(t, srv).Access
	reader := addParty(t, srv, "shareReader")
	room := mustRoom(t, srv, "Shared", nil)
	file := mustFile(t, srv, room, "f.txt", "f")
	ok(t, grantUsers(t, srv, admin, room, reader.id, perm("read")), 204)
	dl := id(ok(t, api(t, srv, admin, "POST", "/shares/downloads", fmt.Sprintf(`{"nodeId":%d}`, file)), 201), "id")
	ul := id(ok(t, api(t, srv, admin, "POST", "/shares/uploads", fmt.Sprintf(`{"targetId":%d,"name":"drop"}`, room)), 201), "id")

	got := ok(t, api(t, srv, admin, "POST", fmt.Sprintf("/user/subscriptions/download_shares/%d", dl), ""), 201)
	if id(got, "id") != dl || id(got, "authParentId") != room {
		t.Errorf("subscribed download share %v", got)
	}
	got = ok(t, api(t, srv, admin, "POST", fmt.Sprintf("/user/subscriptions/upload_shares/%d", ul), ""), 201)
	if id(got, "id") != ul || id(got, "targetNodeId") != room {
		t.Errorf("subscribed upload share %v", got)
	}
	// Reading the room is not managing its shares.
	wantError(t, api(t, srv, reader.token, "POST", fmt.Sprintf("/user/subscriptions/download_shares/%d", dl), ""), 403, 0)
	wantError(t, api(t, srv, reader.token, "PUT", "/user/subscriptions/upload_shares", fmt.Sprintf(`{"isSubscribed":true,"objectIds":[%d]}`, ul)), 403, 0)
	wantError(t, api(t, srv, admin, "POST", "/user/subscriptions/download_shares/999999", ""), 404, -60000)

	list := ok(t, api(t, srv, admin, "GET", fmt.Sprintf("/user/subscriptions/download_shares?filter=authParentId:eq:%d&sort=downloadShareId:desc", room), ""), 200)
	if total(list) != 1 {
		t.Errorf("download share subscriptions %v", list)
	}
	list = ok(t, api(t, srv, admin, "GET", fmt.Sprintf("/user/subscriptions/upload_shares?filter=targetNodeId:eq:%d", room), ""), 200)
	if total(list) != 1 {
		t.Errorf("upload share subscriptions %v", list)
	}
	ok(t, api(t, srv, admin, "PUT", "/user/subscriptions/upload_shares", fmt.Sprintf(`{"isSubscribed":false,"objectIds":[%d]}`, ul)), 204)
	// A deleted share leaves the list.
	ok(t, api(t, srv, admin, "DELETE", fmt.Sprintf("/shares/downloads/%d", dl), ""), 204)
	for _, kind := range []string{"download_shares", "upload_shares"} {
		if n := total(ok(t, api(t, srv, admin, "GET", "/user/subscriptions/"+kind, ""), 200)); n != 0 {
			t.Errorf("%s: %d subscriptions left", kind, n)
		}
	}
}
