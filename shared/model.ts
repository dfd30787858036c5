// The scenario model: what the YAML files under scenarios/ become once loaded.
//
// Everything here is plain data (no classes) so a catalogue can be built in the browser studio
// from pasted text, cached, and handed to compose/evaluate/split/account unchanged. Every
// object remembers where it was written (`at`) so lint can point at file:line:col.
import type { CalendarFile } from './calendar-file.js';
import type { BundleGuide, ItemGuide, Official } from './guide.js';
import type { PathSegment, YamlSource } from './yaml-source.js';
import type { AlternativeGroup } from './alternatives.js';
import type { BundleMaterial } from './bundle-materials.js';
import type { FieldCheck, FieldRule } from './field-rules.js';
import type { RegionInfo, RegionalImplementation } from './regions.js';

/** A JSON Schema fragment restricted to the keywords listed in field-schema.schema.json. */
export type JsonSchema = { readonly [keyword: string]: unknown };

export interface SourceRef {
  readonly file: string;
  readonly path: readonly PathSegment[];
}

// ---------------------------------------------------------------------------------------------
// Conditions: json-rules-engine's serialised format, so the same rules run in the reference
// engine and in the synchronous evaluator (shared/condition.ts).

export interface FactCondition {
  readonly fact: string;
  readonly operator: string;
  readonly value: unknown;
  readonly path?: string;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly name?: string;
  readonly priority?: number;
}
export interface AllCondition {
  readonly all: readonly Condition[];
  readonly name?: string;
  readonly priority?: number;
}
export interface AnyCondition {
  readonly any: readonly Condition[];
  readonly name?: string;
  readonly priority?: number;
}
export interface NotCondition {
  readonly not: Condition;
  readonly name?: string;
  readonly priority?: number;
}
export type TopLevelCondition = AllCondition | AnyCondition | NotCondition;
export type Condition = FactCondition | TopLevelCondition;

export interface ReasonParams {
  readonly reason: string;
  readonly reasonEn: string;
}
export type RuleEvent =
  | { readonly type: 'include-item'; readonly params: ReasonParams & { readonly item: string } }
  | { readonly type: 'require-material'; readonly params: ReasonParams & { readonly material: string; readonly item: string } }
  | { readonly type: 'waive-material'; readonly params: ReasonParams & { readonly material: string; readonly item?: string } }
  | { readonly type: 'ineligible'; readonly params: ReasonParams }
  | { readonly type: 'require-visit'; readonly params: ReasonParams }
  | { readonly type: 'notice'; readonly params: ReasonParams };
export type RuleEventType = RuleEvent['type'];

export interface Rule {
  readonly name: string;
  readonly priority?: number;
  readonly conditions: TopLevelCondition;
  readonly event: RuleEvent;
  readonly at: SourceRef;
}

// ---------------------------------------------------------------------------------------------
// Catalogue entries

export type Prefill =
  | { readonly kind: 'none' }
  /** Real-name login (实名认证): `field` of the profile's identity record. */
  | { readonly kind: 'identity'; readonly field: string }
  /** Data sharing (数据共享) from a department: the profile's `sharing.data[elementId]`. */
  | { readonly kind: 'sharing'; readonly source: string };

export interface ElementStandard {
  /** The standard, e.g. `GB 11643-1999`. */
  readonly ref: string;
  /** Its identifier for the element, when it gives one. */
  readonly id?: string;
  /** Its name for the element, when it differs from the title. */
  readonly name?: string;
}

export interface DataElement {
  /** `child.name`; item-local fields get `<itemId>/<fieldName>`. */
  readonly id: string;
  readonly title: string;
  readonly titleEn: string;
  readonly description?: string;
  readonly schema: JsonSchema;
  readonly sensitive: boolean;
  readonly prefill: Prefill;
  /** The national standard defining it or its code set (数据元标准), when one does. */
  readonly standard?: ElementStandard;
  /** Set for an item-local field: it belongs to that item only. */
  readonly local?: { readonly item: string; readonly field: string };
  readonly at: SourceRef;
}

