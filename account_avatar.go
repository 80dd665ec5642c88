package dracoon

import (
	"context"
	"io"
	"net/http"
)

// avatarPath is the own avatar.
const avatarPath = "/api/v4/user/account/avatar"

// maxAvatarImage bounds the size of an avatar image to upload.
const maxAvatarImage = 16 << 20

// Avatar describes a user's avatar. The image itself is at AvatarURI,
// which needs no login; AvatarUUID changes with every new image.
type Avatar struct {
	AvatarURI      string `json:"avatarUri"`
	AvatarUUID     string `json:"avatarUuid"`
	IsCustomAvatar bool   `json:"isCustomAvatar"`
}

// Avatar returns the own avatar (GET /api/v4/user/account/avatar).
func (s *AccountService) Avatar(ctx context.Context) (*Avatar, error) {
	return getAt[Avatar](ctx, s.client, avatarPath)
}

// UploadAvatar replaces the own avatar with an image (JPEG or PNG, at
// most 16 MiB), sent as a multipart form
// (POST /api/v4/user/account/avatar). It returns the new avatar, or nil
// when the server answers without a body, as recorded servers did; call
// Avatar then.
func (s *AccountService) UploadAvatar(ctx context.Context, fileName string, image io.Reader) (*Avatar, error) {
	if err := checkNotBlank("fileName", fileName); err != nil {
		return nil, err
	}
	body, contentType, err := multipartImage(fileName, image, maxAvatarImage)
	if err != nil {
		return nil, err
	}
	return doOptionalJSON[Avatar](ctx, s.client, &apiCall{method: http.MethodPost, path: avatarPath, rawBody: body, rawType: contentType})
}

// DeleteAvatar goes back to the default avatar
// (DELETE /api/v4/user/account/avatar). It returns the default avatar, or
// nil when the server answers without a body.
func (s *AccountService) DeleteAvatar(ctx context.Context) (*Avatar, error) {
	return doOptionalJSON[Avatar](ctx, s.client, &apiCall{method: http.MethodDelete, path: avatarPath})
}

// UserAvatar returns the avatar of any user by user id and avatar UUID
// (as in UserInfo.AvatarUUID), for every logged-in user
// (GET /api/v4/resources/users/{user_id}/avatar/{uuid}).
func (s *AccountService) UserAvatar(ctx context.Context, userID int64, uuid string) (*Avatar, error) {
	if err := firstError(checkID("user_id", userID), checkPathSegment("uuid", uuid)); err != nil {
		return nil, err
	}
	return getAt[Avatar](ctx, s.client, idPath("/api/v4/resources/users", userID, "/avatar/"+uuid))
}
