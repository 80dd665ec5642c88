package emulator

import "slices"

// Room webhook assignments, for the room endpoints GET|PUT
// /nodes/rooms/{room_id}/webhooks (served with the node tree): the
// customer webhooks that can serve a room are those subscribed to at least
// one node-scope event type; an assignment adds the room to the webhook's
// rooms, whose node events notifyWebhooks then delivers.

// roomWebhookItemJSON is RoomWebhook.
type roomWebhookItemJSON struct {
	IsAssigned bool        `json:"isAssigned"`
	Webhook    webhookJSON `json:"webhook"`
}

// nodeScoped reports whether h can be assigned to rooms.
func (h *webhook) nodeScoped() bool {
	if h.tenant {
		return false
	}
	return slices.ContainsFunc(h.eventTypes, func(name string) bool {
		i := slices.IndexFunc(eventTypes, func(t eventType) bool { return t.name == name })
		return i >= 0 && eventTypes[i].scope&scopeNode != 0
	})
}

// roomWebhookItems lists the webhooks assignable to roomID, in id order,
// with their assignment state. Callers hold e.mu.
func (st *state) roomWebhookItems(roomID int64) []roomWebhookItemJSON {
	out := []roomWebhookItemJSON{}
	for _, id := range slices.Sorted(mapKeys(st.admin.webhooks)) {
		if h := st.admin.webhooks[id]; h.nodeScoped() {
			out = append(out, roomWebhookItemJSON{IsAssigned: h.rooms[roomID], Webhook: st.webhookJSONOf(h)})
		}
	}
	return out
}

// assignRoomWebhooks assigns (true) or unassigns (false) webhooks to
// roomID. An unknown webhook, or one without node-scope event types, is
// 404 -91000 and nothing changes. Callers hold e.mu.
func (st *state) assignRoomWebhooks(roomID int64, assign map[int64]bool) *apiError {
	for id := range assign {
		if h := st.admin.webhooks[id]; h == nil || !h.nodeScoped() {
			return errNoWebhook
		}
	}
	for id, on := range assign {
		if on {
			st.admin.webhooks[id].rooms[roomID] = true
		} else {
			delete(st.admin.webhooks[id].rooms, roomID)
		}
	}
	return nil
}
