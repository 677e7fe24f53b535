package shop

import "context"

// Session holds one shopper's request state.
type Session struct {
	ctx  context.Context
	user string
}

// User returns the shopper's name.
func (s *Session) User() string { return s.user }
