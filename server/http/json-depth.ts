import type { RequestHandler } from 'express';
import { BadRequestError } from './errors.js';

export const MAX_JSON_DEPTH = 32;

function depthExceeds(value: unknown, limit: number): boolean {
  // Iterative, so a hostile document cannot exhaust the stack while being measured.
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d + 1]);
  }
  return false;
}

/** Nothing the API accepts nests deeply; a document that does is refused before any handler walks it. */
export const limitJsonDepth: RequestHandler = (req, _res, next) => {
  if (req.body !== undefined && depthExceeds(req.body, MAX_JSON_DEPTH)) {
    throw new BadRequestError(`JSON 嵌套层级超过 ${MAX_JSON_DEPTH} 层`, `JSON nested deeper than ${MAX_JSON_DEPTH} levels`, [
      { path: '', message: `嵌套不得超过 ${MAX_JSON_DEPTH} 层`, messageEn: `must not nest deeper than ${MAX_JSON_DEPTH} levels` },
    ]);
  }
  next();
};
