// Who may do what. Users are staff (therapists, medical monitors, engineers, admins) — never patients.

export const ROLES = ['therapist', 'monitor', 'engineer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** A signed-in user as the API sees it (no secrets). */
export interface User {
  /** the sign-in name, e.g. "t.weber"; also what audit entries name as `by` */
  username: string;
  roles: Role[];
}

/** What a permission check needs to know about a session. */
export interface SessionAccess {
  id: string;
  /** usernames of the therapists and medical monitors assigned to the session */
  assigned: readonly string[];
  /** true until the session has ended: monitors may read every live session (the overview); absent = not live */
  live?: boolean;
}
