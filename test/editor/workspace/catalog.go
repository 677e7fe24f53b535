package shop

import (
	"context"
	"time"
)

// LookupTimeout bounds one catalog lookup.
const LookupTimeout = 5 * time.Second

// LookupItem asks the catalog service for one item.
func LookupItem(ctx context.Context, id string) error {
	c, _ := context.WithTimeout(ctx, LookupTimeout)
	return fetchItem(c, id)
}

func fetchItem(context.Context, string) error { return nil }
