// What each role may do, as one table of data: the API checks it, a test walks every cell, and the README
// renders it (permissionTableMarkdown). A user with several roles may do what any of them may.
import type { Role, SessionAccess, User } from './types.js';
import { ROLES } from './types.js';

export const ACTIONS = [
  'session:read',
  'session:create',
  'session:start',
  'session:end',
  'session:event',
  'session:baseline',
  'alarm:acknowledge',
  'alarm:pause',
  'alarm:off',
  'alarm:limits',
  'alarm:confirm-delivery',
  'device:bind',
  'recording:read',
  'replay',
  'user:manage',
  'profile:manage',
] as const;
export type Action = (typeof ACTIONS)[number];

/**
 * How far a role's permission reaches:
 * - `any`: every session (or, for actions not about one session, simply allowed);
 * - `live`: every live session, and any session the user is assigned to;
 * - `assigned`: only sessions whose `assigned` list names the user.
 * A session-scoped check without a session passes only for `any` (fail closed).
 */
export type Scope = 'any' | 'live' | 'assigned';

export interface Permission {
  /** `session`: checked against one session; `global`: not about any one session */
  target: 'session' | 'global';
  description: string;
  /** roles not listed may not do it */
  roles: Readonly<Partial<Record<Role, Scope>>>;
}

/*
 * Decisions (clinical safety first):
 * - Acting on a session (events, alarms, baseline, devices) is for the therapists and medical monitors
 *   assigned to it: the people who answer for that patient.
 * - Monitors see every live session (the overview sorted by severity), but act only where assigned.
 * - Switching a rule off and changing limits is the physician's call: assigned monitors only.
 * - Engineers read everything and replay, but never change a session or acknowledge an alarm.
 * - Admins run the installation (users, profiles, devices) and may read everything, but never acknowledge
 *   or pause an alarm: an acknowledgement claims a clinician has seen the patient. Someone who is both
 *   gets both roles.
 */
export const PERMISSIONS: Readonly<Record<Action, Permission>> = {
  'session:read': {
    target: 'session',
    description: 'see a session: state, vitals, trends, alarms',
    roles: { therapist: 'assigned', monitor: 'live', engineer: 'any', admin: 'any' },
  },
  'session:create': { target: 'global', description: 'open a new session', roles: { therapist: 'any', monitor: 'any' } },
  'session:start': { target: 'session', description: 'start a session', roles: { therapist: 'assigned', monitor: 'assigned' } },
  'session:end': { target: 'session', description: 'end a session', roles: { therapist: 'assigned', monitor: 'assigned' } },
  'session:event': {
    target: 'session',
    description: 'log an event: dose, supplemental dose, fluid, note',
    roles: { therapist: 'assigned', monitor: 'assigned' },
  },
  'session:baseline': { target: 'session', description: 'set a baseline by hand (audited)', roles: { therapist: 'assigned', monitor: 'assigned' } },
  'alarm:acknowledge': { target: 'session', description: 'acknowledge an alarm', roles: { therapist: 'assigned', monitor: 'assigned' } },
  'alarm:pause': { target: 'session', description: 'pause alarm audio for 120 s', roles: { therapist: 'assigned', monitor: 'assigned' } },
  'alarm:off': { target: 'session', description: 'switch a rule off or on (with a reason, audited)', roles: { monitor: 'assigned' } },
  'alarm:limits': { target: 'session', description: "change a session's alarm limits (audited)", roles: { monitor: 'assigned' } },
  'alarm:confirm-delivery': {
    target: 'session',
    description: 'confirm an escalated alarm reached this client',
    roles: { therapist: 'assigned', monitor: 'assigned' },
  },
  'device:bind': {
    target: 'session',
    description: 'pair or unbind a device',
    roles: { therapist: 'assigned', monitor: 'assigned', admin: 'any' },
  },
  'recording:read': {
    target: 'session',
    description: "download a session's recording",
    roles: { therapist: 'assigned', monitor: 'assigned', engineer: 'any', admin: 'any' },
  },
  replay: { target: 'global', description: 'replay recordings, compare profiles', roles: { engineer: 'any' } },
  'user:manage': { target: 'global', description: 'add, remove and change users', roles: { admin: 'any' } },
  'profile:manage': { target: 'global', description: 'add and change alarm profiles', roles: { admin: 'any' } },
};

function scopeAllows(scope: Scope, permission: Permission, user: User, session: SessionAccess | undefined): boolean {
  if (scope === 'any') return true;
  if (permission.target === 'global' || session === undefined) return false;
  if (session.assigned.includes(user.username)) return true;
  return scope === 'live' && session.live === true;
}

/** May this user do this (to this session)? */
export function can(user: User, action: Action, session?: SessionAccess): boolean {
  const permission = PERMISSIONS[action];
  return user.roles.some((role) => {
    const scope = permission.roles[role];
    return scope !== undefined && scopeAllows(scope, permission, user, session);
  });
}

const CELL: Record<Scope, string> = { any: 'yes', live: 'live or assigned', assigned: 'assigned' };

/** The table as Markdown, for the README. */
export function permissionTableMarkdown(): string {
  const header = `| action | ${ROLES.join(' | ')} |\n|---|${ROLES.map(() => '---').join('|')}|\n`;
  const rows = ACTIONS.map((action) => {
    const { roles } = PERMISSIONS[action];
    const cells = ROLES.map((role) => {
      const scope = roles[role];
      return scope === undefined ? '—' : CELL[scope];
    });
    return `| \`${action}\` | ${cells.join(' | ')} |`;
  });
  return `${header}${rows.join('\n')}\n`;
}
