// Real bounces, feedback reports and auto-replies collected by the sisimai project: every one must be suppressed.
// The data is read in place from the shared folder so the project never carries a copy of it.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decideAcknowledgement } from '../src/domain/guard.js';
import { parseRawHeaders } from '../src/domain/raw-headers.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sisimaiDir = path.resolve(projectRoot, '../shared/datasets/mail/sisimai');
const files = readdirSync(sisimaiDir).filter((f) => f.endsWith('.eml')).sort();

describe('guard on the sisimai corpus', () => {
  it('finds the corpus', () => {
    expect(files.length).toBeGreaterThan(100);
  });

  it.each(files)('suppresses %s', (file) => {
    const decision = decideAcknowledgement({
      headers: parseRawHeaders(readFileSync(path.join(sisimaiDir, file))),
      ourAddresses: ['support@example.com'],
      ourMessageIdDomain: 'firstreply.test',
      caseAlreadyAcknowledged: false,
      acknowledgementsToSenderLast24h: 0,
      maxAcknowledgementsPerSender24h: 5,
    });
    expect(decision.acknowledge).toBe(false);
    expect(decision.reasons.length).toBeGreaterThan(0);
  });
});
