// The TypeScript client's side of the Go tests' parity scenario: the calls the Go test
// makes with the Go client, through client/ (connected from TEMPORAL_* as the installer
// would be). Usage: node --import tsx clients/go/testdata/scenario.ts '<scenario JSON>'
// (the Go test's paritySteps). Prints {"subscriptionId": …} once every call was accepted.
import { connectLifecycleClient } from '../../../client/index.js';

interface Scenario {
  clusterId: string;
  accountUsername: string;
  displayName: string;
  renamed: string;
  openshiftClusterId: string;
  consoleUrl: string;
  failure: string;
}

const s = JSON.parse(process.argv[2] ?? '') as Scenario;
const { lifecycle, close } = await connectLifecycleClient();
try {
  const { subscriptionId } = await lifecycle.registerCluster({ clusterId: s.clusterId, displayName: s.displayName, accountUsername: s.accountUsername });
  await lifecycle.renameCluster(s.clusterId, s.renamed);
  await lifecycle.setOpenshiftClusterId(s.clusterId, s.openshiftClusterId);
  await lifecycle.setConsoleUrl(s.clusterId, s.consoleUrl);
  await lifecycle.markInstallFailed(s.clusterId, s.failure);
  await lifecycle.restartInstall(s.clusterId);
  await lifecycle.markInstalled(s.clusterId);
  console.log(JSON.stringify({ subscriptionId }));
} finally {
  await close();
}
