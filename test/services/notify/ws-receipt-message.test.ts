// The client → server `receipt` message is parsed as strictly as the other client messages.
import { describe, expect, test } from 'vitest';
import { HUB_LINE_TYPES, parseClientMessage } from '../../../services/api/ws-protocol.js';

describe('receipt messages', () => {
  test('a well-formed receipt parses to exactly its fields', () => {
    for (const state of ['delivered', 'read', 'accepted', 'declined']) {
      expect(parseClientMessage(JSON.stringify({ type: 'receipt', session: 's-1', notification: 'n-12', state }))).toEqual({
        ok: true,
        message: { type: 'receipt', session: 's-1', notification: 'n-12', state },
      });
    }
  });

  test('anything else is a bad-message error', () => {
    const bad = [
      { type: 'receipt', session: 's-1', notification: 'n-1' },
      { type: 'receipt', session: 's-1', notification: 'n-1', state: 'failed' },
      { type: 'receipt', session: 's-1', notification: 'n-1', state: 'sent' },
      { type: 'receipt', session: '', notification: 'n-1', state: 'read' },
      { type: 'receipt', session: 's-1', notification: '', state: 'read' },
      { type: 'receipt', session: 's-1', notification: 'n/1', state: 'read' },
      { type: 'receipt', session: 's-1', notification: 'n-1'.repeat(30), state: 'read' },
      { type: 'receipt', session: 7, notification: 'n-1', state: 'read' },
      { type: 'receipt', session: 's-1', notification: 'n-1', state: 'read', by: 'someone' },
    ];
    for (const message of bad) {
      const parsed = parseClientMessage(JSON.stringify(message));
      expect(parsed.ok, JSON.stringify(message)).toBe(false);
      if (!parsed.ok) expect(parsed.error.code).toBe('bad-message');
    }
  });

  test('the escalation journal lines are forwarded like other lines', () => {
    for (const type of ['notify', 'notify-end', 'delivery']) expect(HUB_LINE_TYPES.has(type)).toBe(true);
  });
});
