import { RouteConfig } from '@nestjs/platform-fastify';

/**
 * How much structure one JSON body may have. A body under the 1 MB size limit can still hold
 * 120,000 keys, each of which validation would report (seconds of CPU and a 7 MB answer), or
 * thousands of nesting levels that overflow the stack of recursive code downstream. Checked
 * on the text, before it is parsed.
 */
export interface JsonLimits {
  /** Nesting of objects and arrays; the body itself is level 1. */
  maxDepth: number;
  /** Keys of all objects in the body together. */
  maxKeys: number;
  /** Items of any one array. */
  maxArrayLength: number;
}

/** Room for every request DTO (the largest has about 20 fields and arrays of 30). */
export const DEFAULT_JSON_LIMITS: JsonLimits = { maxDepth: 8, maxKeys: 256, maxArrayLength: 100 };

/** Route config (`@JsonBodyLimits(...)`) for a route whose legitimate bodies are larger. */
export interface JsonLimitsRouteConfig {
  jsonLimits?: Partial<JsonLimits>;
}

/**
 * Raises (or lowers) the JSON limits of one route. Uses the route's Fastify config, so it
 * cannot be combined with another `@RouteConfig` on the same route: merge them instead.
 */
export const JsonBodyLimits = (limits: Partial<JsonLimits>) =>
  RouteConfig({ jsonLimits: limits } satisfies JsonLimitsRouteConfig);

export interface JsonLimitBreach {
  limit: 'depth' | 'keys' | 'arrayLength';
  max: number;
}

const OPEN_OBJECT = 0x7b; // {
const CLOSE_OBJECT = 0x7d; // }
const OPEN_ARRAY = 0x5b; // [
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * The first limit a JSON text breaks, or undefined, found in one pass over the characters
 * before anything is parsed: JSON.parse and a walk over the result each took about 100 ms for
 * a body of 120,000 keys (far more on a busy machine), this scan takes a few. Outside strings
 * a colon follows each key and a comma separates array items. Invalid JSON is left to the
 * parser (what the scan counts in it does not matter).
 */
export function jsonLimitBreach(text: string, limits: JsonLimits): JsonLimitBreach | undefined {
  let keys = 0;
  // Per open container: -1 for an object, else the items seen so far in that array.
  const open: number[] = [];
  let inArrayAwaitingItem = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inArrayAwaitingItem && !isSpace(c) && c !== CLOSE_ARRAY) {
      inArrayAwaitingItem = false;
      if (++open[open.length - 1] > limits.maxArrayLength)
        return { limit: 'arrayLength', max: limits.maxArrayLength };
    }
    if (c === QUOTE) {
      // Skip the string: a quote preceded by an odd number of backslashes does not end it.
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) i++;
        else if (d === QUOTE) break;
      }
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (open.length >= limits.maxDepth) return { limit: 'depth', max: limits.maxDepth };
      open.push(c === OPEN_OBJECT ? -1 : 0);
      inArrayAwaitingItem = c === OPEN_ARRAY;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      open.pop();
      inArrayAwaitingItem = false;
    } else if (c === COLON) {
      if (++keys > limits.maxKeys) return { limit: 'keys', max: limits.maxKeys };
    } else if (c === COMMA && open.length > 0 && open[open.length - 1] >= 0) {
      inArrayAwaitingItem = true;
    }
  }
  return undefined;
}
