// The escalation policy's types: plain data, no Node-only imports (the dashboard shares them).

/** Where a contact is reached: a channel id and the address on that channel. */
export interface ContactRoute {
  channel: string;
  to?: string;
}

export interface ContactSpec {
  id: string;
  label?: string;
  notify: ContactRoute[];
  /** null: wait for this contact indefinitely */
  acceptWithin?: string | null;
}

/** The policy as written in a site configuration or a session request. */
export interface EscalationPolicySpec {
  $schema?: string;
  contacts?: ContactSpec[];
  repeatEvery?: string | null;
  groupWithin?: string;
}

export interface Contact {
  id: string;
  label: string;
  notify: ContactRoute[];
  /** Infinity = wait indefinitely */
  acceptMs: number;
}

export interface EscalationPolicy {
  /** the merged spec, as recorded in the journal header */
  spec: EscalationPolicySpec;
  contacts: Contact[];
  /** Infinity = never repeat */
  repeatMs: number;
  groupMs: number;
}
