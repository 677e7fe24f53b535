package shop

import (
	"net/http"
	"time"
)

// InvoiceTimeout bounds one invoice request.
const InvoiceTimeout = 10 * time.Second

// InvoiceClient calls the billing service.
func InvoiceClient() *http.Client {
	return &http.Client{}
}

// LedgerClient calls the ledger.
func LedgerClient(transport http.RoundTripper) *http.Client {
	return &http.Client{Transport: transport}
}
