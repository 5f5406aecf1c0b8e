import { describe, expect, it } from 'vitest';
import { Debounced } from './label-refit.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A refit that records which mailbox it ran for and takes `ms` to finish. */
function recorder(ms = 0) {
  const runs: number[] = [];
  let release: (() => void) | undefined;
  const run = async (key: number) => {
    runs.push(key);
    if (ms) await tick(ms);
    else await new Promise<void>((r) => (release = r));
  };
  return { runs, run, release: () => release?.() };
}

describe('Debounced (label threshold refits after commit)', () => {
  it('coalesces the labels of one mailbox within the delay into one refit, per mailbox', async () => {
    const r = recorder(5);
    const d = new Debounced(r.run, 20);
    for (let i = 0; i < 5; i++) d.request(1);
    d.request(2);
    expect(r.runs).toEqual([]);
    await tick(40);
    await d.idle();
    expect(r.runs.sort()).toEqual([1, 2]);
  });

  it('a label arriving during a refit gets one more refit after it, so the last label counts', async () => {
    const r = recorder();
    const d = new Debounced(r.run, 5);
    d.request(7);
    await tick(20);
    expect(r.runs).toEqual([7]);
    d.request(7);
    d.request(7);
    r.release();
    await tick(30);
    expect(r.runs).toEqual([7, 7]);
    r.release();
    await d.idle();
    expect(r.runs).toEqual([7, 7]);
  });

  it('after stop nothing new runs, and idle waits for the refit under way', async () => {
    const r = recorder(15);
    const d = new Debounced(r.run, 5);
    d.request(1);
    await tick(10);
    d.request(1);
    d.request(3);
    d.stop();
    d.request(4);
    await d.idle();
    expect(r.runs).toEqual([1]);
  });
});
