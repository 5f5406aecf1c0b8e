import { describe, expect, it } from 'vitest';
import { averageLinkage, clusterTexts, mergeSmallClusters } from './linkage.js';
import { centralOrder, cleanTitle, distinct, extractiveBody, placeholderBody, replySentences, trendOf, weekCounts } from './presentation.js';
import { editRatio, gapSourceOfReply } from './rewrites.js';
import { addToCentroid, cosine, meanVector, nearestAbove } from './vectors.js';

/** Labels as a partition (sets of indices), independent of the numbering. */
const partition = (labels: number[]) => {
  const groups = new Map<number, number[]>();
  labels.forEach((l, i) => groups.set(l, [...(groups.get(l) ?? []), i]));
  return [...groups.values()].sort((a, b) => a[0]! - b[0]!);
};

/** Symmetric matrix from a similarity function over n points. */
const matrix = (n: number, f: (i: number, j: number) => number) => {
  const m = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) m[i * n + j] = f(i, j);
  return m;
};

describe('dense vector helpers', () => {
  it.each([
    { a: [1, 0], b: [1, 0], cos: 1 },
    { a: [1, 0], b: [0, 1], cos: 0 },
    { a: [1, 0], b: [-2, 0], cos: -1 },
    { a: [3, 4], b: [6, 8], cos: 1 },
    { a: [0, 0], b: [1, 0], cos: 0 },
  ])('cosine($a, $b) = $cos', ({ a, b, cos }) => {
    expect(cosine(a, b)).toBeCloseTo(cos, 6);
  });

  it.each([
    { centroid: [0, 0], size: 0, v: [2, 4], expected: [2, 4] },
    { centroid: [1, 1], size: 1, v: [3, 3], expected: [2, 2] },
    { centroid: [2, 0], size: 3, v: [6, 4], expected: [3, 1] },
  ])('addToCentroid($centroid, $size, $v) = $expected', ({ centroid, size, v, expected }) => {
    expect(Array.from(addToCentroid(centroid, size, v))).toEqual(expected);
  });

  it('meanVector averages and is empty for no vectors', () => {
    expect(Array.from(meanVector([[1, 2], [3, 6]]))).toEqual([2, 4]);
    expect(meanVector([]).length).toBe(0);
  });

  it.each([
    { v: [1, 0], threshold: 0.9, index: 0 },
    { v: [0.6, 0.8], threshold: 0.7, index: 1 },
    { v: [-1, 0], threshold: 0.1, index: -1 },
    { v: [1, 1], threshold: 0.99, index: -1 },
  ])('nearestAbove($v, threshold $threshold) = $index', ({ v, threshold, index }) => {
    expect(nearestAbove(v, [[1, 0], [0, 1]], threshold).index).toBe(index);
  });

  it('nearestAbove with no centroids starts a cluster', () => {
    expect(nearestAbove([1, 0], [], 0).index).toBe(-1);
  });
});

describe('averageLinkage', () => {
  // points 0-2 close together, 3-4 close together, 5 far from everything
  const blocks = [0, 0, 0, 1, 1, 2];
  const sim = (i: number, j: number) => (blocks[i] === blocks[j] ? 0.9 : blocks[i] === 2 || blocks[j] === 2 ? 0 : 0.2);
  it.each([
    { stop: 0.5, expected: [[0, 1, 2], [3, 4], [5]] },
    { stop: 0.95, expected: [[0], [1], [2], [3], [4], [5]] },
    { stop: 0.15, expected: [[0, 1, 2, 3, 4], [5]] },
    { stop: -1, expected: [[0, 1, 2, 3, 4, 5]] },
  ])('stops below $stop', ({ stop, expected }) => {
    expect(partition(averageLinkage(matrix(6, sim), 6, stop))).toEqual(expected);
  });

  it('uses the average, not the best pair (no chaining through one close pair)', () => {
    // 0-1 and 2-3 are tight pairs; only 1-2 are close across them: average 0.25 < 0.3, single linkage would join
    const s = (i: number, j: number) => {
      const [a, b] = [Math.min(i, j), Math.max(i, j)];
      return (a === 0 && b === 1) || (a === 2 && b === 3) ? 0.9 : a === 1 && b === 2 ? 0.8 : 0.05;
    };
    expect(partition(averageLinkage(matrix(4, s), 4, 0.3))).toEqual([[0, 1], [2, 3]]);
  });

  it('weights count a point as several members', () => {
    // point 0 weighs 10: the average between {0,1} and 2 is dominated by 0's similarity to 2
    const s = (i: number, j: number) => {
      const [a, b] = [Math.min(i, j), Math.max(i, j)];
      return a === 0 && b === 1 ? 0.9 : a === 0 && b === 2 ? 0.1 : 0.9;
    };
    expect(partition(averageLinkage(matrix(3, s), 3, 0.3, [10, 1, 1]))).toEqual([[0, 1], [2]]);
    expect(partition(averageLinkage(matrix(3, s), 3, 0.3, [1, 1, 1]))).toEqual([[0, 1, 2]]);
  });

  it('handles no points and one point', () => {
    expect(averageLinkage(new Float32Array(0), 0, 0.5)).toEqual([]);
    expect(averageLinkage(new Float32Array(1), 1, 0.5)).toEqual([0]);
  });
});

