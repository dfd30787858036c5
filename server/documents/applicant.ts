// How a document names the applicant: masked (王*, 4301**********1237), since a receipt or a
// notice is handed over, printed and photographed; the 申请表 alone, which the applicant signs,
// prints the answers in full.
import { maskIdNumber, maskName } from '../../shared/identifiers.js';
import type { Row } from './pdf.js';

export interface DocumentApplicant {
  name: string;
  /** 公民身份号码 from the real-name identity, when known. */
  idNumber: string | null;
}

export function maskedApplicantRows(a: DocumentApplicant): Row[] {
  return [['申请人', maskName(a.name)], ...(a.idNumber ? [['公民身份号码', maskIdNumber(a.idNumber)] as Row] : [])];
}

/** Where a document has no 办件编号 yet (a draft, or filed before numbers were kept). */
export function numberText(number: string | null): string {
  return number ?? '（提交后生成）';
}
