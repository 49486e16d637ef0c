// Retry-After (RFC 9110 §10.2.3) read strictly and capped: a workflow sleeps
// on this value, so a huge or half-parsed one must never reach it.

import { AMS_CLIENT_DEFAULTS } from './config.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const WEEKDAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_WEEKDAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = `(?<month>${MONTHS.join('|')})`;
const TIME = '(?<hour>\\d{2}):(?<minute>\\d{2}):(?<second>\\d{2})';

// IMF-fixdate, then the obsolete RFC 850 and asctime forms that recipients must still accept.
const HTTP_DATES = [
  new RegExp(`^${WEEKDAY}, (?<day>\\d{2}) ${MONTH} (?<year>\\d{4}) ${TIME} GMT$`),
  new RegExp(`^${LONG_WEEKDAY}, (?<day>\\d{2})-${MONTH}-(?<yy>\\d{2}) ${TIME} GMT$`),
  new RegExp(`^${WEEKDAY} ${MONTH} (?<day>[ \\d]\\d) ${TIME} (?<year>\\d{4})$`),
];

/**
 * Whole seconds to wait, at most `maxSeconds`: delta-seconds of any length, or
 * an HTTP date (0 when past). Undefined for anything else: negative, fractional,
 * other date formats, impossible dates.
 */
export function parseRetryAfter(
  value: string | null,
  now: number,
  maxSeconds: number = AMS_CLIENT_DEFAULTS.maxRetryAfterSeconds,
): number | undefined {
  const trimmed = value?.trim() ?? '';
  // Number() of a long digit string is huge or Infinity, never NaN: the cap handles both.
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed), maxSeconds);
  const date = parseHttpDate(trimmed, now);
  if (date === undefined) return undefined;
  return Math.min(Math.max(0, Math.ceil((date - now) / 1000)), maxSeconds);
}

function parseHttpDate(text: string, now: number): number | undefined {
  const groups = HTTP_DATES.map((format) => format.exec(text)?.groups).find(Boolean);
  if (!groups) return undefined;
  const [day, hour, minute, second] = [groups.day, groups.hour, groups.minute, groups.second].map(Number) as [number, number, number, number];
  const month = MONTHS.indexOf(groups.month as (typeof MONTHS)[number]);
  const year = groups.year !== undefined ? Number(groups.year) : fullYear(Number(groups.yy), now);
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  const date = new Date(Date.UTC(year, month, day, hour, minute, Math.min(second, 59)));
  // Date.UTC rolls 30 Feb over into March: such a date is not a date.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month || date.getUTCDate() !== day) return undefined;
  return date.getTime();
}

/** RFC 9110 §5.6.7: a two-digit year more than 50 years ahead is in the past century. */
function fullYear(yy: number, now: number): number {
  const thisYear = new Date(now).getUTCFullYear();
  const year = thisYear - (thisYear % 100) + yy;
  return year > thisYear + 50 ? year - 100 : year;
}
