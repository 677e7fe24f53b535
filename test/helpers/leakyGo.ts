/** A small Go file with one fixable finding (go/lost-cancel at 9:10), for tests that run the CLI or an editor on it. */
export const LOST_CANCEL_GO = `package svc

import (
	"context"
	"time"
)

func poll(ctx context.Context) {
	c, _ := context.WithTimeout(ctx, time.Second)
	ping(c)
}

func ping(context.Context) {}
`;
