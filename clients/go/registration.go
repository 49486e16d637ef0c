package amslifecycle

import (
	"context"
	"errors"
	"regexp"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
)

// RegisterCluster's conversation with Temporal (client/registration.ts): one
// update-with-start to the workflow id (never to a run id a continue-as-new may have
// replaced), and what to do when it meets a closed run or a hand-over.

const (
	// rounds: a registration meets a closed run or a hand-over this many times at most.
	rounds = 10
	// handoverPause: the old run needs a moment to continue as new before it is asked again.
	handoverPause = 200 * time.Millisecond
)

const (
	reuseRejectDuplicate = enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE
	reuseAllowDuplicate  = enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE
)

type registrationArgs struct {
	Registration
	AfterInstall *AfterInstallTiming `json:"afterInstall,omitempty"`
}

type next int

const (
	nextRetry next = iota
	nextHandover
	nextAllowDuplicate
)

func (c *Client) register(ctx context.Context, registration Registration, workflowID string) (RegisterResult, error) {
	waitUntil, capped := c.waitUntil(ctx)
	reuse := reuseRejectDuplicate
	for round := 1; ; round++ {
		left := time.Until(waitUntil)
		if !capped {
			left += time.Second - 1 // whole seconds, rounded up as client/registration.ts
		}
		waitSeconds := max(1, int(left/time.Second))
		subscriptionID, err := c.updateWithStart(ctx, registration, workflowID, reuse, waitSeconds)
		if err == nil {
			return RegisterResult{SubscriptionID: subscriptionID, WorkflowID: workflowID}, nil
		}
		then, exhausted, err := c.afterError(ctx, workflowID, registration.ClusterID, err)
		if err != nil {
			return RegisterResult{}, err
		}
		if round >= rounds {
			return RegisterResult{}, exhausted
		}
		switch then {
		case nextAllowDuplicate:
			reuse = reuseAllowDuplicate
		case nextHandover:
			select {
			case <-time.After(handoverPause * time.Duration(round)):
			case <-ctx.Done():
				return RegisterResult{}, ctx.Err()
			}
		}
	}
}

// waitUntil: when the workflow's wait for AMS must end. The TypeScript client's call
// deadline is always the wait plus the call timeout, so the answer has that long to come
// back; a Go caller's context may be shorter, so the wait ends before it by the call
// timeout, or half of what is left if that is less: AMS being slow answers
// *RegistrationPendingError, not *TimeoutError. capped: the context shortened it (whole
// seconds are then rounded down).
func (c *Client) waitUntil(ctx context.Context) (until time.Time, capped bool) {
	until = time.Now().Add(c.registrationWait)
	deadline, ok := ctx.Deadline()
	if !ok {
		return until, false
	}
	margin := min(c.callTimeout, time.Until(deadline)/2)
	if early := deadline.Add(-margin); early.Before(until) {
		return early, true
	}
	return until, false
}

func (c *Client) updateWithStart(ctx context.Context, registration Registration, workflowID string, reuse enumspb.WorkflowIdReusePolicy, waitSeconds int) (string, error) {
	start := c.temporal.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
		ID:        workflowID,
		TaskQueue: c.taskQueue,
		// A repeated registration reaches the running workflow instead of failing; a closed
		// run is looked at first (a deleted cluster stays deleted).
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    reuse,
		StaticSummary:            staticSummary(registration.ClusterID, registration.DisplayName),
		StaticDetails:            staticDetails(registration.ClusterID, registration.AccountUsername),
	}, contract.workflowType, registrationArgs{registration, c.afterInstall})
	handle, err := c.temporal.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: start,
		UpdateOptions: client.UpdateWorkflowOptions{
			WorkflowID:   workflowID,
			UpdateName:   registrationUpdate,
			Args:         []any{map[string]any{"waitSeconds": waitSeconds}},
			WaitForStage: client.WorkflowUpdateStageCompleted,
		},
	})
	if err != nil {
		return "", err
	}
	var result struct {
		SubscriptionID string `json:"subscriptionId"`
	}
	if err := handle.Get(ctx, &result); err != nil {
		return "", err
	}
	return result.SubscriptionID, nil
}

var acceptedByClosedRun = regexp.MustCompile(`(?i)workflow execution (already )?completed`)

// afterError answers the error the installer should see, or how to try again (and
// what to answer if rounds run out). "Refused" is said only when AMS refused.
func (c *Client) afterError(ctx context.Context, workflowID, clusterID string, err error) (then next, exhausted error, final error) {
	var failure *temporal.ApplicationError
	if errors.As(err, &failure) {
		info, marker := failureDetails(failure)
		switch failure.Type() {
		case failureRefused:
			return 0, nil, &RegistrationRefusedError{ClusterID: clusterID, AmsError: info}
		case failurePending:
			pending := &RegistrationPendingError{ClusterID: clusterID, LastAmsError: info}
			if marker == contract.handover {
				return nextHandover, pending, nil // the next run answers
			}
			return 0, nil, pending
		case failureDeleted:
			return 0, nil, &ClusterDeletedError{ClusterID: clusterID}
		case failureInvalidInput:
			return 0, nil, &InvalidInputError{Operation: "registerCluster", Issues: []Issue{{Field: "(update)", Rule: failure.Message()}}}
		}
		return 0, nil, err
	}
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	closedBefore := errors.As(err, &started)
	if !closedBefore && !isNotFound(err) && !acceptedByClosedRun.MatchString(err.Error()) {
		return 0, nil, err
	}
	// The run was closed before the call, or closed while the update waited: see how.
	run, lookErr := latestRun(ctx, c.temporal, workflowID)
	if lookErr != nil {
		return 0, nil, lookErr
	}
	switch run.kind {
	case runNone, runRunning:
		return nextRetry, err, nil
	case runClosed: // terminated or cancelled by an operator: start afresh
		return nextAllowDuplicate, err, nil
	}
	if run.result.Phase == "deleted" {
		return 0, nil, &ClusterDeletedError{ClusterID: clusterID}
	}
	// Refused earlier: registering again is allowed (quota may have been raised).
	// Refused just now, while this update waited: that refusal is the answer.
	if closedBefore {
		return nextAllowDuplicate, err, nil
	}
	return 0, nil, &RegistrationRefusedError{ClusterID: clusterID, AmsError: run.result.Refusal}
}

// failureDetails reads [AmsErrorInfo | undefined, marker?] from a workflow failure.
func failureDetails(failure *temporal.ApplicationError) (*AmsErrorInfo, string) {
	var info *AmsErrorInfo
	var marker string
	if !failure.HasDetails() {
		return nil, ""
	}
	if err := failure.Details(&info, &marker); err != nil {
		return nil, ""
	}
	return info, marker
}