describe('mergeSmallClusters', () => {
  it.each([
    { name: 'a small cluster joins the close large one', labels: [0, 0, 0, 1], vectors: [[1, 0], [1, 0], [1, 0], [0.9, 0.1]], small: 2, threshold: 0.5, expected: [[0, 1, 2, 3]] },
    { name: 'not below the threshold', labels: [0, 0, 0, 1], vectors: [[1, 0], [1, 0], [1, 0], [0, 1]], small: 2, threshold: 0.5, expected: [[0, 1, 2], [3]] },
    { name: 'large clusters stay apart however close', labels: [0, 0, 1, 1], vectors: [[1, 0], [1, 0], [1, 0], [1, 0]], small: 2, threshold: 0.5, expected: [[0, 1], [2, 3]] },
    { name: 'two singletons can pair up', labels: [0, 1, 2, 2, 2], vectors: [[0, 1], [0, 1], [1, 0], [1, 0], [1, 0]], small: 2, threshold: 0.5, expected: [[0, 1], [2, 3, 4]] },
  ])('$name', ({ labels, vectors, small, threshold, expected }) => {
    expect(partition(mergeSmallClusters(labels, vectors, small, threshold))).toEqual(expected);
  });
});

describe('clusterTexts', () => {
  const cards = ['My new card has not arrived yet', 'My new card has still not arrived', 'When will my new card arrive?', 'Why has my new card not arrived?'];
  const fees = ['Why was I charged a fee for the transfer?', 'What is this transfer fee on my account?', 'I was charged a transfer fee I did not expect'];
  const crypto = ['Can I buy bitcoin in the app?', 'How do I sell my bitcoin in the app?', 'Where is my bitcoin balance in the app?'];
  it.each([
    { name: 'three topics, interleaved', texts: [cards[0], fees[0], crypto[0], cards[1], fees[1], crypto[1], cards[2], fees[2], crypto[2], cards[3]], expected: [[0, 3, 6, 9], [1, 4, 7], [2, 5, 8]] },
    { name: 'one topic', texts: cards, expected: [[0, 1, 2, 3]] },
    { name: 'unrelated questions stay apart', texts: ['Do you have an office in Oslo?', 'Can I buy bitcoin in the app?', 'What is your phone number?'], expected: [[0], [1], [2]] },
  ])('$name', ({ texts, expected }) => {
    expect(partition(clusterTexts(texts as string[]))).toEqual(expected);
  });

  it('is empty for no texts', () => {
    expect(clusterTexts([])).toEqual([]);
  });

  it('bounds memory above maxPoints by grouping near-duplicates first', () => {
    const texts = [...cards, ...fees, ...crypto];
    const direct = partition(clusterTexts(texts));
    expect(partition(clusterTexts(texts, { maxPoints: 4, leaderThreshold: 0.5 }))).toEqual(direct);
  });
});

