// History ⇄ proto JSON (the canonical encoding the Temporal CLI and Web UI export,
// and that historyFromJSON of @temporalio/common reads), done exactly as that SDK
// module does it, but with the protobufjs copy @temporalio/proto itself was built
// with. Why: npm nests a separate protobufjs 8 under @temporalio/common (the root
// one is v7, for @grpc/proto-loader), and protobufjs's `instanceof Type` check
// then rejects the proto root, so the SDK's historyToJSON/historyFromJSON throw
// "type must be a Type" in this install. Same output either way.
import { createRequire } from 'node:module';
import type { History } from '@temporalio/common/lib/proto-utils.js';
import proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root.js';

interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): unknown;
}

const requireFromProto = createRequire(createRequire(import.meta.url).resolve('@temporalio/proto'));
const protojson = requireFromProto('protobufjs/ext/protojson') as ProtoJson;
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType(
  'temporal.api.history.v1.History',
);

export interface HistoryJson {
  events: Record<string, unknown>[];
}

export function historyToProtoJson(history: History): HistoryJson {
  const json = protojson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history)) as HistoryJson;
  return { events: json.events ?? [] };
}

/** Reads proto JSON back; unknown fields (a newer server's) are tolerated, as the SDK does. */
export function historyFromProtoJson(json: unknown): History {
  if (typeof json !== 'object' || json === null || !Array.isArray((json as { events?: unknown }).events)) {
    throw new TypeError('invalid history: expected an object with an array of events');
  }
  const history = protojson.fromJson(historyType, json, { ignoreUnknownFields: true }) as History | null;
  if (!history) throw new TypeError('invalid history');
  return history;
}
