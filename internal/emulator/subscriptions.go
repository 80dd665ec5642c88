package emulator

import (
	"cmp"
	"net/http"
	"slices"

	"github.com/go-chi/chi/v5"
)

// Subscriptions of the own user to notifications about nodes, download
// shares and upload shares: for each kind GET (filter, sort, paging) and
// PUT (bulk) /user/subscriptions/{kind}, POST and DELETE
// /user/subscriptions/{kind}/{id}. Only objects the user may see can be
// subscribed: nodes need "read" on their room, shares "manage download
// share" / "manage upload share" on their node; objects the user cannot
// see at all are not found, the others 403. A listing leaves out objects
// that are gone or no longer allowed.

// maxSubscriptionBatch is the document's "Maximum number of subscriptions"
// of one bulk request.
const maxSubscriptionBatch = 200

// subscribed is one subscribed object as the listings show it.
type subscribed struct {
	id         int64
	typ        string // nodes only
	authParent int64  // nodes and download shares
	target     int64  // upload shares
}

// subscribedJSON is SubscribedNode, SubscribedDownloadShare or
// SubscribedUploadShare: each kind sets its own properties.
type subscribedJSON struct {
	ID           int64  `json:"id"`
	Type         string `json:"type,omitempty"`
	AuthParentID *int64 `json:"authParentId,omitempty"`
	TargetNodeID *int64 `json:"targetNodeId,omitempty"`
}

// subscriptionKind describes one kind of subscription.
type subscriptionKind struct {
	path  string // under /user/subscriptions/
	param string // URL parameter of the object id
	// resolve finds the object for uid (errors: not found, 403).
	resolve func(st *state, id, uid int64) (subscribed, *apiError)
	spec    *listSpec[subscribed]
	render  func(s subscribed) subscribedJSON
}

// subscriptionSpec builds a kind's list spec: idField and otherField are
// the filter and sort names of the object id and of the second field.
func subscriptionSpec(idField, otherField string, other func(subscribed) int64) *listSpec[subscribed] {
	id := func(s subscribed) int64 { return s.id }
	eq := []string{"eq"}
	return &listSpec[subscribed]{
		filters: map[string]filterField[subscribed]{
			idField:    {kind: kindInt, ops: eq, num: id},
			otherField: {kind: kindInt, ops: eq, num: other},
		},
		sorts: map[string]func(a, b subscribed) int{
			idField:    func(a, b subscribed) int { return cmp.Compare(a.id, b.id) },
			otherField: func(a, b subscribed) int { return cmp.Compare(other(a), other(b)) },
		},
		tiebreak: func(a, b subscribed) int { return cmp.Compare(a.id, b.id) },
	}
}

// subscriptionKinds are the three kinds.
var subscriptionKinds = []*subscriptionKind{
	{
		path: "nodes", param: "node_id",
		resolve: func(st *state, id, uid int64) (subscribed, *apiError) {
			n, err := st.lookupNode(id, uid, errNodeNotFound)
			if err != nil {
				return subscribed{}, err
			}
			if !st.permissions(n, uid).Read {
				return subscribed{}, errForbidden
			}
			return subscribed{id: n.id, typ: n.typ, authParent: st.authParentID(n)}, nil
		},
		spec: subscriptionSpec("nodeId", "authParentId", func(s subscribed) int64 { return s.authParent }),
		render: func(s subscribed) subscribedJSON {
			return subscribedJSON{ID: s.id, Type: s.typ, AuthParentID: &s.authParent}
		},
	},
	{
		path: "download_shares", param: "share_id",
		resolve: func(st *state, id, uid int64) (subscribed, *apiError) {
			s, err := downloadShares.managed(st, id, uid)
			if err != nil {
				return subscribed{}, err
			}
			return subscribed{id: s.id, authParent: st.authParentID(st.nodes[s.nodeID])}, nil
		},
		spec: subscriptionSpec("downloadShareId", "authParentId", func(s subscribed) int64 { return s.authParent }),
		render: func(s subscribed) subscribedJSON {
			return subscribedJSON{ID: s.id, AuthParentID: &s.authParent}
		},
	},
	{
		path: "upload_shares", param: "share_id",
		resolve: func(st *state, id, uid int64) (subscribed, *apiError) {
			s, err := uploadShares.managed(st, id, uid)
			if err != nil {
				return subscribed{}, err
			}
			return subscribed{id: s.id, target: s.targetID}, nil
		},
		spec: subscriptionSpec("uploadShareId", "targetNodeId", func(s subscribed) int64 { return s.target }),
		render: func(s subscribed) subscribedJSON {
			return subscribedJSON{ID: s.id, TargetNodeID: &s.target}
		},
	},
}

