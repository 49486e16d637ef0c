// Installer events the chaos tests build their hand-made lives from.
import type { ChaosEvent } from '../../scripts/chaos/lives.js';

export const register = { kind: 'register', name: 'c', account: 'alice', background: false } as const satisfies ChaosEvent;
export const id = { kind: 'openshift-id', id: 'ext-1' } as const satisfies ChaosEvent;
export const url = { kind: 'console-url', url: 'https://console.example.com' } as const satisfies ChaosEvent;
export const installed = { kind: 'installed' } as const satisfies ChaosEvent;
export const deletion = { kind: 'delete', by: 'user' } as const satisfies ChaosEvent;
