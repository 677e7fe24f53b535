package shop

import (
	"context"
	"time"
)

// Worker polls the order queue until ctx is cancelled.
func Worker(ctx context.Context) error {
	return nil
}

// pending is flagged (go/context-in-struct): the editor test watches its finding move down to
// know the server has analyzed the text the snippet produced.
type pending struct {
	ctx context.Context
}
