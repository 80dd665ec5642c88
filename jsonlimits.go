package dracoon

const (
	maxJSONBody       = 16 << 20
	maxJSONDepth      = 64
	maxJSONArrayItems = 10000
)
