import type { Bundle, Catalogue, Delivery } from '../../shared/model.js';
import type { SourceFile } from '../../shared/yaml-source.js';
import type { ProposalChange, ProposalFile, Risk } from '../../shared/contracts/studio.js';

/** What a reviewer needs to judge a proposal: its changes by risk, the files touched, whether an admin must approve. */
export interface ProposalDiff {
  changes: ProposalChange[];
  files: ProposalFile[];
  risk: Risk | 'none';
  /** Delivery addresses change: only an operator (admin) may approve. */
  needsAdmin: boolean;
}

const RANK: Record<Risk, number> = { high: 3, medium: 2, low: 1 };
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function deliveryText(d: Delivery | undefined): string {
  if (!d) return '无';
  return d.channel === 'webhook' ? `webhook ${d.url}（密钥变量 ${d.secret}）` : '部门收件箱';
}
function deliveryTextEn(d: Delivery | undefined): string {
  if (!d) return 'none';
  return d.channel === 'webhook' ? `webhook ${d.url} (secret variable ${d.secret})` : 'department inbox';
}

/**
 * The semantic difference between the current version and a proposed one of one bundle, as a
 * reviewer reads it: items added or removed, an item moved to another department, fields added
 * or whose sensitivity changed, materials, rules and departments' delivery. Each change carries a
 * risk: high when personal data could reach someone new (a department move, a delivery address,
 * sensitive data), medium when what citizens are asked or which items apply changes, low otherwise.
 */
export function proposalDiff(before: { catalogue: Catalogue; bundle: Bundle; files: readonly SourceFile[] }, after: { catalogue: Catalogue; bundle: Bundle; files: readonly SourceFile[] }): ProposalDiff {
  const changes: ProposalChange[] = [];
  const add = (kind: ProposalChange['kind'], risk: Risk, title: string, titleEn: string) => changes.push({ kind, risk, title, titleEn });
  const deptName = (c: Catalogue, code: string) => c.departments.get(code)?.name ?? code;
  const itemTitle = (id: string) => after.catalogue.items.get(id)?.title ?? before.catalogue.items.get(id)?.title ?? id;

  const beforeItems = new Set(before.bundle.items.map((i) => i.item));
  const afterItems = new Set(after.bundle.items.map((i) => i.item));
  for (const id of afterItems) if (!beforeItems.has(id)) add('item-added', 'medium', `新增事项「${itemTitle(id)}」（${deptName(after.catalogue, after.catalogue.items.get(id)?.department ?? '')}）`, `Item added: ${id}`);
  for (const id of beforeItems) if (!afterItems.has(id)) add('item-removed', 'medium', `移除事项「${itemTitle(id)}」`, `Item removed: ${id}`);

  for (const id of afterItems) {
    const a = after.catalogue.items.get(id);
    const b = before.catalogue.items.get(id);
    if (!a || !b) continue;
    if (a.department !== b.department) {
      add('department', 'high', `事项「${a.title}」改由${deptName(after.catalogue, a.department)}办理（原为${deptName(before.catalogue, b.department)}），该部门将读取此事项的申请数据`, `Item ${id} moves from department ${b.department} to ${a.department}, which will read its applications`);
    }
    const beforeFields = new Set(b.fields.map((f) => f.element));
    for (const f of a.fields) {
      if (beforeFields.has(f.element)) continue;
      const element = after.catalogue.elements.get(f.element);
      const sensitive = element?.sensitive ?? false;
      add('field', sensitive ? 'high' : 'medium', `事项「${a.title}」新增${sensitive ? '敏感' : ''}字段「${element?.title ?? f.element}」`, `Item ${id} adds ${sensitive ? 'sensitive ' : ''}field ${f.element}`);
    }
    const beforeMaterials = new Set(b.materials.map((m) => m.code));
    const afterMaterials = new Set(a.materials.map((m) => m.code));
    for (const code of afterMaterials) if (!beforeMaterials.has(code)) add('material', 'low', `事项「${a.title}」新增材料「${after.catalogue.materials.get(code)?.title ?? code}」`, `Item ${id} adds material ${code}`);
    for (const code of beforeMaterials) if (!afterMaterials.has(code)) add('material', 'low', `事项「${a.title}」不再需要材料「${before.catalogue.materials.get(code)?.title ?? code}」`, `Item ${id} no longer needs material ${code}`);
  }

  for (const [id, a] of after.catalogue.elements) {
    const b = before.catalogue.elements.get(id);
    if (b && a.sensitive !== b.sensitive) {
      add('sensitive', 'high', a.sensitive ? `数据元「${a.title}」改为敏感信息` : `数据元「${a.title}」不再作为敏感信息（将不再脱敏保护）`, `Data element ${id} ${a.sensitive ? 'is now' : 'is no longer'} sensitive`);
    }
  }

  const rules = (b: Bundle) => new Map(b.rules.map((r) => [r.name, { conditions: r.conditions, event: r.event, priority: r.priority }]));
  const beforeRules = rules(before.bundle);
  const afterRules = rules(after.bundle);
  for (const [name, r] of afterRules) {
    const was = beforeRules.get(name);
    if (!was) add('rule', 'medium', `新增规则「${name}」`, `Rule added: ${name}`);
    else if (!same(was, r)) add('rule', 'medium', `规则「${name}」已修改`, `Rule changed: ${name}`);
  }
  for (const name of beforeRules.keys()) if (!afterRules.has(name)) add('rule', 'medium', `删除规则「${name}」`, `Rule removed: ${name}`);

  let needsAdmin = false;
  for (const [code, a] of after.catalogue.departments) {
    const b = before.catalogue.departments.get(code);
    if (same(a.delivery, b?.delivery)) continue;
    needsAdmin = true;
    add('delivery', 'high', `部门「${a.name}」的送达方式改为 ${deliveryText(a.delivery)}（原为 ${deliveryText(b?.delivery)}），须管理员批准`, `Delivery of ${code} becomes ${deliveryTextEn(a.delivery)} (was ${deliveryTextEn(b?.delivery)}); an administrator must approve`);
  }

  const beforeFiles = new Map(before.files.map((f) => [f.path, f.text]));
  const afterFiles = new Map(after.files.map((f) => [f.path, f.text]));
  const files: ProposalFile[] = [];
  for (const [path, text] of afterFiles) {
    const was = beforeFiles.get(path);
    if (was === undefined) files.push({ path, change: 'added' });
    else if (was !== text) files.push({ path, change: 'changed' });
  }
  for (const path of beforeFiles.keys()) if (!afterFiles.has(path)) files.push({ path, change: 'removed' });
  files.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
  if (files.length > 0 && changes.length === 0) add('other', 'low', '仅文字、说明等其他修改（见文件列表）', 'Other edits only (texts, descriptions: see the files)');

  changes.sort((x, y) => RANK[y.risk] - RANK[x.risk]);
  const risk = changes[0]?.risk ?? 'none';
  return { changes, files, risk, needsAdmin };
}