describe('suggestion helpers', () => {
  it.each([
    ['Hi, how do I add my card to Apple Pay?', 'How do I add my card to Apple Pay'],
    ['hello!! my card was declined. why was it declined?', 'Why was it declined'],
    ['Hola, ¿puedo pagar con Klarna?', 'Puedo pagar con Klarna'],
    ['   multiple   spaces   here.  ', 'Multiple spaces here'],
    ['', 'Untitled question'],
  ])('cleanTitle(%j) = %j', (text, title) => {
    expect(cleanTitle(text)).toBe(title);
  });

  it('cleanTitle cuts long questions at a word boundary', () => {
    const title = cleanTitle(`${'word '.repeat(40)}end?`);
    expect(title.length).toBeLessThanOrEqual(121);
    expect(title).toMatch(/^Word word .*word…$/);
  });

  it('distinct drops case, punctuation and plural differences and keeps order', () => {
    expect(distinct(['Card arrived?', 'card arrived', 'Cards arrived!', 'Fee charged', '  '], 10)).toEqual(['Card arrived?', 'Fee charged']);
    expect(distinct(['a b c', 'd e f', 'g h i'], 2)).toEqual(['a b c', 'd e f']);
  });

  it('centralOrder puts the most typical question first', () => {
    const texts = ['Do you have an office in Oslo?', 'When will my card arrive?', 'My card has not arrived yet', 'How long until my card arrives?'];
    expect(centralOrder(texts).at(-1)).toBe(0);
    expect(centralOrder(['only'])).toEqual([0]);
  });

  it.each([
    { reply: 'Hi Maria,\n\nYou can buy bitcoin in the app under Crypto. Fees are 1.5% per trade.\n\nBest regards,\nSam', sentences: ['You can buy bitcoin in the app under Crypto.', 'Fees are 1.5% per trade.'] },
    { reply: 'Thanks for writing. Go to Settings and choose Wallet.\n> quoted customer text that must not appear', sentences: ['Go to Settings and choose Wallet.'] },
    { reply: 'Hola Ana, puede comprar bitcoin en la app.\n-- \nSoporte', sentences: ['Puede comprar bitcoin en la app.'] },
    { reply: 'Ok.', sentences: [] },
    { reply: 'To add it:\n- Open Settings, then Wallet\n- Tap Add card\n\nCustomer Support Team', sentences: ['- Open Settings, then Wallet', '- Tap Add card'] },
    { reply: 'Your transfer is on its way and\nshould arrive within two days.', sentences: ['Your transfer is on its way and should arrive within two days.'] },
  ])('replySentences keeps the substance: $sentences', ({ reply, sentences }) => {
    expect(replySentences(reply)).toEqual(sentences);
  });

  it('extractiveBody keeps sentences several agents said, without repeats', () => {
    const body = extractiveBody([
      'Hi Tom, you can buy bitcoin in the app under Crypto. Fees are 1.5% per trade.',
      'Hello, you can buy bitcoin in the app under Crypto. Thanks for your patience while we checked.',
      'Dear Ana, bitcoin is in the app under Crypto, fees are 1.5% per trade.',
    ], 2);
    expect(body).toContain('You can buy bitcoin in the app under Crypto.');
    expect(body.match(/You can buy bitcoin/g)).toHaveLength(1);
    expect(extractiveBody([])).toBe('');
    expect(extractiveBody(['Thanks!'])).toBe('');
  });

  it('placeholderBody tells the knowledge manager to write it and lists examples', () => {
    const body = placeholderBody(['Q1', 'Q2']);
    expect(body).toMatch(/write the answer here/);
    expect(body).toContain('- Q1\n- Q2');
  });
});

describe('trend', () => {
  it.each([
    { last: 10, previous: 2, direction: 'rising' },
    { last: 2, previous: 10, direction: 'falling' },
    { last: 5, previous: 5, direction: 'steady' },
    { last: 3, previous: 0, direction: 'new' },
    { last: 0, previous: 0, direction: 'quiet' },
    { last: 0, previous: 4, direction: 'falling' },
  ])('$last vs $previous is $direction', ({ last, previous, direction }) => {
    expect(trendOf(last, previous)).toEqual({ last7Days: last, previous7Days: previous, direction });
  });

  it('weekCounts splits by age and ignores older and future dates', () => {
    const now = new Date('2025-06-15T12:00:00Z');
    const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
    expect(weekCounts([daysAgo(0), daysAgo(6.9), daysAgo(7), daysAgo(13.9), daysAgo(14), daysAgo(-1)], now)).toEqual([2, 2]);
  });
});

describe('rewritten drafts', () => {
  it.each([
    { draft: 'You can reset it in Settings.', sent: 'You can reset it in Settings.', ratio: 0 },
    { draft: 'You can reset it in Settings.', sent: 'you can reset it in settings', ratio: 0 },
    { draft: 'a b c d', sent: 'a b x d', ratio: 0.25 },
    { draft: 'a b c d', sent: 'w x y z', ratio: 1 },
    { draft: '', sent: 'a b', ratio: 1 },
    { draft: '', sent: '', ratio: 0 },
  ])('editRatio($draft, $sent) = $ratio', ({ draft, sent, ratio }) => {
    expect(editRatio(draft, sent)).toBeCloseTo(ratio, 6);
  });

  it.each([
    { reply: { generatedBody: 'x', sentBody: 'x', citations: 0 }, source: 'uncited_reply' },
    { reply: { generatedBody: 'Reset it in Settings.', sentBody: 'Reset it in Settings.', citations: 1 }, source: null },
    { reply: { generatedBody: 'Reset it in Settings under Security.', sentBody: 'We have refunded the fee to your account today.', citations: 1 }, source: 'rewritten_draft' },
    { reply: { generatedBody: null, sentBody: 'Anything', citations: 2 }, source: null },
  ])('gapSourceOfReply → $source', ({ reply, source }) => {
    expect(gapSourceOfReply(reply)).toBe(source);
  });
});
