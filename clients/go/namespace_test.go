package amslifecycle

import (
	"errors"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
)

// The argument-less signals (MarkInstalled, RestartInstall) go through the raw service
// with Options.Namespace: on a namespace other than "default" they reach the run, and a
// client told the wrong namespace answers a typed error, not a raw NotFound.
func TestNoPayloadSignalsOnAnotherNamespace(t *testing.T) {
	s := needStack(t)
	ctx := testContext(t)
	other, err := client.Dial(client.Options{HostPort: s.address, Namespace: otherNamespace, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	clusterID := newClusterID()
	// A run no worker works on is enough: Temporal records a signal without one.
	_, err = other.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: WorkflowID(clusterID), TaskQueue: "nobody-polls-" + clusterID}, contract.workflowType,
		Registration{ClusterID: clusterID, DisplayName: "go-namespace", AccountUsername: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = other.TerminateWorkflow(ctx, WorkflowID(clusterID), "", "test over") }()

	c, err := New(other, Options{Namespace: otherNamespace})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.MarkInstalled(ctx, clusterID); err != nil {
		t.Fatalf("MarkInstalled on namespace %s: %v", otherNamespace, err)
	}
	if err := c.RestartInstall(ctx, clusterID); err != nil {
		t.Fatalf("RestartInstall on namespace %s: %v", otherNamespace, err)
	}
	var signals []string
	events := other.GetWorkflowHistory(ctx, WorkflowID(clusterID), "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for events.HasNext() {
		event, err := events.Next()
		if err != nil {
			t.Fatal(err)
		}
		if signaled := event.GetWorkflowExecutionSignaledEventAttributes(); signaled != nil {
			signals = append(signals, signaled.GetSignalName())
			if n := len(signaled.GetInput().GetPayloads()); n != 0 {
				t.Errorf("signal %s carries %d argument(s), want none", signaled.GetSignalName(), n)
			}
		}
	}
	if want := []string{signalInstallSucceeded, signalInstallRestarted}; len(signals) != 2 || signals[0] != want[0] || signals[1] != want[1] {
		t.Errorf("the run received %q, want %q", signals, want)
	}

	wrong, err := New(other, Options{Namespace: "default"})
	if err != nil {
		t.Fatal(err)
	}
	var mismatch *NamespaceMismatchError
	if err := wrong.MarkInstalled(ctx, clusterID); !errors.As(err, &mismatch) || mismatch.Namespace != "default" {
		t.Errorf("MarkInstalled with the wrong Options.Namespace: %v, want *NamespaceMismatchError", err)
	}
}
