// 告知承诺书: the commitment an applicant signs for the materials an item accepts a commitment
// for instead of the document (disposition `commitment`, shared/evaluate.ts).
//
// The text is a pure function of who applies, the bundle, and which materials it replaces for
// which items: the server keeps its SHA-256 with the signature, and a change of answers that
// changes the text (another item included, a material now required or no longer waived)
// changes the hash, so the old signature no longer covers it and the applicant signs again.
// Answers that do not change the text (a company's name typed again) keep the signature valid.
// The text carries no date: the time of signing is kept beside it, not inside what is signed.
import type { Evaluation } from './evaluate.js';
import { maskIdNumber } from './identifiers.js';

/** The standard wording of the legal consequence of a false commitment. */
export const COMMITMENT_LIABILITY = '申请人对承诺内容的真实性负责，如有虚假承诺，将依法承担相应法律责任，已作出的许可决定可被撤销，并记入信用记录。';
export const COMMITMENT_LIABILITY_EN =
  'The applicant answers for the truth of this commitment; a false commitment carries legal liability, a permit granted on it may be revoked, and it is entered into the credit record.';

export interface CommitmentMaterial {
  readonly code: string;
  readonly title: string;
  /** The included items that accept the commitment for it, in bundle order. */
  readonly items: readonly { readonly id: string; readonly title: string }[];
}

export interface CommitmentInput {
  readonly applicant: { readonly name: string; readonly idNumber?: string | null };
  readonly bundle: { readonly title: string };
  readonly materials: readonly CommitmentMaterial[];
}

/** The materials an evaluation waives by commitment, each with the items that accept it. */
export function commitmentMaterials(evaluation: Pick<Evaluation, 'materials' | 'items'>): CommitmentMaterial[] {
  const titles = new Map(evaluation.items.map((i) => [i.id, i.title]));
  return evaluation.materials
    .filter((m) => m.disposition === 'commitment')
    .map((m) => {
      const ids = [...new Set(m.needs.filter((n) => n.disposition === 'commitment').map((n) => n.item))];
      return { code: m.code, title: m.title, items: (ids.length ? ids : m.items).map((id) => ({ id, title: titles.get(id) ?? id })) };
    });
}

/** The 承诺书 as the applicant reads and signs it: plain text, one paragraph per line. */
export function commitmentText(input: CommitmentInput): string {
  const id = input.applicant.idNumber ? `（公民身份号码：${maskIdNumber(input.applicant.idNumber)}）` : '';
  const lines = [
    '告知承诺书',
    '',
    `承诺人：${input.applicant.name}${id}`,
    `申请事项：${input.bundle.title}`,
    '',
    `本人申请办理「${input.bundle.title}」，对下列材料作出告知承诺，以承诺代替提交：`,
    ...input.materials.map((m, i) => `${i + 1}. ${m.title}（适用事项：${m.items.map((it) => it.title).join('、')}）`),
    '',
    '本人已知悉办理上述事项的条件、标准和要求，承诺上述材料所证明的情况真实、合法、有效，本人符合相应条件，并愿意接受有关部门的核查。',
    '',
    COMMITMENT_LIABILITY,
    '',
    `承诺人：${input.applicant.name}`,
  ];
  return lines.join('\n');
}

/**
 * Whether the name typed when signing is the applicant's: exactly, after trimming the ends and
 * Unicode normalisation (a name typed with a full-width space in the middle is not the name).
 */
export function signerNameMatches(typed: string, name: string): boolean {
  const norm = (s: string) => s.normalize('NFC').trim();
  return norm(typed).length > 0 && norm(typed) === norm(name);
}
