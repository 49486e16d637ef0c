package amslifecycle

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"google.golang.org/grpc"
)

// refusingTemporal is a test double of the Temporal client interface for "nothing was
// sent": every method the lifecycle client uses counts a call and answers an error.
// Any other method panics on the nil embedded interface, which fails the test too.
type refusingTemporal struct {
	client.Client
	calls atomic.Int32
}

var errRefusing = errors.New("refusingTemporal: nothing may be sent")

func (r *refusingTemporal) refuse() error { r.calls.Add(1); return errRefusing }

func (r *refusingTemporal) SignalWorkflow(context.Context, string, string, string, any) error {
	return r.refuse()
}

func (r *refusingTemporal) SignalWithStartWorkflow(context.Context, string, string, any, client.StartWorkflowOptions, any, ...any) (client.WorkflowRun, error) {
	return nil, r.refuse()
}

func (r *refusingTemporal) DescribeWorkflowExecution(context.Context, string, string) (*workflowservice.DescribeWorkflowExecutionResponse, error) {
	return nil, r.refuse()
}

func (r *refusingTemporal) DescribeTaskQueue(context.Context, string, enumspb.TaskQueueType) (*workflowservice.DescribeTaskQueueResponse, error) {
	return nil, r.refuse()
}

func (r *refusingTemporal) QueryWorkflow(context.Context, string, string, string, ...any) (converter.EncodedValue, error) {
	return nil, r.refuse()
}

func (r *refusingTemporal) UpdateWithStartWorkflow(context.Context, client.UpdateWithStartWorkflowOptions) (client.WorkflowUpdateHandle, error) {
	return nil, r.refuse()
}

func (r *refusingTemporal) WorkflowService() workflowservice.WorkflowServiceClient {
	return refusingService{r: r}
}

type refusingService struct {
	workflowservice.WorkflowServiceClient
	r *refusingTemporal
}

func (s refusingService) SignalWorkflowExecution(context.Context, *workflowservice.SignalWorkflowExecutionRequest, ...grpc.CallOption) (*workflowservice.SignalWorkflowExecutionResponse, error) {
	return nil, s.r.refuse()
}

// refusingClient is a lifecycle client on a refusingTemporal; no stack needed.
func refusingClient(t *testing.T, options Options) (*Client, *refusingTemporal) {
	t.Helper()
	fake := &refusingTemporal{}
	if options.Namespace == "" {
		options.Namespace = "default"
	}
	c, err := New(fake, options)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, fake
}
