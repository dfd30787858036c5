// What the clerk types to identify the applicant, as the API's body; pure, so the page and its
// checks agree on what is sent.

export interface IdentifyForm {
  idNumber: string;
  name: string;
  mobile: string;
  /** 企业办事: the agent files for a company, named by its 统一社会信用代码. */
  forCompany: boolean;
  creditCode: string;
}

export const EMPTY_IDENTIFY: IdentifyForm = { idNumber: '', name: '', mobile: '', forCompany: false, creditCode: '' };

export function applicantBody(f: IdentifyForm): { idNumber: string; name: string; mobile?: string; company?: { creditCode: string } } {
  return {
    idNumber: f.idNumber.trim().toUpperCase(),
    name: f.name.trim(),
    ...(f.mobile.trim() ? { mobile: f.mobile.trim() } : {}),
    ...(f.forCompany ? { company: { creditCode: f.creditCode.trim().toUpperCase() } } : {}),
  };
}

/** The API's field path → the form's field. */
export const FIELD_OF_PATH: Record<string, keyof IdentifyForm | 'bundleId'> = {
  'applicant.idNumber': 'idNumber',
  'applicant.name': 'name',
  'applicant.mobile': 'mobile',
  'applicant.company.creditCode': 'creditCode',
  applicant: 'idNumber',
  bundleId: 'bundleId',
};
