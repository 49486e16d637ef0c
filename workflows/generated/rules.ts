// Generated from workflows/validation.ts by `npm run contract`; do not edit.
// The workflow checks payloads with these rules (rules-check.ts) instead of loading zod.
import type { ObjectRules } from '../rules-check.js';

export const RULES = {
  "registration": {
    "strict": true,
    "fields": {
      "clusterId": {"lowerCase":true,"rules":[{"type":"string","message":"must be a string","abort":true},{"pattern":"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$","message":"must be a UUID"}]},
      "displayName": {"rules":[{"type":"string","message":"must be a string","abort":true},{"pattern":"[^\\t\\n\\v\\f\\r \\xa0\u1680\u2000-\u200a\\u2028\\u2029\u202f\u205f\u3000\ufeff]","message":"must not be empty","abort":true},{"x-maxUtf16Length":255,"message":"must be at most 255 characters","abort":true},{"pattern":"^[^\\x00-\\x1f\\x7f-\\x9f]*$","message":"must not contain control characters","abort":true}]},
      "accountUsername": {"rules":[{"type":"string","message":"must be a string","abort":true},{"pattern":"[^\\t\\n\\v\\f\\r \\xa0\u1680\u2000-\u200a\\u2028\\u2029\u202f\u205f\u3000\ufeff]","message":"must not be empty","abort":true},{"x-maxUtf16Length":255,"message":"must be at most 255 characters","abort":true},{"pattern":"^[^\\x00-\\x1f\\x7f-\\x9f]*$","message":"must not contain control characters","abort":true}]},
    },
  },
  "rename": {
    "strict": true,
    "fields": {
      "displayName": {"rules":[{"type":"string","message":"must be a string","abort":true},{"pattern":"[^\\t\\n\\v\\f\\r \\xa0\u1680\u2000-\u200a\\u2028\\u2029\u202f\u205f\u3000\ufeff]","message":"must not be empty","abort":true},{"x-maxUtf16Length":255,"message":"must be at most 255 characters","abort":true},{"pattern":"^[^\\x00-\\x1f\\x7f-\\x9f]*$","message":"must not contain control characters","abort":true}]},
    },
  },
  "openshiftClusterId": {
    "strict": true,
    "fields": {
      "openshiftClusterId": {"lowerCase":true,"rules":[{"type":"string","message":"must be a string","abort":true},{"pattern":"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$","message":"must be a UUID"}]},
    },
  },
  "consoleUrl": {
    "strict": true,
    "fields": {
      "consoleUrl": {"rules":[{"type":"string","message":"must be a string","abort":true},{"x-maxUtf16Length":2048,"message":"must be at most 2048 characters","abort":true},{"pattern":"^[hH][tT][tT][pP][sS]:\\/\\/([^@/?#\\t\\n\\v\\f\\r \\xa0\u1680\u2000-\u200a\\u2028\\u2029\u202f\u205f\u3000\ufeff]*@)?([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:.]+\\])(:[0-9]{1,5})?([/?#][^\\t\\n\\v\\f\\r \\xa0\u1680\u2000-\u200a\\u2028\\u2029\u202f\u205f\u3000\ufeff]*)?$","message":"must be an absolute https URL","abort":true},{"pattern":"^[^\\x00-\\x1f\\x7f-\\x9f]*$","message":"must not contain control characters","abort":true},{"pattern":"^[hH][tT][tT][pP][sS]:\\/\\/[^/?#@]*([/?#]|$)","message":"must not contain user-info (user:password@)","abort":true},{"pattern":"^[hH][tT][tT][pP][sS]:\\/\\/(([^/?#]*[^/?#0-9])?|([^/?#]*[^/?#:0-9])?[0-9]+|[^/?#]*:0*(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}))([/?#]|$)","message":"must have a port from 1 to 65535"}]},
    },
  },
  "installFailed": {
    "optional": true,
    "strict": true,
    "fields": {
      "reason": {"optional":true,"rules":[{"type":"string","message":"must be a string","abort":true},{"maxLength":2000,"message":"must be at most 2000 characters"},{"pattern":"^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f]*$","message":"must not contain control characters","abort":true}]},
    },
  },
  "deleted": {
    "strict": true,
    "fields": {
      "by": {"rules":[{"enum":["user","garbage-collection"],"message":"must be 'user' or 'garbage-collection'"}]},
    },
  },
  "deletionRun": {
    "strict": false,
    "fields": {
      "clusterId": {"lowerCase":true,"rules":[{"type":"string","message":"must be a string","abort":true},{"pattern":"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$","message":"must be a UUID"}]},
    },
  },
  "registrationWait": {
    "optional": true,
    "strict": true,
    "fields": {
      "waitSeconds": {"optional":true,"rules":[{"type":"number","message":"must be a number","abort":true},{"type":"integer","message":"must be a whole number"},{"minimum":1,"message":"must be at least 1"},{"maximum":300,"message":"must be at most 300"}]},
    },
  },
  "adoptedFields": {
    "strict": true,
    "fields": {
      "subscriptionId": {"optional":true,"rules":[{"type":"string","message":"must be a string","abort":true},{"pattern":"^[A-Za-z0-9._-]+$","message":"must be letters, digits, \".\", \"_\" or \"-\""},{"maxLength":255,"message":"must be at most 255 characters"}]},
      "phase": {"rules":[{"enum":["registered","installing","finalizing","installed","failed"],"message":"must be one of registered, installing, finalizing, installed, failed"}]},
      "openshiftClusterId": {"optional":true,"lowerCase":true,"rules":[{"type":"string","message":"must be a string","abort":true},{"pattern":"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$","message":"must be a UUID"}]},
      "consoleUrl": {"optional":true,"rules":[{"type":"string","message":"must be a string","abort":true},{"x-maxUtf16Length":2048,"message":"must be at most 2048 characters","abort":true},{"pattern":"^[hH][tT][tT][pP][sS]:\\/\\/([^@/?#\\t\\n\\v\\f\\r \\xa0\u1680\u2000-\u200a\\u2028\\u2029\u202f\u205f\u3000\ufeff]*@)?([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:.]+\\])(:[0-9]{1,5})?([/?#][^\\t\\n\\v\\f\\r \\xa0\u1680\u2000-\u200a\\u2028\\u2029\u202f\u205f\u3000\ufeff]*)?$","message":"must be an absolute https URL","abort":true},{"pattern":"^[^\\x00-\\x1f\\x7f-\\x9f]*$","message":"must not contain control characters","abort":true},{"pattern":"^[hH][tT][tT][pP][sS]:\\/\\/[^/?#@]*([/?#]|$)","message":"must not contain user-info (user:password@)","abort":true},{"pattern":"^[hH][tT][tT][pP][sS]:\\/\\/(([^/?#]*[^/?#0-9])?|([^/?#]*[^/?#:0-9])?[0-9]+|[^/?#]*:0*(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}))([/?#]|$)","message":"must have a port from 1 to 65535"}]},
      "deletedBy": {"optional":true,"rules":[{"enum":["user","garbage-collection"],"message":"must be 'user' or 'garbage-collection'"}]},
    },
  },
  "rules1": {
    "registration": {
      "strict": true,
      "fields": {"clusterId":{"rules":[{"type":"string","message":"must be a string","abort":true},{"pattern":"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$","message":"must be a UUID"}]},"displayName":{"rules":[{"type":"string","message":"must be a string","abort":true},{"pattern":"[^\\t\\n\\v\\f\\r \\xa0\u1680\u2000-\u200a\\u2028\\u2029\u202f\u205f\u3000\ufeff]","message":"must not be empty","abort":true},{"x-maxUtf16Length":255,"message":"must be at most 255 characters","abort":true}]},"accountUsername":{"rules":[{"type":"string","message":"must be a string","abort":true},{"pattern":"[^\\t\\n\\v\\f\\r \\xa0\u1680\u2000-\u200a\\u2028\\u2029\u202f\u205f\u3000\ufeff]","message":"must not be empty","abort":true},{"x-maxUtf16Length":255,"message":"must be at most 255 characters","abort":true}]}},
    },
    "rename": {
      "strict": true,
      "fields": {"displayName":{"rules":[{"type":"string","message":"must be a string","abort":true},{"pattern":"[^\\t\\n\\v\\f\\r \\xa0\u1680\u2000-\u200a\\u2028\\u2029\u202f\u205f\u3000\ufeff]","message":"must not be empty","abort":true},{"x-maxUtf16Length":255,"message":"must be at most 255 characters","abort":true}]}},
    },
    "openshiftClusterId": {
      "strict": true,
      "fields": {"openshiftClusterId":{"rules":[{"type":"string","message":"must be a string","abort":true},{"pattern":"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$","message":"must be a UUID"}]}},
    },
    "consoleUrl": {
      "strict": true,
      "fields": {"consoleUrl":{"rules":[{"type":"string","message":"must be a string","abort":true},{"x-maxUtf16Length":2048,"message":"must be at most 2048 characters","abort":true},{"pattern":"^[hH][tT][tT][pP][sS]:\\/\\/([^@/?#\\t\\n\\v\\f\\r \\xa0\u1680\u2000-\u200a\\u2028\\u2029\u202f\u205f\u3000\ufeff]*@)?([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:.]+\\])(:[0-9]{1,5})?([/?#][^\\t\\n\\v\\f\\r \\xa0\u1680\u2000-\u200a\\u2028\\u2029\u202f\u205f\u3000\ufeff]*)?$","message":"must be an absolute https URL","abort":true}]}},
    },
    "installFailed": {
      "optional": true,
      "strict": true,
      "fields": {"reason":{"optional":true,"rules":[{"type":"string","abort":true},{"maxLength":2000}]}},
    },
  },
} as const satisfies Record<string, ObjectRules | Record<string, ObjectRules>>;
