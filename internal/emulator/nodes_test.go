package emulator_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/dracoon-go/dracoon/dracoontest"
)

type nodeItem struct {
	ID          float64
	Name        string
	ParentPath  string
	Permissions map[string]any
}

func listNodes(t *testing.T, srv *dracoontest.Server, token, query string) ([]nodeItem, map[string]any) {
	t.Helper()
	r := api(t, srv, token, "GET", "/nodes?"+query, "")
	if r.status != 200 {
		t.Fatalf("GET /nodes?%s: %d %s", query, r.status, r.body)
	}
	m := r.json(t)
	var out []nodeItem
	for _, it := range m["items"].([]any) {
		n := it.(map[string]any)
		out = append(out, nodeItem{ID: n["id"].(float64), Name: n["name"].(string), ParentPath: n["parentPath"].(string), Permissions: n["permissions"].(map[string]any)})
	}
	return out, m["range"].(map[string]any)
}

func names(items []nodeItem) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Name)
	}
	return out
}

func TestCreateRoom(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tk := login(t, srv)
	r := api(t, srv, tk.Access, "POST", "/nodes/rooms",
		fmt.Sprintf(`{"name":"Projects","adminIds":[%d],"notes":"n","classification":3,"quota":1024,"recycleBinRetentionPeriod":30,"hasRecycleBin":true,"inheritPermissions":false,"timestampCreation":"2020-01-02T03:04:05Z"}`, srv.AdminID))
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	room := r.json(t)
	if room["type"] != "room" || room["parentPath"] != "/" || room["classification"] != float64(3) || room["quota"] != float64(1024) ||
		room["timestampCreation"] != "2020-01-02T03:04:05.000Z" {
		t.Errorf("room: %s", r.body)
	}
	if _, has := room["parentId"]; has {
		t.Error("top-level room has a parentId")
	}
	for k, v := range room["permissions"].(map[string]any) {
		if v != true {
			t.Errorf("admin lacks %s", k)
		}
	}
	id := int64(room["id"].(float64))
	sub := api(t, srv, tk.Access, "POST", "/nodes/rooms", fmt.Sprintf(`{"name":"Sub","parentId":%d}`, id))
	if sub.status != 201 {
		t.Fatalf("sub-room: %d %s", sub.status, sub.body)
	}
	s := sub.json(t)
	if s["parentPath"] != "/Projects/" || s["parentId"] != float64(id) || s["inheritPermissions"] != true || s["permissions"].(map[string]any)["manage"] != true {
		t.Errorf("sub-room: %s", sub.body)
	}
	subID := int64(s["id"].(float64))
	if subID != id+1 {
		t.Errorf("node ids not from one sequence: %d after %d", subID, id)
	}
	got := api(t, srv, tk.Access, "GET", fmt.Sprintf("/nodes/%d", subID), "")
	if got.status != 200 || got.json(t)["encryptionInfo"] == nil {
		t.Fatalf("get node: %d %s", got.status, got.body)
	}
	parent := api(t, srv, tk.Access, "GET", fmt.Sprintf("/nodes/%d", id), "").json(t)
	if parent["cntRooms"] != float64(1) || parent["branchVersion"].(float64) < s["branchVersion"].(float64) {
		t.Errorf("parent counters/branch version not updated: %v %v", parent["cntRooms"], parent["branchVersion"])
	}
	wantError(t, api(t, srv, tk.Access, "GET", "/nodes/99999", ""), 404, -41000)
	wantError(t, api(t, srv, tk.Access, "POST", "/nodes/rooms", fmt.Sprintf(`{"name":"projects","adminIds":[%d]}`, srv.AdminID)), 409, 0)
	wantError(t, api(t, srv, tk.Access, "POST", "/nodes/rooms", fmt.Sprintf(`{"name":"SUB","parentId":%d}`, id)), 409, 0)
	// The same name in another parent is fine.
	if r := api(t, srv, tk.Access, "POST", "/nodes/rooms", fmt.Sprintf(`{"name":"Projects","parentId":%d}`, subID)); r.status != 201 {
		t.Errorf("same name below another parent: %d %s", r.status, r.body)
	}
}

