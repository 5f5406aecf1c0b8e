// BANKING77 (Casanueva et al. 2020, CC-BY-4.0) as a knowledge base and queries in the eval command's formats:
// one article per intent (title = the intent's name in words, its train.csv texts as example questions), queries
// from test.csv. Held-out intents are absent from the KB and their queries expect null (must escalate).
import { firstPerCategory, loadSplit } from '../match-research/data.js';

/** Article ids follow our id rules: intents like Refund_not_showing_up and reverted_card_payment? are normalised. */
const articleId = (intent: string) => intent.toLowerCase().replace(/[^a-z0-9._-]/g, '');

export interface BankingSetting {
  name: string;
  examplesPerIntent?: number;
  holdout?: number;
}

export function bankingFiles(setting: BankingSetting): { kbJsonl: string; queries: { text: string; expected: string | null }[] } {
  const trainAll = loadSplit('train');
  const train = setting.examplesPerIntent ? firstPerCategory(trainAll, setting.examplesPerIntent) : trainAll;
  const intents = [...new Set(trainAll.map((r) => r.category))].sort();
  const k = setting.holdout ?? 0;
  // spread evenly over the sorted names, fixed before looking at any result
  const heldOut = new Set(intents.filter((_, i) => (i * k) % intents.length < k));
  const kbJsonl = intents.filter((c) => !heldOut.has(c)).map((c) => {
    const title = c.replace(/_/g, ' ').replace(/[?]/g, '');
    return JSON.stringify({
      id: articleId(c), title, body: `What to do about ${title}.`, language: 'en', tags: ['banking77'], url: `https://help.bank.test/${c}`,
      examples: train.filter((r) => r.category === c).map((r) => r.text),
    });
  }).join('\n');
  const queries = loadSplit('test').map((r) => ({ text: r.text, expected: heldOut.has(r.category) ? null : articleId(r.category) }));
  return { kbJsonl, queries };
}
