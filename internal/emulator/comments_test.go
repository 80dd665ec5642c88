package emulator_test

import (
	"fmt"
	"strings"
	"testing"
)

func TestCommentsAndFavorites(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tk := login(t, srv).Access
	room := mustRoom(t, srv, "C", nil)
	file := mustFile(t, srv, room, "f.txt", "x")
	reader := addParty(t, srv, "reader")
	ok(t, grantUsers(t, srv, tk, room, reader.id, perm("read")), 204)
	outsider := addParty(t, srv, "outsider")

	c1 := ok(t, api(t, srv, tk, "POST", fmt.Sprintf("/nodes/%d/comments", file), `{"text":"first"}`), 201)
	ok(t, api(t, srv, reader.token, "POST", fmt.Sprintf("/nodes/%d/comments", file), `{"text":"second"}`), 201)
	wantError(t, api(t, srv, outsider.token, "POST", fmt.Sprintf("/nodes/%d/comments", file), `{"text":"x"}`), 404, -41000)
	wantError(t, api(t, srv, tk, "POST", fmt.Sprintf("/nodes/%d/comments", file), `{"text":""}`), 400, -80000)
	wantError(t, api(t, srv, tk, "POST", fmt.Sprintf("/nodes/%d/comments", file), jsonBody(map[string]string{"text": strings.Repeat("x", 65536)})), 400, -80007)

	cid := id(c1, "id")
	wantError(t, api(t, srv, reader.token, "PUT", fmt.Sprintf("/nodes/comments/%d", cid), `{"text":"hijack"}`), 403, 0)
	up := ok(t, api(t, srv, tk, "PUT", fmt.Sprintf("/nodes/comments/%d", cid), `{"text":"edited"}`), 200)
	if up["text"] != "edited" || up["isChanged"] != true {
		t.Errorf("edited comment %v", up)
	}
	if n := ok(t, getNode(t, srv, tk, file), 200); n["cntComments"] != float64(2) {
		t.Errorf("cntComments %v", n["cntComments"])
	}
	ok(t, api(t, srv, tk, "DELETE", fmt.Sprintf("/nodes/comments/%d", cid), ""), 204)
	wantError(t, api(t, srv, tk, "PUT", fmt.Sprintf("/nodes/comments/%d", cid), `{"text":"again"}`), 400, -80039)
	wantError(t, api(t, srv, tk, "DELETE", "/nodes/comments/99999", ""), 404, -41400)
	list := ok(t, api(t, srv, reader.token, "GET", fmt.Sprintf("/nodes/%d/comments", file), ""), 200)
	if it := items(t, list); len(it) != 2 || it[0]["isDeleted"] != true || it[1]["text"] != "second" {
		t.Errorf("comments %v", it)
	}
	if hidden := ok(t, api(t, srv, reader.token, "GET", fmt.Sprintf("/nodes/%d/comments?hide_deleted=true", file), ""), 200); total(hidden) != 1 {
		t.Errorf("hide_deleted total %d", total(hidden))
	}
	wantError(t, api(t, srv, tk, "GET", fmt.Sprintf("/nodes/%d/comments?hide_deleted=maybe", file), ""), 400, -80005)

	// Favorites are per user.
	fav := ok(t, api(t, srv, reader.token, "POST", fmt.Sprintf("/nodes/%d/favorite", file), ""), 201)
	if fav["isFavorite"] != true {
		t.Errorf("favorite answer %v", fav)
	}
	if n := ok(t, getNode(t, srv, tk, file), 200); n["isFavorite"] != false {
		t.Error("favorite leaked to another user")
	}
	r := ok(t, api(t, srv, reader.token, "GET", "/nodes/search?search_string=*&depth_level=-1&filter=isFavorite:eq:true", ""), 200)
	if names := itemNames(t, r); len(names) != 1 || names[0] != "f.txt" {
		t.Errorf("favorites search %v", names)
	}
	ok(t, api(t, srv, reader.token, "DELETE", fmt.Sprintf("/nodes/%d/favorite", file), ""), 204)
	wantError(t, api(t, srv, reader.token, "DELETE", fmt.Sprintf("/nodes/%d/favorite", file), ""), 400, -41301)
	ok(t, api(t, srv, tk, "PUT", "/nodes/favorites", fmt.Sprintf(`{"isFavorite":true,"objectIds":[%d,%d]}`, file, room)), 204)
	if n := ok(t, getNode(t, srv, tk, room), 200); n["isFavorite"] != true {
		t.Error("bulk favorite not set")
	}
	wantError(t, api(t, srv, outsider.token, "POST", fmt.Sprintf("/nodes/%d/favorite", file), ""), 404, -41000)
}
