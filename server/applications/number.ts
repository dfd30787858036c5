/**
 * 办件编号: the region's 6-digit 行政区划代码, the Beijing date of filing (YYYYMMDD) and a 6-digit
 * sequence, 20 digits in all (migration 016). Made by the database in the statement that files
 * the application, so a number exists exactly when the application was filed.
 */

/** The 行政区划代码 used when the bundle names no region (Hunan, the seed's province). */
export const DEFAULT_REGION_CODE = '430000';

/**
 * SQL for a new number: `region` is an SQL text expression (a parameter), `at` a timestamptz
 * expression for the moment of filing.
 */
export function numberSql(region: string, at: string): string {
  return `(${region} || to_char((${at} AT TIME ZONE 'UTC') + interval '8 hours', 'YYYYMMDD') || lpad((nextval('application_number_seq') % 1000000)::text, 6, '0'))`;
}
