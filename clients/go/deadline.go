package amslifecycle

import (
	"context"
	"errors"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Every call has its own deadline (client/deadline.ts): the installer's API must never
// hang, not even when no worker polls the task queue, where an update or a query would
// otherwise wait inside Temporal for ever. The error says why.

const (
	// diagnosis is how long asking Temporal who polls the task queue may take.
	diagnosis = 1500 * time.Millisecond
	// backstop: the client's own timer fires this much after the deadline, in case a call ignored it.
	backstop = time.Second
)

type call struct {
	operation string
	clusterID string
	timeout   time.Duration
}

// withDeadline runs fn with every Temporal call in it under one deadline; a miss becomes *TimeoutError.
func (c *Client) withDeadline(ctx context.Context, cl call, fn func(ctx context.Context) error) error {
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < cl.timeout {
		cl.timeout = max(0, time.Until(deadline)) // the caller's own, shorter deadline
	}
	callCtx, cancel := context.WithTimeout(ctx, cl.timeout)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- fn(callCtx) }()
	var err error
	select {
	case err = <-done:
	case <-time.After(cl.timeout + backstop):
		err = context.DeadlineExceeded
	}
	if err == nil || !isDeadline(callCtx, err) {
		return err
	}
	if errors.Is(ctx.Err(), context.Canceled) {
		return err // the caller cancelled: not a missed deadline
	}
	return &TimeoutError{
		Operation: cl.operation,
		ClusterID: cl.clusterID,
		Timeout:   cl.timeout,
		Reason:    c.whyNoAnswer(),
		TaskQueue: c.taskQueue,
		Err:       err,
	}
}

// isDeadline: gRPC reports a deadline met mid-call as CANCELLED at times.
func isDeadline(ctx context.Context, err error) bool {
	var updateTimeout *client.WorkflowUpdateServiceTimeoutOrCanceledError
	var deadline *serviceerror.DeadlineExceeded
	var canceled *serviceerror.Canceled
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &updateTimeout) || errors.As(err, &deadline) {
		return true
	}
	if errors.As(err, &canceled) || errors.Is(err, context.Canceled) {
		return ctx.Err() != nil
	}
	if s, ok := status.FromError(err); ok && (s.Code() == codes.DeadlineExceeded || s.Code() == codes.Canceled) {
		return ctx.Err() != nil || s.Code() == codes.DeadlineExceeded
	}
	return false
}

// whyNoAnswer asks Temporal who polls the task queue, to tell "no worker" from "no answer".
func (c *Client) whyNoAnswer() NoAnswerReason {
	ctx, cancel := context.WithTimeout(context.Background(), diagnosis)
	defer cancel()
	resp, err := c.temporal.DescribeTaskQueue(ctx, c.taskQueue, enumspb.TASK_QUEUE_TYPE_WORKFLOW)
	if err != nil {
		var unimplemented *serviceerror.Unimplemented
		if errors.As(err, &unimplemented) || status.Code(err) == codes.Unimplemented {
			return UnknownNoAnswer // e.g. the time-skipping test server
		}
		return TemporalUnreachable
	}
	if len(resp.GetPollers()) == 0 {
		return NoWorker
	}
	return WorkerDidNotAnswer
}
