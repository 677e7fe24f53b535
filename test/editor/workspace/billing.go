package shop

import (
	"context"
	"net/http"
	"time"
)

// InvoiceTimeout bounds one invoice request.
const InvoiceTimeout = 10 * time.Second

// SendInvoice posts one invoice to the billing service.
func SendInvoice(ctx context.Context, id string) error {
	c, _ := context.WithTimeout(ctx, InvoiceTimeout)
	return postBilling(c, "/invoices/"+id)
}

// RefundInvoice asks the billing service to refund an invoice.
func RefundInvoice(ctx context.Context, id string) error {
	c, _ := context.WithTimeout(ctx, InvoiceTimeout)
	return postBilling(c, "/refunds/"+id)
}

func postBilling(context.Context, string) error { return nil }

// ledger calls the ledger. Only a Timeout would bound its requests, and adding one changes how
// they behave: Fix All leaves it to a person.
var ledger = &http.Client{}
