package shop

import (
	"net/http"
	"time"
)

// RetryDelay is how long callers wait between attempts.
const RetryDelay = 2 * time.Second

// PaymentsClient calls the payments provider.
func PaymentsClient() *http.Client {
	return &http.Client{}
}

// UploadClient calls the object store.
func UploadClient(transport http.RoundTripper) *http.Client {
	return &http.Client{Transport: transport}
}
