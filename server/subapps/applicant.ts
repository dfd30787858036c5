import { maskPerson, type MaskedPerson } from '../../shared/identifiers.js';

/**
 * Who applied, for the lists departments page through. Select these columns by joining
 * `applications a` and `users u ON u.id = a.applicant_id`; lists show them only masked.
 */
export const APPLICANT_COLUMNS = 'u.name AS applicant_name, u.id_number AS applicant_id_number, u.mobile AS applicant_mobile';

export interface ApplicantColumns {
  applicant_name: string;
  applicant_id_number: string | null;
  applicant_mobile: string | null;
}

export function maskedApplicant(r: ApplicantColumns): MaskedPerson {
  return maskPerson({ name: r.applicant_name, idNumber: r.applicant_id_number, mobile: r.applicant_mobile });
}
