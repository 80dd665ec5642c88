package main

import (
	"context"
	"fmt"

	"github.com/dracoon-go/dracoon"
	"github.com/spf13/cobra"
)

// guestPermissions are what an invited guest may do in the room: read
// and download.
var guestPermissions = dracoon.NodePermissions{Read: true}

// usersInviteCmd creates a guest user and grants it a room.
func (a *app) usersInviteCmd() *cobra.Command {
	var n newUser
	cmd := &cobra.Command{
		Use:   "invite TARGET",
		Short: "Invite a guest into a room (a folder means its room): a new local user with read permission",
		Args:  exactArgs("TARGET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			t, c, err := a.session(ctx, args[0])
			if err != nil {
				return err
			}
			if t.isRoot() || t.pattern != "" {
				return usagef("invite needs a room or folder, e.g. host/Room")
			}
			roomID, err := roomOf(ctx, c, t.path)
			if err != nil {
				return err
			}
			u, err := c.Users.Create(ctx, n.request())
			if err != nil {
				return fmt.Errorf("create guest: %w", err)
			}
			if err := c.Rooms.GrantUsers(ctx, roomID, []dracoon.UserGrant{{ID: u.ID, Permissions: guestPermissions}}); err != nil {
				return fmt.Errorf("grant room %d to guest %s (the user was created): %w", roomID, u.UserName, err)
			}
			if a.jsonOut {
				return a.emitJSON(map[string]any{"user": u, "roomId": roomID})
			}
			a.infof("invited %s (id %d) into room %d", u.UserName, u.ID, roomID)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&n.first, "first-name", "f", "", "first name")
	f.StringVarP(&n.last, "last-name", "l", "", "last name")
	f.StringVarP(&n.email, "email", "e", "", "e-mail address (also the user name)")
	return cmd
}

// roomOf returns the room at path, or the nearest room above a folder or
// file.
func roomOf(ctx context.Context, c *dracoon.Client, path string) (int64, error) {
	n, err := c.Nodes.Resolve(ctx, path)
	if err != nil {
		return 0, err
	}
	if n.Type == dracoon.NodeTypeRoom {
		return n.ID, nil
	}
	parents, err := c.Nodes.Parents(ctx, n.ID)
	if err != nil {
		return 0, fmt.Errorf("parents of %s: %w", path, err)
	}
	byID := make(map[int64]dracoon.NodeParent, len(parents))
	for _, p := range parents {
		byID[p.ID] = p
	}
	for id := n.ParentID; id != 0; {
		p, ok := byID[id]
		if !ok {
			break
		}
		if p.Type == dracoon.NodeTypeRoom {
			return p.ID, nil
		}
		id = p.ParentID
	}
	return 0, fmt.Errorf("no room above %s", path)
}
