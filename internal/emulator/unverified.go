package emulator

// Behaviour of the node tree and rooms that no recorded exchange or
// document settles (emulator-spec.md marks these cases "unverified").
// Each choice is the most plausible reading; all of them sit here so that
// they are easy to change once real answers are known.

// Names clash case-insensitively within one parent (emulator-spec §4.2,
// §4.5): "A.pdf" conflicts with "a.pdf".
const namesClashIgnoringCase = true

// A deleted file or folder keeps its node id in the recycle bin
// (DeletedNode.id = the former node id), and a restore brings it back
// under that id. Node ids come from one sequence, so no clash is possible.
const deletedNodeKeepsID = true // false: new ids from the node sequence

// A search string without '*' matches names that contain it
// (case-insensitive); '*' stands for any run of characters and anchors the
// pattern. With no sort given, exact name matches come first (the exact
// spelling before other casings), then the rest by name, so clients that
// take the first hit of a path lookup (the Python client) find the exact
// node.
const searchContainsWithoutWildcard = true

// Deleting a top-level room needs the ROOM_MANAGER role; a sub-room needs
// delete permission on its parent room ("on superordinated node (for
// rooms)"). Updating a room (PUT /nodes/rooms/{id}) is allowed to its own
// administrators, to administrators of the parent room and, for top-level
// rooms, to room managers.
const roomManagerDeletesTopLevelRooms = true

// Encryption can be switched on or off for a room that holds no files
// (folders are fine; -40008 / -40003), whose recycle bin is empty
// (-40012 / -40018), at any level: the document says "only rooms at the
// top level", but real tenants encrypt sub-rooms too.
const encryptTopLevelOnly = false

// The summary GET /nodes/{id}/deleted_nodes of a room lists the deleted
// nodes of the whole room (its folders included, not its sub-rooms); for
// a folder, its direct deleted children. GET
// /nodes/{id}/deleted_nodes/versions matches deleted nodes whose former
// parent is {id}.
const binSummaryWholeRoom = true

// Deleting (or emptying the recycle bin of) a room purges the deleted
// nodes that belonged to it.
const roomDeletePurgesBin = true

// A 409 of copy, move or restore with resolutionStrategy "fail" carries
// the incoming nodes that clash as "errorInfos": {"conflictNodes":
// [{nodeId, name, errorCode, errorMessage}]} besides the usual error fields
// (the 4.26.7 ErrorResponse schema does not list it; the shape is that of
// DRACOON's own Java SDK, ApiErrorInfos/ApiConflictNode). nodeId is taken
// to be the source (or deleted) node, name the name it would have taken.
const conflictDetailsInError = true

// Pending assignments: a user who joins a group that a room granted with
// newGroupMemberAcceptance "pending" waits (state WAITING) until a room
// administrator accepts; until then the group grant does not apply to that
// user. Members present when the group is granted are accepted at once.
const pendingOnlyForLaterMembers = true

// Copying a file creates a new file with a new id and a new referenceId;
// moving keeps id and referenceId. Overwriting a file moves the old one to
// the recycle bin; the new node keeps the old referenceId.
const overwriteKeepsReferenceID = true

// A permission set that grants anything must include read; an empty set
// revokes the grant. Other sets are refused with 400 -92001 (the catalogue
// has no dedicated code).
const permissionsNeedRead = true

// GET /nodes/{id}/parents lists the ancestors from the top-level room down
// to the direct parent (breadcrumb order).
const parentsTopDown = true

// Paths (parentPath + name) longer than this are refused with -41200; the
// real limit is not documented.
const maxPathLength = 2000

// A room's policies can be read by anyone who sees the room and changed
// by its administrators.
const policiesReadableByMembers = true

// Room rescue key pairs can only be read, set or deleted in an encrypted
// room (400 -40001 otherwise): PUT …/encrypt with isEncrypted=false drops
// them, and the catalogue lists -40001 for these operations. Reading needs
// "read" on the room and an own key pair (403 -70020); POST …/keypair
// when a pair exists is 400 -70021 (a second version comes through POST
// …/keypairs).
const roomKeysNeedEncryptedRoom = true

// Setting a room's S3 tags without one of the tenant's mandatory tags is
// 400 -80000 ("Mandatory S3 tag IDs MUST be sent"; the catalogue has no
// more specific code).
var errMissingMandatoryTag = errMandatory.withDebug("Mandatory S3 tags must be assigned")
