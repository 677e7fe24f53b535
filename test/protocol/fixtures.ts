/** Go and YAML sources with leak patterns, shared by the protocol tests. */

export const SERVICE_GO = `package service

import (
	"context"
	"net/http"
	"time"
)

// Worker keeps a context it should receive per call.
type Worker struct {
	ctx   context.Context
	jobs  chan int
	count int
}

var client = &http.Client{}

func (w *Worker) Fetch(url string) (*http.Response, error) {
	return http.Get(url)
}

func (w *Worker) Loop(events <-chan string) {
	for {
		select {
		case e := <-events:
			_ = e
		case <-time.After(time.Second):
			return
		}
	}
}

func background() {
	ctx := context.Background()
	_ = ctx
}

func NewServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:    addr,
		Handler: h,
	}
}

func pollOnce(parent context.Context) error {
	ctx, _ := context.WithTimeout(parent, time.Second)
	return ping(ctx)
}

func ping(context.Context) error { return nil }
`;

export const DEPLOYMENT_YAML = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:latest
`;

export const SERVICE_YAML = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
`;
