import { basename, extname } from 'node:path';
import { EVENT_NAMES, type EventName } from '@triggerbox/core';
import { sandboxError } from './errors.js';

/** A trigger as read from a file: its settings and script body. */
export interface TriggerSource {
  name: string;
  /** The file it came from; several triggers share it when it is a bundle. */
  file: string;
  events: EventName[];
  debug: boolean;
  script: string;
  /**
   * Script name in stack traces and error messages: the file path, or `path#name` for an item of
   * a bundle, whose line numbers count from the start of that item's script.
   */
  origin: string;
}

const HEADER_LINE = /^\s*\/\/\s*([A-Za-z][A-Za-z ]*?)\s*:\s*(.*?)\s*$/;

/** Parses an event list such as "DNS_REQUEST, DNS_RESPONSE" and checks every name. */
export function parseEventList(text: string | string[], where: string): EventName[] {
  const names = (Array.isArray(text) ? text : text.split(/[\s,]+/)).map((name) => String(name).trim()).filter((name) => name !== '');
  if (names.length === 0) {
    throw sandboxError('TB_ERR_SANDBOX_EVENTS_MISSING', `${where}: the event list is empty; name at least one event, such as //Events: DNS_REQUEST.`);
  }
  const events: EventName[] = [];
  for (const name of names) {
    const upper = name.toUpperCase();
    if (!(EVENT_NAMES as readonly string[]).includes(upper)) {
      throw sandboxError('TB_ERR_SANDBOX_UNKNOWN_EVENT', `${where}: unknown event "${name}"; the valid events are ${EVENT_NAMES.join(', ')}.`);
    }
    if (!events.includes(upper as EventName)) events.push(upper as EventName);
  }
  return events;
}

function parseDebugFlag(value: string, where: string): boolean {
  const lower = value.toLowerCase();
  if (['enabled', 'true', 'on', 'yes'].includes(lower)) return true;
  if (['disabled', 'false', 'off', 'no'].includes(lower)) return false;
  throw sandboxError('TB_ERR_SANDBOX_INVALID_HEADER', `${where}: //Debugging: must be Enabled or Disabled, got "${value}".`);
}

/**
 * Parses a trigger file: a function body with an optional header of `//Key: value` comment lines
 * at the top. The keys read are Name, Events and Debugging, and others such as Author are
 * ignored. Without a `//Name:` line the name is the file name without its extension.
 */
export function parseTriggerFile(file: string, text: string): TriggerSource {
  let name: string | null = null;
  let eventsText: string | null = null;
  let debug = false;

  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    if (line.trim() === '') continue;
    if (!line.trimStart().startsWith('//')) break;

    const match = HEADER_LINE.exec(line);
    if (match === null) continue;
    const key = (match[1] as string).toLowerCase();
    const value = match[2] as string;
    const where = `${file}:${index + 1}`;
    if (key === 'name') {
      if (value === '') throw sandboxError('TB_ERR_SANDBOX_INVALID_HEADER', `${where}: //Name: is empty; give the trigger a name or remove the line.`);
      name = value;
    } else if (key === 'events') {
      eventsText = value;
    } else if (key === 'debugging' || key === 'debug') {
      debug = parseDebugFlag(value, where);
    }
  }

  if (eventsText === null) {
    throw sandboxError(
      'TB_ERR_SANDBOX_EVENTS_MISSING',
      `${file}: no //Events: line in the header; add one at the top of the file, such as //Events: DNS_REQUEST, DNS_RESPONSE.`,
    );
  }
  return {
    name: name ?? basename(file, extname(file)),
    file,
    events: parseEventList(eventsText, file),
    debug,
    script: text,
    origin: file,
  };
}

/** Parses a vendor bundle `{"Trigger": [{name, events, debug, disabled, script}]}`; disabled items are left out. */
export function parseBundle(file: string, text: string): TriggerSource[] {
  let bundle: unknown;
  try {
    bundle = JSON.parse(text);
  } catch (error) {
    throw sandboxError('TB_ERR_SANDBOX_INVALID_BUNDLE', `${file}: not valid JSON (${(error as Error).message}).`, error);
  }
  const items = (bundle as { Trigger?: unknown } | null)?.Trigger;
  if (!Array.isArray(items)) {
    throw sandboxError('TB_ERR_SANDBOX_INVALID_BUNDLE', `${file}: expected an object with a "Trigger" array.`);
  }

  const sources: TriggerSource[] = [];
  items.forEach((item: unknown, position) => {
    const where = `${file}: Trigger[${position}]`;
    const record = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    if (typeof record.name !== 'string' || record.name === '') {
      throw sandboxError('TB_ERR_SANDBOX_INVALID_BUNDLE', `${where}: "name" must be a non-empty string.`);
    }
    if (typeof record.script !== 'string') {
      throw sandboxError('TB_ERR_SANDBOX_INVALID_BUNDLE', `${where} (${record.name}): "script" must be a string.`);
    }
    if (record.disabled === true) return;

    sources.push({
      name: record.name,
      file,
      events: parseEventList(parseBundleEvents(record.events, `${where} (${record.name})`), `${where} (${record.name})`),
      debug: record.debug === true,
      script: record.script,
      origin: `${file}#${record.name}`,
    });
  });
  return sources;
}

/** Bundles store events as a JSON-encoded array in a string; a plain array is accepted too. */
function parseBundleEvents(events: unknown, where: string): string[] {
  let parsed = events;
  if (typeof events === 'string') {
    try {
      parsed = JSON.parse(events);
    } catch (error) {
      throw sandboxError('TB_ERR_SANDBOX_INVALID_BUNDLE', `${where}: "events" must be a JSON array of event names, got ${JSON.stringify(events)}.`, error);
    }
  }
  if (!Array.isArray(parsed) || parsed.some((name) => typeof name !== 'string')) {
    throw sandboxError('TB_ERR_SANDBOX_INVALID_BUNDLE', `${where}: "events" must be an array of event names, got ${JSON.stringify(events)}.`);
  }
  return parsed as string[];
}
