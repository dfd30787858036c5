// Lint findings in both languages. The designer studio shows them in the designer's language; the
// CLI prints the English one (like a compiler) and, with --lang zh, the Chinese one. The code stays
// the stable key either way.

/** A finding's message as a producer says it: both languages, or English only (then see zhOf). */
export interface Said {
  readonly zh: string;
  readonly en: string;
}

/** What each kind of finding is about, in Chinese: the whole message where a producer gives none. */
export const LINT_CODE_ZH: Readonly<Record<string, string>> = {
  'yaml-syntax': 'YAML 语法错误',
  'yaml-too-large': '文件过大',
  'yaml-too-deep': '嵌套层级过深',
  'yaml-alias-bomb': 'YAML 别名展开过多',
  schema: '不符合场景文件格式',
  'schema-modeline': '首行缺少格式声明',
  'unknown-file': '不是场景文件',
  'file-name': '文件名与编号不一致',
  'duplicate-id': '重复定义',
  'unknown-element': '未知的数据元素',
  'unknown-material': '未知的材料',
  'unknown-department': '未知的部门',
  'unknown-item': '未知的事项',
  'unknown-fact': '条件引用了未知的数据',
  'invalid-condition': '条件写法有误',
  'invalid-schema': '字段格式定义有误',
  cycle: '事项先后顺序形成循环',
  'unmet-need': '所需数据没有前序事项提供',
  'constraint-conflict': '约束相互矛盾',
  'rule-target': '规则指向的事项不起作用',
  'unreachable-item': '可选事项永远不会被纳入',
  'bundle-order': '材料由后办事项产生',
  'commitment-not-required': '告知承诺替代的材料并未要求',
  'unasked-fact': '条件读取的数据没有任何事项询问',
  'unplaced-element': '数据元素未放入任何分组',
  'invalid-example': '示例数据有误',
  unused: '未被使用',
  audience: '未写明服务对象（个人/企业）',
  'element-standard': '数据元素与所引标准不符',
  'field-rule': '字段规则不起作用',
  alternative: '二选一事项设置有误',
  'alternative-unbounded': '二选一条件无法穷举检查',
  'alternative-coverage': '二选一条件未恰好选中一项',
  region: '地方实施版本设置有误',
  'region-standard': '地方实施版本改动了标准事项',
  calendar: '工作日历有误',
  promise: '承诺时限有误',
  official: '办事指南数据不一致',
  'on-site': '到场要求重复计算',
  delivery: '送达方式设置有误',
  'item-code': '事项编码有误',
  'connector-options': '对接配置有误',
};

/**
 * The Chinese message of a finding: the producer's own when it gives one; otherwise what the kind
 * of finding is about, with the English detail (ids and values a designer recognises) after it.
 */
export function zhOf(code: string, message: string | Said): string {
  if (typeof message !== 'string') return message.zh;
  return `${LINT_CODE_ZH[code] ?? '场景文件有问题'}：${message}`;
}

export function enOf(message: string | Said): string {
  return typeof message === 'string' ? message : message.en;
}

/** `（是否应为“birthDate”？）` / ` (did you mean "birthDate"?)`, or nothing without a close candidate. */
export function didYouMean(best: string): Said {
  return best ? { zh: `（是否应为“${best}”？）`, en: ` (did you mean "${best}"?)` } : { zh: '', en: '' };
}
