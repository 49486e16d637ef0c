// The emulator's clock: real time plus an offset that admin calls can advance, so
// tests can age subscriptions (Active -> Stale -> Archived) without waiting.

export class EmulatorClock {
  #offsetMs: number;

  constructor(offsetMs = 0) {
    this.#offsetMs = offsetMs;
  }

  now(): Date {
    return new Date(Date.now() + this.#offsetMs);
  }

  nowIso(): string {
    return this.now().toISOString();
  }

  get offsetMs(): number {
    return this.#offsetMs;
  }

  set offsetMs(value: number) {
    this.#offsetMs = value;
  }

  advance(seconds: number): void {
    this.#offsetMs += Math.round(seconds * 1000);
  }

  snapshot(): ClockState {
    return { now: this.nowIso(), offset_seconds: this.#offsetMs / 1000 };
  }
}

export interface ClockState {
  now: string;
  offset_seconds: number;
}
