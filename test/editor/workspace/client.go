package shop

import "net/http"

// NewCatalogClient returns the client the catalog service is called with.
func NewCatalogClient() *http.Client {
	return &http.Client{}
}