export interface Material {
  readonly code: string;
  readonly title: string;
  readonly titleEn: string;
  readonly description?: string;
  readonly issuer?: string;
  readonly electronicLicence: boolean;
  readonly validityMonths: number | null;
  /** The original must be surrendered at a counter: it costs a visit. */
  readonly physical: boolean;
  /** Set for the implicit application form of an item (`form:<itemId>`). */
  readonly formOf?: string;
  readonly at: SourceRef;
}

export type Delivery =
  | { readonly channel: 'webhook'; readonly url: string; /** Name of the env variable, not the secret. */ readonly secret: string }
  | { readonly channel: 'inbox' };

export interface Department {
  readonly code: string;
  readonly name: string;
  readonly nameEn: string;
  readonly shortName: string;
  readonly shortNameEn: string;
  readonly delivery: Delivery;
  readonly at: SourceRef;
}

export interface ItemField {
  /** The item's own field name, as its back office calls it (`xsexm`). */
  readonly name: string;
  /** Data element id; for an item-local field, `<itemId>/<name>`. */
  readonly element: string;
  /** Extra constraints of this item, intersected with the element's schema. */
  readonly schema?: JsonSchema;
  readonly required: boolean;
  readonly local: boolean;
  readonly at: SourceRef;
}

export interface ItemMaterial {
  readonly code: string;
  readonly when?: TopLevelCondition;
  readonly note?: string;
  readonly at: SourceRef;
}

export interface ItemOutput {
  readonly kind: 'element' | 'material';
  readonly ref: string;
  readonly at: SourceRef;
}

export interface Ref {
  readonly ref: string;
  readonly at: SourceRef;
}

export interface Item {
  readonly id: string;
  readonly title: string;
  readonly titleEn: string;
  readonly description?: string;
  readonly department: string;
  readonly departmentAt: SourceRef;
  readonly timeLimitDays: number;
  /** Code of the item's implicit application form material, `form:<id>`. */
  readonly formMaterial: string;
  readonly formGenerated: boolean;
  readonly fields: readonly ItemField[];
  readonly materials: readonly ItemMaterial[];
  readonly commitment: readonly Ref[];
  readonly needs: readonly Ref[];
  readonly outputs: readonly ItemOutput[];
  /** Codes, visits, steps, fee and delivery as the item's guide states them (shared/guide.ts). */
  readonly guide?: ItemGuide;
  readonly at: SourceRef;
}

export interface BundleItem {
  readonly item: string;
  readonly after: readonly Ref[];
  readonly optional: boolean;
  readonly at: SourceRef;
}

export interface Section {
  readonly id: string;
  readonly title: string;
  readonly titleEn: string;
  readonly elements: readonly Ref[];
  readonly at: SourceRef;
}

export interface BundleExample {
  readonly description?: string;
  readonly answers: Answers;
  readonly profile?: Profile;
}

export interface BeforeAfter {
  readonly before: number;
  readonly after: number;
}

export type BundleAudience = 'person' | 'enterprise';

export interface Bundle {
  readonly id: string;
  readonly title: string;
  readonly titleEn: string;
  readonly version: string;
  readonly description?: string;
  /** Who applies (服务对象): a person (个人) or an enterprise (企业/法人). */
  readonly audience?: BundleAudience;
  readonly lead?: Ref;
  readonly items: readonly BundleItem[];
  readonly questions: readonly Ref[];
  /**
   * Per-bundle override of the dictionary's prefill source; with `when`, only while the answers
   * meet it (the father's own name from his identity when he is the applicant).
   */
  readonly prefill: ReadonlyMap<string, { readonly prefill: Prefill; readonly when?: TopLevelCondition; readonly at: SourceRef }>;
  readonly rules: readonly Rule[];
  readonly sections: readonly Section[];
  readonly examples: Readonly<Record<string, BundleExample>>;
  readonly official?: Official;
  /** Codes, sources, the promise, flow, on-site needs and delivery (shared/guide.ts). */
  readonly guide?: BundleGuide;
  /** Fields shown, required or hidden by the answers (shared/field-rules.ts). */
  readonly fieldRules?: readonly FieldRule[];
  /** Cross-field checks with a message in both languages (shared/field-rules.ts). */
  readonly checks?: readonly FieldCheck[];
  /** "Exactly one of" groups of items, chosen by the answers (shared/alternatives.ts). */
  readonly alternatives?: readonly AlternativeGroup[];
  /** Materials of the bundle as a whole, not of one item (shared/bundle-materials.ts). */
  readonly bundleMaterials?: readonly BundleMaterial[];
  /** The region whose standard (省级统筹) this bundle is (shared/regions.ts). */
  readonly region?: RegionInfo;
  /** City or county implementations extending this standard, by region code. */
  readonly regions?: ReadonlyMap<string, RegionalImplementation>;
  readonly at: SourceRef;
}