func TestCreateRoomValidation(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tk := login(t, srv)
	admin := fmt.Sprintf(`"adminIds":[%d]`, srv.AdminID)
	cases := []struct {
		name   string
		body   string
		status int
		code   int
	}{
		{"empty name", `{"name":"  ",` + admin + `}`, 400, -80000},
		{"too long", `{"name":"` + strings.Repeat("a", 151) + `",` + admin + `}`, 400, -80007},
		{"slash", `{"name":"a/b",` + admin + `}`, 400, -40755},
		{"colon", `{"name":"a:b",` + admin + `}`, 400, -40755},
		{"angle bracket", `{"name":"a<b",` + admin + `}`, 400, -40755},
		{"leading dash", `{"name":"-a",` + admin + `}`, 400, -40755},
		{"trailing dot", `{"name":"a.",` + admin + `}`, 400, -40755},
		{"reserved", `{"name":"CON",` + admin + `}`, 400, -40755},
		{"reserved with extension", `{"name":"lpt1.txt",` + admin + `}`, 400, -40755},
		{"notes too long", `{"name":"a","notes":"` + strings.Repeat("n", 256) + `",` + admin + `}`, 400, -80007},
		{"classification", `{"name":"a","classification":5,` + admin + `}`, 400, -40756},
		{"retention", `{"name":"a","recycleBinRetentionPeriod":10000,` + admin + `}`, 400, -80018},
		{"acceptance", `{"name":"a","newGroupMemberAcceptance":"maybe",` + admin + `}`, 400, -80025},
		{"recycle bin off", `{"name":"a","hasRecycleBin":false,` + admin + `}`, 400, -40011},
		{"inherit at top level", `{"name":"a","inheritPermissions":true,` + admin + `}`, 400, -40017},
		{"no admin", `{"name":"a"}`, 400, -40006},
		{"unknown admin", `{"name":"a","adminIds":[4242]}`, 404, -70501},
		{"unknown group", `{"name":"a","adminGroupIds":[1]}`, 404, -30000},
		{"unknown parent", `{"name":"a","parentId":4242}`, 404, -40000},
		{"malformed", `{"name":`, 400, -80013},
		{"wrong type", `{"name":"a","quota":"lots",` + admin + `}`, 400, -80002},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantError(t, api(t, srv, tk.Access, "POST", "/nodes/rooms", c.body), c.status, c.code)
		})
	}
	if l, rng := listNodes(t, srv, tk.Access, ""); len(l) != 0 || rng["total"] != float64(0) {
		t.Fatalf("rejected rooms were created: %v", names(l))
	}
	for _, ok := range []string{"Ünïcødé ✓", "a.b.c", "con-tract", "COM10", ".hidden"} {
		if r := api(t, srv, tk.Access, "POST", "/nodes/rooms", `{"name":"`+ok+`",`+admin+`}`); r.status != 201 {
			t.Errorf("valid name %q rejected: %d %s", ok, r.status, r.body)
		}
	}
}

func TestRoomPermissionsAndVisibility(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	bob, err := srv.AddUser("bob", "bob-pw")
	if err != nil {
		t.Fatal(err)
	}
	admin := login(t, srv)
	bobTk := loginAs(t, srv, "bob", "bob-pw")
	// Bob may not create top-level rooms (no ROOM_MANAGER role).
	wantError(t, api(t, srv, bobTk.Access, "POST", "/nodes/rooms", fmt.Sprintf(`{"name":"Mine","adminIds":[%d]}`, bob)), 403, 0)
	// The admin creates a room for Bob only.
	r := api(t, srv, admin.Access, "POST", "/nodes/rooms", fmt.Sprintf(`{"name":"Bobs","adminIds":[%d]}`, bob))
	if r.status != 201 {
		t.Fatalf("create for bob: %d %s", r.status, r.body)
	}
	if p := r.json(t)["permissions"].(map[string]any); p["read"] != false {
		t.Errorf("creator without a grant sees permissions %v", p)
	}
	id := int64(r.json(t)["id"].(float64))
	if l, _ := listNodes(t, srv, admin.Access, "parent_id=0"); len(l) != 0 {
		t.Errorf("admin sees a room without permissions: %v", names(l))
	}
	if l, _ := listNodes(t, srv, admin.Access, "parent_id=0&room_manager=true"); len(l) != 1 {
		t.Errorf("room manager view misses the room: %v", names(l))
	}
	wantError(t, api(t, srv, admin.Access, "GET", fmt.Sprintf("/nodes/%d", id), ""), 404, -41000)
	if l, _ := listNodes(t, srv, bobTk.Access, ""); len(l) != 1 || l[0].Permissions["manage"] != true {
		t.Fatalf("bob's view: %v", l)
	}
	// Bob, as room admin, may create a sub-room; it inherits his rights.
	sub := api(t, srv, bobTk.Access, "POST", "/nodes/rooms", fmt.Sprintf(`{"name":"Inner","parentId":%d}`, id))
	if sub.status != 201 {
		t.Fatalf("bob's sub-room: %d %s", sub.status, sub.body)
	}
	// A non-inheriting sub-room administered by the admin makes Bob's room
	// browsable for the admin.
	if r := api(t, srv, bobTk.Access, "POST", "/nodes/rooms", fmt.Sprintf(`{"name":"ForAdmin","parentId":%d,"inheritPermissions":false,"adminIds":[%d]}`, id, srv.AdminID)); r.status != 201 {
		t.Fatalf("sub-room for admin: %d %s", r.status, r.body)
	}
	l, _ := listNodes(t, srv, admin.Access, "parent_id=0")
	if len(l) != 1 || l[0].Permissions["read"] != false {
		t.Fatalf("browsable parent: %v", l)
	}
	inner, _ := listNodes(t, srv, admin.Access, fmt.Sprintf("parent_id=%d", id))
	if !slices.Equal(names(inner), []string{"ForAdmin"}) {
		t.Fatalf("admin sees %v below bob's room", names(inner))
	}
	// Bob cannot create rooms below a room where he lacks manage.
	forAdmin := int64(inner[0].ID)
	wantError(t, api(t, srv, bobTk.Access, "POST", "/nodes/rooms", fmt.Sprintf(`{"name":"x","parentId":%d}`, forAdmin)), 404, -40000)
}

