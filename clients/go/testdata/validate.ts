// The TypeScript side of the Go tests' validation comparison: reads [{schema, payload}]
// on stdin and prints, for each, the issues workflows/validation.ts reports ([] when valid).
import { readFileSync } from 'node:fs';
import {
  clusterIdSchema,
  consoleUrlSchema,
  deletedSchema,
  installFailedSchema,
  openshiftClusterIdSchema,
  registrationSchema,
  renameSchema,
  validate,
} from '../../../workflows/validation.js';

const schemas = {
  registration: registrationSchema,
  clusterId: clusterIdSchema,
  rename: renameSchema,
  openshiftClusterId: openshiftClusterIdSchema,
  consoleUrl: consoleUrlSchema,
  installFailed: installFailedSchema,
  deleted: deletedSchema,
} as const;

const cases = JSON.parse(readFileSync(0, 'utf8')) as { schema: keyof typeof schemas; payload: unknown }[];
console.log(JSON.stringify(cases.map(({ schema, payload }) => {
  const result = validate(schemas[schema], payload);
  return result.ok ? [] : result.issues;
})));
