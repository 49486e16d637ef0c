// Replay scenario of the field pace (patch 'field-pace', workflows/backoff.ts): a burst
// of renames waits out its pace and goes to AMS as one more PATCH with the last name,
// while a console URL sent meanwhile wakes the run and goes out at once.
import assert from 'node:assert/strict';
import { eventually } from '../../test/helpers/lifecycle-harness.js';
import type { Scenario } from './scenarios.js';
import { CONSOLE, deleteAndExpect, register, settledOn, successfulPatches } from './steps.js';

export const PACE_SCENARIOS: Scenario[] = [
  {
    name: 'rename-burst-paced',
    description: 'a lone rename goes out at once; a burst of 30 more waits for the field pace (a console URL meanwhile does not) and lands as one PATCH with the last name',
    async run(h, clusterId) {
      const { subscriptionId } = await register(h, clusterId, 'paced-0');
      await h.lifecycle.renameCluster(clusterId, 'paced-1');
      await eventually(() => h.ams.getSubscription(subscriptionId), (s) => s.display_name === 'paced-1', { what: 'the lone rename' });
      await Promise.all(Array.from({ length: 30 }, (_, i) => h.lifecycle.renameCluster(clusterId, `paced-burst-${i}`)));
      await h.lifecycle.setConsoleUrl(clusterId, CONSOLE);
      await h.lifecycle.renameCluster(clusterId, 'paced-last');
      const state = await settledOn(h, clusterId, 'paced-last');
      assert.equal(state.applied.console_url, CONSOLE);
      assert.equal(await successfulPatches(h, clusterId), 3, 'lone rename, console URL, the burst as one');
      await deleteAndExpect(h, clusterId, 'user', 'deleted');
    },
  },
];
