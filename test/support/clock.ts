/** A clock tests move by hand: `now` is what workers and hooks are given instead of the wall clock. */
export class TestClock {
  private t: number;

  constructor(start: string | Date) {
    this.t = new Date(start).getTime();
  }

  readonly now = (): Date => new Date(this.t);

  set(at: string | Date): Date {
    this.t = new Date(at).getTime();
    return this.now();
  }

  advance(ms: number): Date {
    this.t += ms;
    return this.now();
  }

  advanceMinutes(minutes: number): Date {
    return this.advance(minutes * 60_000);
  }
}
