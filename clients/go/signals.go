package amslifecycle

import (
	"context"

	"github.com/google/uuid"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
)

// signal validates, then signals the cluster's workflow; a run Temporal cannot find is
// looked at (never registered, deleted, or closed by an operator), never taken for a refusal.
func (c *Client) signal(ctx context.Context, operation, clusterID, signal string, payload map[string]any) error {
	id, err := checkClusterID(operation, clusterID)
	if err != nil {
		return err
	}
	if payload != nil {
		if err := contract.check(operation, signal, payload); err != nil {
			return err
		}
	}
	return c.withDeadline(ctx, call{operation, id, c.callTimeout}, func(ctx context.Context) error {
		workflowID, err := c.existingWorkflowID(ctx, clusterID)
		if err != nil {
			return err
		}
		send := func() error { return c.send(ctx, workflowID, signal, payload) }
		latest, looked, err := c.sendOrFindLatest(ctx, workflowID, send)
		if !looked {
			return err
		}
		switch latest.kind {
		case runNone:
			return &ClusterNotFoundError{ClusterID: id}
		case runRunning: // it closed and opened again meanwhile (a racing registration)
			if err := send(); !isNotFound(err) {
				return err
			}
			// The SDK client sees the run, the raw signal does not: another namespace.
			return &NamespaceMismatchError{Operation: operation, ClusterID: id, Namespace: c.namespace}
		case runCompleted:
			if latest.result.Phase == "deleted" {
				return &ClusterDeletedError{ClusterID: id}
			}
			return &ClusterNotRunningError{ClusterID: id, Ended: latest.result.Phase}
		default:
			return &ClusterNotRunningError{ClusterID: id, Ended: latest.status}
		}
	})
}

// sendOrFindLatest sends; when Temporal finds no running run it looks up the workflow
// id's latest run (looked), for the caller to tell why. Otherwise err is the send's.
func (c *Client) sendOrFindLatest(ctx context.Context, workflowID string, send func() error) (run latest, looked bool, err error) {
	if err := send(); !isNotFound(err) {
		return latest{}, false, err
	}
	run, err = latestRun(ctx, c.temporal, workflowID)
	return run, err == nil, err
}

// send signals the latest run; a nil payload sends no argument at all, as the
// TypeScript client does (the SDK's SignalWorkflow would send a null).
func (c *Client) send(ctx context.Context, workflowID, name string, payload map[string]any) error {
	if payload != nil {
		return c.temporal.SignalWorkflow(ctx, workflowID, "", name, payload)
	}
	_, err := c.temporal.WorkflowService().SignalWorkflowExecution(ctx, &workflowservice.SignalWorkflowExecutionRequest{
		Namespace:         c.namespace,
		WorkflowExecution: execution(workflowID, ""),
		SignalName:        name,
		RequestId:         uuid.NewString(),
	})
	return err
}

// DeleteCluster is idempotent: a cluster whose deletion is done, that AMS refused, or
// that this service has no run for answers alreadyDeleted (nothing of this service's
// to delete). A cluster whose run an operator terminated or cancelled gets a short run
// that deletes its subscription if it is Reserved. by is DeletedByUser when empty.
func (c *Client) DeleteCluster(ctx context.Context, clusterID string, by DeletedBy) (alreadyDeleted bool, err error) {
	var gone bool // set by the call; read only once it has returned
	id, err := checkClusterID("deleteCluster", clusterID)
	if err != nil {
		return false, err
	}
	if by == "" {
		by = DeletedByUser
	}
	payload := map[string]any{"by": string(by)}
	if err := contract.check("deleteCluster", signalDeleted, payload); err != nil {
		return false, err
	}
	err = c.withDeadline(ctx, call{"deleteCluster", id, c.callTimeout}, func(ctx context.Context) error {
		workflowID, err := c.existingWorkflowID(ctx, clusterID)
		if err != nil {
			return err
		}
		send := func() error { return c.send(ctx, workflowID, signalDeleted, payload) }
		latest, looked, err := c.sendOrFindLatest(ctx, workflowID, send)
		if !looked {
			return err
		}
		switch latest.kind {
		case runRunning:
			return send() // it opened again meanwhile
		case runClosed:
		default:
			gone = true
			return nil
		}
		started, err := startArgsOf(ctx, c.temporal, workflowID, latest.runID)
		if err != nil {
			return err
		}
		args := map[string]any{"clusterId": id, "displayName": started.DisplayName, "accountUsername": started.AccountUsername, "deletion": payload}
		_, err = c.temporal.SignalWithStartWorkflow(ctx, workflowID, signalDeleted, payload, client.StartWorkflowOptions{
			ID:                    workflowID,
			TaskQueue:             c.taskQueue,
			WorkflowIDReusePolicy: reuseAllowDuplicate,
			StaticSummary:         staticSummary(id, ""),
			StaticDetails:         staticDetails(id, started.AccountUsername),
		}, contract.workflowType, args)
		return err
	})
	if err != nil {
		return false, err
	}
	return gone, nil
}
