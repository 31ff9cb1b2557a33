// The permission table, cell by cell: every action × role, on a session the user is assigned to, a live
// session they are not assigned to, an ended one they are not assigned to, and with no session at all.
import { describe, expect, test } from 'vitest';
import { ACTIONS, type Action, can, PERMISSIONS, permissionTableMarkdown } from '../../../services/auth/permissions.js';
import { ROLES, type Role, type SessionAccess, type User } from '../../../services/auth/types.js';

// Written out by hand (not derived from PERMISSIONS), so a change to the table must be made here too.
// any = everywhere; live = assigned or any live session; assigned = only assigned sessions; - = never.
const EXPECTED = `
action                  therapist  monitor   engineer  admin
session:read            assigned   live      any       any
session:create          any        any       -         -
session:start           assigned   assigned  -         -
session:end             assigned   assigned  -         -
session:event           assigned   assigned  -         -
session:baseline        assigned   assigned  -         -
alarm:acknowledge       assigned   assigned  -         -
alarm:pause             assigned   assigned  -         -
alarm:off               -          assigned  -         -
alarm:limits            -          assigned  -         -
alarm:confirm-delivery  assigned   assigned  -         -
device:bind             assigned   assigned  -         any
recording:read          assigned   assigned  any       any
replay                  -          -         any       -
user:manage             -          -         -         any
profile:manage          -          -         -         any
`;

type Expect = 'any' | 'live' | 'assigned' | '-';
const rows = EXPECTED.trim().split('\n').slice(1).map((line) => line.trim().split(/\s+/));
const expected = new Map(rows.map(([action, ...cells]) => [action as Action, cells as Expect[]]));

const user = (role: Role): User => ({ username: `u.${role}`, roles: [role] });
const contexts: Array<{ name: string; session: (u: User) => SessionAccess | undefined; allowedBy: Expect[] }> = [
  { name: 'assigned session', session: (u) => ({ id: 's-1', assigned: ['someone.else', u.username], live: true }), allowedBy: ['any', 'live', 'assigned'] },
  { name: 'live session, not assigned', session: () => ({ id: 's-2', assigned: ['someone.else'], live: true }), allowedBy: ['any', 'live'] },
  { name: 'ended session, not assigned', session: () => ({ id: 's-3', assigned: ['someone.else'], live: false }), allowedBy: ['any'] },
  { name: 'no session given', session: () => undefined, allowedBy: ['any'] },
];

describe('permission table', () => {
  test('the expected table covers every action and role', () => {
    expect([...expected.keys()].sort()).toEqual([...ACTIONS].sort());
    expect(rows[0]).toHaveLength(ROLES.length + 1);
  });

  const cases = ACTIONS.flatMap((action) =>
    ROLES.flatMap((role, r) =>
      contexts.map((context) => {
        const cell = expected.get(action)?.[r] ?? '-';
        return { action, role, context: context.name, session: context.session, allowed: context.allowedBy.includes(cell) };
      }),
    ),
  );

  test.each(cases)('$role $action on $context → $allowed', ({ action, role, session, allowed }) => {
    const u = user(role);
    expect(can(u, action, session(u))).toBe(allowed);
  });

  test('a live flag that is absent counts as not live (fail closed)', () => {
    expect(can(user('monitor'), 'session:read', { id: 's', assigned: [] })).toBe(false);
  });

  test('several roles: allowed if any role allows, never more', () => {
    const both: User = { username: 'dr.sun', roles: ['engineer', 'therapist'] };
    const notAssigned: SessionAccess = { id: 's', assigned: ['t.weber'], live: true };
    expect(can(both, 'session:read', notAssigned)).toBe(true);
    expect(can(both, 'replay')).toBe(true);
    expect(can(both, 'alarm:acknowledge', notAssigned)).toBe(false);
    expect(can(both, 'alarm:acknowledge', { ...notAssigned, assigned: ['dr.sun'] })).toBe(true);
  });

  test('clinically: admins and engineers never acknowledge, even when named on a session', () => {
    for (const role of ['admin', 'engineer'] as const) {
      const u = user(role);
      const session: SessionAccess = { id: 's', assigned: [u.username], live: true };
      expect(can(u, 'alarm:acknowledge', session)).toBe(false);
      expect(can(u, 'alarm:pause', session)).toBe(false);
      expect(can(u, 'session:event', session)).toBe(false);
    }
  });

  test('a user without roles may do nothing', () => {
    const nobody: User = { username: 'x.y', roles: [] };
    for (const action of ACTIONS) expect(can(nobody, action, { id: 's', assigned: ['x.y'], live: true })).toBe(false);
  });

  test('the Markdown rendering has one row per action with every role column', () => {
    const markdown = permissionTableMarkdown();
    expect(markdown.split('\n')[0]).toBe('| action | therapist | monitor | engineer | admin |');
    expect(markdown).toContain('| `alarm:off` | — | assigned | — | — |');
    expect(markdown).toContain('| `session:read` | assigned | live or assigned | yes | yes |');
    expect(markdown.trim().split('\n')).toHaveLength(ACTIONS.length + 2);
    expect(Object.keys(PERMISSIONS)).toHaveLength(ACTIONS.length);
  });
});
