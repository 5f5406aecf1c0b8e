import { describe, expect, it } from 'vitest';
import { IngestionGate } from './ingestion-gate.js';

const settled = async (p: Promise<unknown>) => {
  let done = false;
  void p.then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  return done;
};

describe('IngestionGate', () => {
  it('is idle at once when nothing is being stored', async () => {
    expect(await settled(new IngestionGate().idle())).toBe(true);
  });

  it('holds waiters until every store under way has finished, failed ones included', async () => {
    const gate = new IngestionGate();
    let finishFirst!: () => void;
    let failSecond!: (e: Error) => void;
    const first = gate.around(() => new Promise<string>((r) => (finishFirst = () => r('stored'))));
    const second = gate.around(() => new Promise<string>((_, reject) => (failSecond = reject)));
    const idle = gate.idle();
    expect(await settled(idle)).toBe(false);
    finishFirst();
    expect(await first).toBe('stored');
    expect(await settled(idle)).toBe(false);
    failSecond(new Error('database gone'));
    await expect(second).rejects.toThrow('database gone');
    expect(await settled(idle)).toBe(true);
    expect(await settled(gate.idle())).toBe(true);
  });
});
