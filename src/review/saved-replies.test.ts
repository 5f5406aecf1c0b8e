import { describe, expect, it } from 'vitest';
import { fillPlaceholders } from './saved-replies.js';

describe('fillPlaceholders', () => {
  const kase = { customerName: 'Lucía García', customerAddress: 'lucia@cliente.test', reference: 'FR-7K3Q9X' };
  it.each([
    ['Hola {{customer_name}}, su caso {{case_reference}}.', kase, 'Hola Lucía García, su caso FR-7K3Q9X.'],
    ['Hi {{ customer_name }}', { ...kase, customerName: null }, 'Hi lucia'],
    ['— {{agent_name}}', kase, '— Ana'],
    ['{{unknown}} stays', kase, '{{unknown}} stays'],
  ])('%s', (body, k, expected) => {
    expect(fillPlaceholders(body, k, 'Ana')).toBe(expected);
  });
});
