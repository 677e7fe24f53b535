package shop

import (
	"context"
	"time"
)

// RetryDelay is how long callers wait between attempts.
const RetryDelay = 2 * time.Second

// ChargeCard asks the payments provider to charge a card.
func ChargeCard(ctx context.Context, card string) error {
	c, _ := context.WithTimeout(ctx, RetryDelay)
	return callPayments(c, "charge", card)
}

// StoreUpload hands a file to the object store.
func StoreUpload(ctx context.Context, name string) error {
	c, _ := context.WithTimeout(ctx, RetryDelay)
	return callPayments(c, "upload", name)
}

func callPayments(context.Context, string, string) error { return nil }
