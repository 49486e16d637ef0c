package amslifecycle

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
)

// newClient is a lifecycle client on the test worker's task queue unless options say otherwise.
func newClient(t *testing.T, options Options) *Client {
	t.Helper()
	needStack(t)
	if options.Namespace == "" {
		options.Namespace = "default"
	}
	if options.TaskQueue == "" {
		options.TaskQueue = env.taskQueue
	}
	c, err := New(env.temporal, options)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func newClusterID() string { return uuid.NewString() }

// subscription is the emulator's record of one subscription, as its admin API dumps it.
type subscription map[string]any

func (s subscription) str(field string) string {
	value, _ := s[field].(string)
	return value
}

// amsSubscriptions answers the emulator's subscriptions of one cluster (GET /_emulator/state).
func amsSubscriptions(t *testing.T, clusterID string) []subscription {
	t.Helper()
	var state struct {
		Subscriptions []subscription `json:"subscriptions"`
	}
	emulatorCall(t, http.MethodGet, "/_emulator/state", nil, &state)
	var found []subscription
	for _, sub := range state.Subscriptions {
		if sub.str("cluster_id") == clusterID {
			found = append(found, sub)
		}
	}
	return found
}

// emulatorCall calls the emulator's admin API; a status of 300 or more fails the test.
func emulatorCall(t *testing.T, method, path string, body any, answer any) {
	t.Helper()
	needStack(t)
	var reader *bytes.Reader
	if body != nil {
		encoded, _ := json.Marshal(body)
		reader = bytes.NewReader(encoded)
	} else {
		reader = bytes.NewReader(nil)
	}
	request, err := http.NewRequest(method, env.amsURL+path, reader)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		request.Header.Set("Content-Type", "application/json")
	}
	response, err := http.DefaultClient.Do(request)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer response.Body.Close()
	if response.StatusCode >= 300 {
		t.Fatalf("%s %s: HTTP %d", method, path, response.StatusCode)
	}
	if answer != nil {
		if err := json.NewDecoder(response.Body).Decode(answer); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

// eventually polls until check answers "" (nothing wrong), or fails with its last answer.
// The bound is generous: it only keeps a broken run from hanging, it measures nothing.
func eventually(t *testing.T, what string, check func() string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		problem := check()
		if problem == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still %s after 2 minutes", what, problem)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// onlySubscription answers the cluster's one subscription, or what is wrong.
func onlySubscription(t *testing.T, clusterID string) (subscription, string) {
	subs := amsSubscriptions(t, clusterID)
	if len(subs) != 1 {
		return nil, fmt.Sprintf("%d subscriptions for cluster %s", len(subs), clusterID)
	}
	return subs[0], ""
}

// settled: the run owes AMS nothing and is in the given phase.
func settled(t *testing.T, c *Client, clusterID, phase string) string {
	state, err := c.GetClusterState(context.Background(), clusterID)
	if err != nil {
		return "GetClusterState: " + err.Error()
	}
	if state.Phase != phase || len(state.Pending) > 0 {
		return fmt.Sprintf("phase %s with %d pending step(s)", state.Phase, len(state.Pending))
	}
	return ""
}
