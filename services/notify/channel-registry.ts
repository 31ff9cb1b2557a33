// Channel definitions are data (the site configuration's `channels`, id → { type, … }); each type is one
// module. Adding a channel type is one module and one line in CHANNEL_TYPES.
import { Ajv, type ValidateFunction } from 'ajv';
import { MONITOR_VIEW_CHANNEL } from '../core/escalation-policy.js';
import { fieldProblems } from '../schema-errors.js';
import type { Channel, ChannelContext, ChannelType } from './channel.js';
import { monitorViewType } from './monitor-view-channel.js';
import { webhookType } from './webhook-channel.js';

export const CHANNEL_TYPES: Readonly<Record<string, ChannelType>> = {
  'monitor-view': monitorViewType,
  webhook: webhookType,
};

export interface ChannelDefinition {
  type: string;
  [field: string]: unknown;
}

export type ChannelDefinitions = Record<string, ChannelDefinition>;

export const CHANNEL_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export class ChannelConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid channels:\n  ${problems.join('\n  ')}`);
    this.name = 'ChannelConfigError';
  }
}

/** The site's channels with the built-in monitor view added when the site does not configure it. */
export function withBuiltIns(definitions: ChannelDefinitions | undefined): ChannelDefinitions {
  return { [MONITOR_VIEW_CHANNEL]: { type: 'monitor-view' }, ...definitions };
}

const validators = new Map<string, ValidateFunction>();
const ajv = new Ajv({ allErrors: true, strict: false });

function validatorFor(type: string, channelType: ChannelType): ValidateFunction {
  let validate = validators.get(type);
  if (validate === undefined) {
    validate = ajv.compile(channelType.schema);
    validators.set(type, validate);
  }
  return validate;
}

/** Every problem with the channel definitions, each naming its field (`channels.pager.url: …`). */
export function checkChannels(definitions: unknown, env: NodeJS.ProcessEnv): string[] {
  if (definitions === undefined) return [];
  if (typeof definitions !== 'object' || definitions === null || Array.isArray(definitions)) return ['channels: must be an object of channel id → definition'];
  const problems = new Map<string, string>();
  for (const [id, definition] of Object.entries(definitions as Record<string, unknown>)) {
    if (!CHANNEL_ID_PATTERN.test(id)) {
      problems.set(`channels.${id}`, `channels.${id}: a channel id is lowercase letters, digits and -`);
      continue;
    }
    if (typeof definition !== 'object' || definition === null || Array.isArray(definition)) {
      problems.set(`channels.${id}`, `channels.${id}: must be an object with a type`);
      continue;
    }
    const type = (definition as { type?: unknown }).type;
    const channelType = typeof type === 'string' && Object.hasOwn(CHANNEL_TYPES, type) ? CHANNEL_TYPES[type] : undefined;
    if (channelType === undefined) {
      problems.set(`channels.${id}.type`, `channels.${id}.type: must be one of ${Object.keys(CHANNEL_TYPES).join(', ')}`);
      continue;
    }
    if (id === MONITOR_VIEW_CHANNEL && type !== 'monitor-view') {
      problems.set(`channels.${id}.type`, `channels.${id}.type: the built-in ${MONITOR_VIEW_CHANNEL} channel must have type monitor-view`);
      continue;
    }
    const validate = validatorFor(type as string, channelType);
    if (!validate(definition)) {
      for (const { path, message } of fieldProblems(validate.errors ?? [])) {
        const full = `channels.${id}${path === '' ? '' : `.${path}`}`;
        if (!problems.has(full)) problems.set(full, `${full}: ${message}`);
      }
      continue;
    }
    for (const problem of channelType.check?.(definition as Record<string, unknown>, env) ?? []) problems.set(`channels.${id}.${problem}`, `channels.${id}.${problem}`);
  }
  return [...problems.values()];
}

/** Makes every channel (the built-in monitor view included); throws ChannelConfigError naming each bad field. */
export function createChannels(definitions: ChannelDefinitions | undefined, context: ChannelContext): Map<string, Channel> {
  const all = withBuiltIns(definitions);
  const problems = checkChannels(all, context.env);
  if (problems.length > 0) throw new ChannelConfigError(problems);
  const channels = new Map<string, Channel>();
  for (const [id, definition] of Object.entries(all)) {
    channels.set(id, (CHANNEL_TYPES[definition.type] as ChannelType).create(id, definition, context));
  }
  return channels;
}