func (e *Emulator) subscriptionRoutes(r chi.Router) {
	for _, k := range subscriptionKinds {
		base := "/user/subscriptions/" + k.path
		r.Get(base, produces(mediaJSON, e.listSubscriptions(k)))
		r.Put(base, produces(mediaJSON, e.updateSubscriptions(k)))
		r.Post(base+"/{"+k.param+"}", produces(mediaJSON, e.subscribe(k)))
		r.Delete(base+"/{"+k.param+"}", produces(mediaJSON, e.unsubscribe(k)))
	}
}

// subscriptionsOf returns uid's subscription set of kind k, made on
// demand. Callers hold e.mu.
func (st *state) subscriptionsOf(k *subscriptionKind, uid int64) map[int64]bool {
	s := st.self()
	if s.subscriptions[k.path] == nil {
		s.subscriptions[k.path] = map[int64]map[int64]bool{}
	}
	set := s.subscriptions[k.path][uid]
	if set == nil {
		set = map[int64]bool{}
		s.subscriptions[k.path][uid] = set
	}
	return set
}

func (e *Emulator) listSubscriptions(k *subscriptionKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		lq, err := parseListQuery(r, k.spec)
		if err != nil {
			writeError(w, err)
			return
		}
		uid := callerID(r)
		e.mu.Lock()
		var items []subscribed
		for id := range e.st.subscriptionsOf(k, uid) {
			if it, err := k.resolve(e.st, id, uid); err == nil {
				items = append(items, it)
			}
		}
		e.mu.Unlock()
		page, rng := k.spec.apply(items, lq)
		out := make([]subscribedJSON, 0, len(page))
		for _, it := range page {
			out = append(out, k.render(it))
		}
		writeJSON(w, http.StatusOK, struct {
			Range rangeJSON        `json:"range"`
			Items []subscribedJSON `json:"items"`
		}{rng, out})
	}
}

func (e *Emulator) subscribe(k *subscriptionKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := urlID(r, k.param)
		if err != nil {
			writeError(w, err)
			return
		}
		uid := callerID(r)
		e.mu.Lock()
		defer e.mu.Unlock()
		it, err := k.resolve(e.st, id, uid)
		if err != nil {
			writeError(w, err)
			return
		}
		e.st.subscriptionsOf(k, uid)[id] = true
		writeJSON(w, http.StatusCreated, k.render(it))
	}
}

func (e *Emulator) unsubscribe(k *subscriptionKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := urlID(r, k.param)
		if err != nil {
			writeError(w, err)
			return
		}
		uid := callerID(r)
		e.mu.Lock()
		defer e.mu.Unlock()
		if _, err := k.resolve(e.st, id, uid); err != nil {
			writeError(w, err)
			return
		}
		delete(e.st.subscriptionsOf(k, uid), id)
		w.WriteHeader(http.StatusNoContent)
	}
}

// updateSubscriptions (un)subscribes a list: every id is checked first,
// and nothing changes when one fails.
func (e *Emulator) updateSubscriptions(k *subscriptionKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			IsSubscribed *bool   `json:"isSubscribed"`
			ObjectIDs    []int64 `json:"objectIds"`
		}
		if err := decodeJSON(r, &req, false); err != nil {
			writeError(w, err)
			return
		}
		if req.IsSubscribed == nil || req.ObjectIDs == nil {
			writeError(w, errMandatory)
			return
		}
		if len(req.ObjectIDs) > maxSubscriptionBatch {
			writeError(w, errTooManyItems)
			return
		}
		uid := callerID(r)
		e.mu.Lock()
		defer e.mu.Unlock()
		for _, id := range req.ObjectIDs {
			if id <= 0 {
				writeError(w, errPositiveNumber)
				return
			}
			if _, err := k.resolve(e.st, id, uid); err != nil {
				writeError(w, err)
				return
			}
		}
		set := e.st.subscriptionsOf(k, uid)
		for _, id := range slices.Compact(slices.Sorted(slices.Values(req.ObjectIDs))) {
			if *req.IsSubscribed {
				set[id] = true
			} else {
				delete(set, id)
			}
		}
		w.WriteHeader(http.StatusNoContent)
	}
}
