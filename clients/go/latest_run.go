package amslifecycle

import (
	"context"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
)

// What became of a cluster's latest run, when a call finds it closed (client/latest-run.ts).
// Never waits for a run to finish: a run open again is reported as running.

type runKind int

const (
	runNone      runKind = iota // never registered, or forgotten after the namespace retention
	runRunning                  // running (or continued as new)
	runCompleted                // completed by the lifecycle: result says how
	runClosed                   // terminated, canceled, failed or timed out
)

type latest struct {
	kind   runKind
	result workflowResult
	status string // runClosed: terminated, canceled, failed, timed_out
	runID  string
}

// workflowResult is what a completed run returns.
type workflowResult struct {
	ClusterID      string        `json:"clusterId"`
	Phase          string        `json:"phase"`
	SubscriptionID string        `json:"subscriptionId,omitempty"`
	Refusal        *AmsErrorInfo `json:"refusal,omitempty"`
}

var closedStatus = map[enumspb.WorkflowExecutionStatus]string{
	enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED: "terminated",
	enumspb.WORKFLOW_EXECUTION_STATUS_CANCELED:   "canceled",
	enumspb.WORKFLOW_EXECUTION_STATUS_FAILED:     "failed",
	enumspb.WORKFLOW_EXECUTION_STATUS_TIMED_OUT:  "timed_out",
}

func latestRun(ctx context.Context, temporal client.Client, workflowID string) (latest, error) {
	description, err := temporal.DescribeWorkflowExecution(ctx, workflowID, "")
	if isNotFound(err) {
		return latest{kind: runNone}, nil
	}
	if err != nil {
		return latest{}, err
	}
	info := description.GetWorkflowExecutionInfo()
	runID := info.GetExecution().GetRunId()
	switch info.GetStatus() {
	case enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING, enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW:
		return latest{kind: runRunning}, nil
	case enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED:
		// That very run, already closed: answers at once.
		var result workflowResult
		if err := temporal.GetWorkflow(ctx, workflowID, runID).Get(ctx, &result); err != nil {
			return latest{}, err
		}
		return latest{kind: runCompleted, result: result, runID: runID}, nil
	}
	status, ok := closedStatus[info.GetStatus()]
	if !ok {
		status = info.GetStatus().String()
	}
	return latest{kind: runClosed, status: status, runID: runID}, nil
}

// startArgsOf reads the arguments a run was started with (its first event), e.g. the
// account a closed run registered for; empty when the event carries none.
func startArgsOf(ctx context.Context, temporal client.Client, workflowID, runID string) (Registration, error) {
	var args Registration
	events := temporal.GetWorkflowHistory(ctx, workflowID, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	if !events.HasNext() {
		return args, nil
	}
	first, err := events.Next()
	if err != nil {
		return args, err
	}
	payloads := first.GetWorkflowExecutionStartedEventAttributes().GetInput().GetPayloads()
	if len(payloads) == 0 {
		return args, nil
	}
	err = converter.GetDefaultDataConverter().FromPayload(payloads[0], &args)
	return args, err
}

func execution(workflowID, runID string) *commonpb.WorkflowExecution {
	return &commonpb.WorkflowExecution{WorkflowId: workflowID, RunId: runID}
}