export interface Catalogue {
  readonly elements: ReadonlyMap<string, DataElement>;
  readonly materials: ReadonlyMap<string, Material>;
  readonly departments: ReadonlyMap<string, Department>;
  readonly items: ReadonlyMap<string, Item>;
  readonly bundles: ReadonlyMap<string, Bundle>;
  /**
   * Entries that exist but failed parsing or schema validation, as `<kind>:<id>` (e.g.
   * `item:birth-registration`), and `file:<kind>` when a dictionary, materials or departments
   * file was unusable as a whole. References to them are not reported again as unknown, so
   * one typo does not cascade into fifty errors.
   */
  readonly broken: ReadonlySet<string>;
  readonly sources: ReadonlyMap<string, YamlSource>;
  /** Regional implementations (`regions/<id>.yaml`) by id, whether or not their standard exists. */
  readonly regions?: ReadonlyMap<string, RegionalImplementation>;
  /** The province's holiday file (calendar.yaml), when there is one. */
  readonly calendar?: CalendarFile;
}

// ---------------------------------------------------------------------------------------------
// Inputs of evaluation

/** Answers keyed by element id (`child.name`), item-local fields by `<itemId>/<field>`. */
export type Answers = Readonly<Record<string, unknown>>;

export interface ArchiveEntry {
  readonly code: string;
  readonly sha256?: string;
  /** ISO date the copy was issued; with the material's validityMonths it bounds reuse. */
  readonly issuedOn?: string;
  /** ISO date; after it the copy is no longer reused. */
  readonly validUntil?: string;
}

/**
 * What the platform knows about the applicant before they type anything. The server fills it
 * from real-name login, the data-sharing exchange and the applicant's archive (一人一档).
 */
export interface Profile {
  readonly identity?: Readonly<Record<string, unknown>>;
  readonly sharing?: {
    /** Materials the exchange can deliver for this applicant; absent: every electronic licence. */
    readonly available?: readonly string[];
    /** Electronic licences the exchange could not find for this applicant. */
    readonly unavailable?: readonly string[];
    /** Values of `sharing:` prefilled elements, keyed by element id. */
    readonly data?: Readonly<Record<string, unknown>>;
  };
  readonly archive?: readonly ArchiveEntry[];
}

/** Key of an element in the composed form: `child.name` → `child_name`, `birth-registration/hkszd` → `birth_registration__hkszd`. */
export function elementKey(elementId: string): string {
  const slash = elementId.indexOf('/');
  if (slash >= 0) return `${elementId.slice(0, slash).replace(/-/g, '_')}__${elementId.slice(slash + 1)}`;
  return elementId.replace(/\./g, '_');
}

export function localElementId(itemId: string, field: string): string {
  return `${itemId}/${field}`;
}

export function formMaterialCode(itemId: string): string {
  return `form:${itemId}`;
}

/**
 * The title of an item's generated application form: 出生登记 → 出生登记申请表, but
 * 创业担保贷款申请 → 创业担保贷款申请表 (not …申请申请表), and a trailing note in brackets stays
 * last: 就业创业扶持政策申请（一次性创业补贴） → 就业创业扶持政策申请表（一次性创业补贴）.
 */
export function formTitle(itemTitle: string): string {
  const m = /^(.*?)\s*([（(][^（）()]*[）)])?$/u.exec(itemTitle.trim());
  const head = m?.[1] ?? itemTitle;
  const note = m?.[2] ?? '';
  const form = head.endsWith('表') ? head : head.endsWith('申请') ? `${head}表` : `${head}申请表`;
  return `${form}${note}`;
}
