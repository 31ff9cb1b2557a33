// What the signed-in user may do, as far as the page needs to know (services/auth/permissions.ts decides;
// the page only hides what would be refused). Acting on a session — events, acknowledge, audio pause — is for
// the therapists and medical monitors assigned to it; engineers and admins never acknowledge.
import type { Me, SessionSummary } from './types.js';

function assigned(me: Me, session: Pick<SessionSummary, 'therapists' | 'monitors'>): boolean {
  return session.therapists.includes(me.username) || session.monitors.includes(me.username);
}

/** session:event, alarm:acknowledge, alarm:pause */
export function mayAct(me: Me, session: Pick<SessionSummary, 'therapists' | 'monitors'>): boolean {
  return (me.roles.includes('therapist') || me.roles.includes('monitor')) && assigned(me, session);
}

/** device:bind: assigned therapists and monitors, and admins */
export function mayBind(me: Me, session: Pick<SessionSummary, 'therapists' | 'monitors'>): boolean {
  return me.roles.includes('admin') || mayAct(me, session);
}

/**
 * Answering a notification (Accept / Decline) is for the people escalation reaches: medical monitors and
 * therapists. The hub addresses them; an engineer or admin never gets the prompt, even if addressed by mistake.
 */
export function mayAnswerNotifications(me: Me): boolean {
  return me.roles.includes('monitor') || me.roles.includes('therapist');
}

/** replay: engineers (the server replays a file through the core for them) */
export function mayReplay(me: Me): boolean {
  return me.roles.includes('engineer');
}
