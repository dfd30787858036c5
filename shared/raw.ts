// Reading parsed YAML that the JSON Schema has already checked: plain objects as records, and
// anything else as an empty one (a broken entry never reaches the builders, but the types do).
export type Raw = Record<string, unknown>;

export const asRaw = (v: unknown): Raw => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : {});