func TestListNodesPagingFilterSort(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tk := login(t, srv)
	var want []string
	for i := range 12 {
		name := fmt.Sprintf("room-%02d", (i*7)%12)
		opts := &dracoontest.RoomOptions{Classification: 1 + i%4}
		if _, err := srv.CreateRoom(name, opts); err != nil {
			t.Fatal(err)
		}
		want = append(want, name)
	}
	if _, err := srv.CreateRoom("Archive", nil); err != nil {
		t.Fatal(err)
	}
	slices.Sort(want)

	all, rng := listNodes(t, srv, tk.Access, "filter="+url.QueryEscape("name:cn:room-"))
	if rng["total"] != float64(12) || !slices.Equal(names(all), want) {
		t.Fatalf("filtered list: %v total %v", names(all), rng["total"])
	}
	var paged []string
	for offset := 0; ; offset += 5 {
		page, rng := listNodes(t, srv, tk.Access, fmt.Sprintf("offset=%d&limit=5&filter=name:cn:ROOM", offset))
		if rng["total"] != float64(12) || rng["limit"] != float64(5) || rng["offset"] != float64(offset) {
			t.Fatalf("range %v", rng)
		}
		paged = append(paged, names(page)...)
		if offset+5 >= 12 {
			break
		}
	}
	if !slices.Equal(paged, want) {
		t.Fatalf("pages %v, want %v", paged, want)
	}
	desc, _ := listNodes(t, srv, tk.Access, "sort=name:desc")
	if desc[0].Name != "room-11" || desc[len(desc)-1].Name != "Archive" {
		t.Errorf("name:desc: %v", names(desc))
	}
	eq, _ := listNodes(t, srv, tk.Access, "filter=name:eq:ARCHIVE|type:eq:room:folder")
	if !slices.Equal(names(eq), []string{"Archive"}) {
		t.Errorf("name:eq: %v", names(eq))
	}
	none, rng := listNodes(t, srv, tk.Access, "filter=type:eq:file")
	if len(none) != 0 || rng["total"] != float64(0) {
		t.Errorf("type:eq:file: %v", names(none))
	}
	perm, _ := listNodes(t, srv, tk.Access, "filter=perm:eq:manage|encrypted:eq:false&limit=1000")
	if len(perm) != 13 {
		t.Errorf("perm:eq:manage gives %d rooms", len(perm))
	}
	if _, rng := listNodes(t, srv, tk.Access, "limit=1000"); rng["limit"] != float64(500) {
		t.Errorf("limit not clamped: %v", rng)
	}
	if _, rng := listNodes(t, srv, tk.Access, "offset=50"); rng["total"] != float64(13) {
		t.Errorf("offset past the end: %v", rng)
	}
	cls, _ := listNodes(t, srv, tk.Access, "sort=classification:asc")
	if cls[0].Name == "Archive" && cls[len(cls)-1].Name == "Archive" {
		t.Error("sort by classification did nothing")
	}
	wantError(t, api(t, srv, tk.Access, "GET", "/nodes?limit=-1", ""), 400, -80024)
	wantError(t, api(t, srv, tk.Access, "GET", "/nodes?offset=x", ""), 400, -80024)
	wantError(t, api(t, srv, tk.Access, "GET", "/nodes?filter=color:eq:red", ""), 400, -92001)
	wantError(t, api(t, srv, tk.Access, "GET", "/nodes?filter=name:ge:a", ""), 400, -92001)
	wantError(t, api(t, srv, tk.Access, "GET", "/nodes?sort=name:asc|size:desc", ""), 400, -92001)
	wantError(t, api(t, srv, tk.Access, "GET", "/nodes?parent_id=4242", ""), 404, -41000)

	t.Run("depth", func(t *testing.T) {
		top, err := srv.CreateRoom("Deep", nil)
		if err != nil {
			t.Fatal(err)
		}
		mid, _ := srv.CreateRoom("Mid", &dracoontest.RoomOptions{ParentID: top})
		if _, err := srv.CreateRoom("Leaf", &dracoontest.RoomOptions{ParentID: mid}); err != nil {
			t.Fatal(err)
		}
		for depth, want := range map[string][]string{"0": {"Mid"}, "1": {"Leaf", "Mid"}, "-1": {"Leaf", "Mid"}} {
			l, _ := listNodes(t, srv, tk.Access, fmt.Sprintf("parent_id=%d&depth_level=%s", top, depth))
			if !slices.Equal(names(l), want) {
				t.Errorf("depth %s: %v", depth, names(l))
			}
		}
		l, _ := listNodes(t, srv, tk.Access, fmt.Sprintf("parent_id=%d&depth_level=-1&filter=name:eq:leaf", top))
		if len(l) != 1 || l[0].ParentPath != "/Deep/Mid/" {
			t.Errorf("leaf path: %v", l)
		}
	})
}
