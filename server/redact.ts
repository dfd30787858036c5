/**
 * Masks personal data in anything about to be written to a log. Works on the serialised text,
 * so it also catches data that reached a log line by a path nobody anticipated (an error message
 * quoting a value, a third-party library's own fields).
 */
import { maskIdNumber, maskMobile, maskName } from '../shared/identifiers.js';

// 公民身份号码: 6-digit region, 8-digit birth date, 3-digit sequence, check character.
const ID_NUMBER = /(?<![0-9A-Za-z])[1-8]\d{16}[\dXx](?![0-9A-Za-z])/g;
// Mainland mobile numbers; the look-arounds keep longer digit runs (ids, timestamps) intact.
const MOBILE = /(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])/g;
// JSON members whose key says they hold a person's name: "name", "child.name", "fatherName"…
const NAME_MEMBER = /"((?:[A-Za-z_]+[._])?name|[A-Za-z_.]*Name)"(\s*:\s*)"((?:[^"\\]|\\.)*)"/g;

export function redactText(text: string): string {
  return text
    .replace(ID_NUMBER, maskIdNumber)
    .replace(MOBILE, maskMobile)
    .replace(NAME_MEMBER, (_m, key: string, sep: string, value: string) => `"${key}"${sep}"${maskName(value)}"`);
}

/** Query strings may carry anything a client typed; logs keep the parameter names only. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq < 0 ? pair : `${pair.slice(0, eq)}=***`;
    });
  return `${url.slice(0, q)}?${params.join('&')}`;
}
