package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"go.temporal.io/server/chasm/lib/activity"
	"go.temporal.io/server/common/dynamicconfig"
)

// defaultDynamicConfig is what the CLI's dev server sets, plus what this project
// relies on; --dynamic-config-value overrides any of it.
func defaultDynamicConfig() map[string]any {
	return map[string]any{
		// The CLI's: search attributes and Nexus endpoints visible as soon as they
		// are created (no cache to wait for), with persistence QPS raised to match.
		dynamicconfig.ForceSearchAttributesCacheRefreshOnRead.Key().String():      true,
		dynamicconfig.ForceNexusEndpointRefreshOnRead.Key().String():              true,
		dynamicconfig.FrontendPersistenceMaxQPS.Key().String():                    10000,
		dynamicconfig.HistoryPersistenceMaxQPS.Key().String():                     45000,
		dynamicconfig.HistoryCacheHostLevelMaxSize.Key().String():                 8096,
		dynamicconfig.FrontendMaxNamespaceVisibilityRPSPerInstance.Key().String(): 100,
		// No call home for a version check: the dev server works offline, and tests talk
		// only to 127.0.0.1 (the SDK passes the same; npm start did not).
		dynamicconfig.EnableServerVersionCheck.Key().String(): false,
		// The CLI's: reset/pause/unpause/update-options and batch operations for
		// standalone activities (off by default in the server).
		activity.EnableStandaloneActivityOperatorCommands.Key().String():                  true,
		dynamicconfig.FrontendEnableBatchOperationsForStandaloneActivities.Key().String(): true,
		// On by default in this server; pinned because the project depends on them:
		// registration is an Update (with start), the Worker Deployment Versioning
		// test needs deployment versions, the sweeper is a Schedule.
		dynamicconfig.FrontendEnableUpdateWorkflowExecution.Key().String():              true,
		dynamicconfig.FrontendEnableUpdateWorkflowExecutionAsyncAccepted.Key().String(): true,
		dynamicconfig.EnableDeploymentVersions.Key().String():                           true,
		dynamicconfig.FrontendEnableWorkerVersioningWorkflowAPIs.Key().String():         true,
		dynamicconfig.FrontendEnableSchedules.Key().String():                            true,
		dynamicconfig.EnableChasm.Key().String():                                        true,
		activity.Enabled.Key().String():                                                 true,
	}
}

// dynamicConfigValues decodes each value as JSON; whole numbers become int,
// the only integer type the server's dynamic config accepts.
func dynamicConfigValues(pairs []string) (map[string]any, error) {
	raw, err := keyValues("dynamic-config-value", pairs)
	if err != nil {
		return nil, err
	}
	out := make(map[string]any, len(raw))
	for key, text := range raw {
		decoder := json.NewDecoder(strings.NewReader(text))
		decoder.UseNumber()
		var value any
		if err := decoder.Decode(&value); err != nil {
			return nil, fmt.Errorf("--dynamic-config-value %s: %q is not JSON", key, text)
		}
		if number, ok := value.(json.Number); ok {
			if whole, err := number.Int64(); err == nil {
				value = int(whole)
			} else if real, err := number.Float64(); err == nil {
				value = real
			}
		}
		out[key] = value
	}
	return out, nil
}
