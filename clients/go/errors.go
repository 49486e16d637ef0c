package amslifecycle

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// The errors mirror client/errors.ts: each says what went wrong in words the
// installer can log or return to its own caller, and errors.As tells them apart.

// Issue names one field and the rule its value breaks.
type Issue struct {
	Field string `json:"field"`
	Rule  string `json:"rule"`
}

// InvalidInputError is bad input, refused before anything is sent.
type InvalidInputError struct {
	Operation string
	Issues    []Issue
}

func (e *InvalidInputError) Error() string {
	parts := make([]string, len(e.Issues))
	for i, issue := range e.Issues {
		parts[i] = issue.Field + ": " + issue.Rule
	}
	return fmt.Sprintf("%s: invalid input: %s", e.Operation, strings.Join(parts, "; "))
}

// ClusterNotFoundError: the cluster was never registered (or is forgotten after the retention).
type ClusterNotFoundError struct{ ClusterID string }

func (e *ClusterNotFoundError) Error() string {
	return fmt.Sprintf("cluster %s is not registered", e.ClusterID)
}

// ClusterDeletedError: the cluster's deletion has finished.
type ClusterDeletedError struct{ ClusterID string }

func (e *ClusterDeletedError) Error() string {
	return fmt.Sprintf("cluster %s is already deleted", e.ClusterID)
}

// AmsErrorInfo is what the workflow says about an AMS failure.
type AmsErrorInfo struct {
	Operation         string `json:"operation"`
	Category          string `json:"category"`
	Message           string `json:"message"`
	Status            int    `json:"status,omitempty"`
	Code              string `json:"code,omitempty"`
	Reason            string `json:"reason,omitempty"`
	OperationID       string `json:"operationId,omitempty"`
	RetryAfterSeconds int    `json:"retryAfterSeconds,omitempty"`
	Attempt           int    `json:"attempt,omitempty"`
	// Unsent: the worker's circuit breaker refused the call before this attempt's write
	// (if any) went out, so that write cannot land in AMS.
	Unsent bool   `json:"unsent,omitempty"`
	At     string `json:"at,omitempty"`
}

// RegistrationRefusedError: AMS refused the POST that reserves the subscription
// (quota 403, 400, 409). The run has ended; nothing was reserved.
type RegistrationRefusedError struct {
	ClusterID string
	AmsError  *AmsErrorInfo
}

func (e *RegistrationRefusedError) Error() string {
	reason, status := "no reason given", ""
	if e.AmsError != nil {
		if e.AmsError.Message != "" {
			reason = e.AmsError.Message
		}
		if e.AmsError.Status != 0 {
			status = fmt.Sprintf(" (HTTP %d", e.AmsError.Status)
			if e.AmsError.Code != "" {
				status += " " + e.AmsError.Code
			}
			status += ")"
		}
	}
	return fmt.Sprintf("AMS refused the registration of cluster %s: %s%s", e.ClusterID, reason, status)
}

// RegistrationPendingError: AMS could not be reached within the wait; the workflow
// keeps trying and RegisterCluster called again later answers the id.
type RegistrationPendingError struct {
	ClusterID    string
	LastAmsError *AmsErrorInfo
}

func (e *RegistrationPendingError) Error() string {
	msg := fmt.Sprintf("the AMS subscription of cluster %s is not created yet; the workflow keeps retrying", e.ClusterID)
	if e.LastAmsError != nil {
		msg += fmt.Sprintf(" (last AMS error: %s)", e.LastAmsError.Message)
	}
	return msg
}

// ClusterNotRunningError: the run is closed without a deletion (terminated or
// cancelled by an operator, or refused by AMS); RegisterCluster starts it again.
type ClusterNotRunningError struct {
	ClusterID string
	// Ended says how the run ended: refused, terminated, canceled, failed, timed_out.
	Ended string
}

func (e *ClusterNotRunningError) Error() string {
	if e.Ended == "refused" {
		return fmt.Sprintf("cluster %s is not registered: AMS refused its registration (RegisterCluster tries again)", e.ClusterID)
	}
	return fmt.Sprintf("the run of cluster %s was %s by an operator (RegisterCluster starts it again)", e.ClusterID, strings.Replace(e.Ended, "_", " ", 1))
}

// NoAnswerReason says why a call got no answer in time.
type NoAnswerReason string

const (
	NoWorker            NoAnswerReason = "no-worker"
	WorkerDidNotAnswer  NoAnswerReason = "worker-did-not-answer"
	TemporalUnreachable NoAnswerReason = "temporal-unreachable"
	UnknownNoAnswer     NoAnswerReason = "unknown"
)

// TimeoutError: no answer within the call's deadline. The client never hangs: it
// answers this instead. Unwrap gives the underlying error.
type TimeoutError struct {
	Operation string
	ClusterID string
	Timeout   time.Duration
	Reason    NoAnswerReason
	TaskQueue string
	Err       error
}

func (e *TimeoutError) Error() string {
	why := map[NoAnswerReason]string{
		NoWorker:            fmt.Sprintf("no worker is polling task queue '%s' (is the ams-lifecycle worker running?)", e.TaskQueue),
		WorkerDidNotAnswer:  fmt.Sprintf("workers poll task queue '%s' but none answered in time", e.TaskQueue),
		TemporalUnreachable: "Temporal did not answer (is it reachable?)",
		UnknownNoAnswer:     fmt.Sprintf("no worker answered on task queue '%s' (is the ams-lifecycle worker running?)", e.TaskQueue),
	}[e.Reason]
	seconds := math.Round(e.Timeout.Seconds()*10) / 10
	return fmt.Sprintf("%s for cluster %s: no answer within %g s: %s", e.Operation, e.ClusterID, seconds, why)
}

func (e *TimeoutError) Unwrap() error { return e.Err }

// NamespaceMismatchError: Options.Namespace is not the namespace the Temporal client
// was dialled with, so a signal sent through the raw service finds no run the client sees.
type NamespaceMismatchError struct {
	Operation, ClusterID, Namespace string
}

func (e *NamespaceMismatchError) Error() string {
	return fmt.Sprintf("%s: cluster %s: namespace %q (Options.Namespace) has no run that the Temporal client finds: Options.Namespace must be the namespace the client was dialled with", e.Operation, e.ClusterID, e.Namespace)
}
