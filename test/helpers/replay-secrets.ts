// Finds secrets in a saved history: in its raw text, and inside its payloads,
// whose data is base64 (a secret in an activity argument would only show there);
// and in any other text (log lines, error messages, pages).
export interface SecretFinding {
  what: string;
  where: string;
  /** A short, redacted excerpt around the hit. */
  excerpt: string;
}

const JWT = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/;
const BEARER = /Bearer /;
/** `scheme://user:password@host`: credentials in a URL. */
const USER_INFO = /[a-z][a-z0-9+.-]*:\/\/[^\s/@:"']+:[^\s/@"']+@/i;

/** Payload `data` and `metadata` values are base64: decode them to UTF-8 text. */
export function decodedPayloadTexts(json: unknown): string[] {
  const out: string[] = [];
  const decode = (v: unknown) => typeof v === 'string' && out.push(Buffer.from(v, 'base64').toString('utf8'));
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'data') decode(value);
      else if (key === 'metadata' && typeof value === 'object' && value !== null) Object.values(value).forEach(decode);
      else walk(value);
    }
  };
  walk(json);
  return out;
}

function redacted(text: string, at: number): string {
  return `${text.slice(Math.max(0, at - 20), at)}[…]`.replace(/\s+/g, ' ');
}

/** Every literal secret, bearer token, JWT and URL user-info in `text`. */
export function findSecretsInText(text: string, secrets: readonly string[], where = 'text'): SecretFinding[] {
  const findings: SecretFinding[] = [];
  for (const secret of secrets) {
    const at = text.indexOf(secret);
    if (at >= 0) findings.push({ what: 'a client secret', where, excerpt: redacted(text, at) });
  }
  for (const [what, pattern] of [['a bearer token', BEARER], ['a JWT', JWT], ['user-info in a URL', USER_INFO]] as const) {
    const hit = pattern.exec(text);
    if (hit) findings.push({ what, where, excerpt: redacted(text, hit.index) });
  }
  return findings;
}

/** Every literal secret, bearer token, JWT and URL user-info in a history, its payloads decoded. */
export function findSecrets(historyText: string, secrets: readonly string[]): SecretFinding[] {
  return [
    ...findSecretsInText(historyText, secrets, 'raw text'),
    ...decodedPayloadTexts(JSON.parse(historyText)).flatMap((text) => findSecretsInText(text, secrets, 'decoded payload')),
  ];
}
