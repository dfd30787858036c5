// 查询码: the short code printed on a 受理回执 that, with the 办件编号, lets anyone holding the
// receipt follow the application's progress without signing in (a family member, the applicant
// at a self-service terminal). It shows no personal data, only titles and statuses, so a code of
// 8 characters from 31 (about 8.5 × 10^11 values per number) is out of reach of guessing.
// The alphabet leaves out 0/O, 1/I/L so that a code read off paper is typed right.

export const QUERY_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const QUERY_CODE_LENGTH = 8;

/** A new code; `pick(n)` draws a uniform integer in [0, n) (the server passes crypto.randomInt). */
export function newQueryCode(pick: (n: number) => number): string {
  let out = '';
  for (let i = 0; i < QUERY_CODE_LENGTH; i++) out += QUERY_CODE_ALPHABET[pick(QUERY_CODE_ALPHABET.length)];
  return out;
}

/** `ABCD2345` → `ABCD-2345`, as printed. */
export function formatQueryCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** What a person typed, as stored: upper case, without spaces or dashes; null when it cannot be a code. */
export function normaliseQueryCode(input: string): string | null {
  const code = input.toUpperCase().replace(/[\s\-－—]/g, '');
  if (code.length !== QUERY_CODE_LENGTH) return null;
  for (const ch of code) if (!QUERY_CODE_ALPHABET.includes(ch)) return null;
  return code;
}
