import { formatId } from '../kustomize/resource.js';
import { type Change, summarize } from './changes.js';
import type { ApplyProblem } from './cluster.js';
import { unifiedDiff } from './unified.js';

// Three renderings of the same list of changes: a terminal report, a pull-request comment and
// JSON. All of them start from the summary, and none shows a Secret value (unifiedDiff masks).

const SIGN = { added: '+', changed: '~', removed: '-', unchanged: '=' } as const;

function colorize(diff: string): string {
  return diff
    .split('\n')
    .map((l) =>
      l.startsWith('+++') || l.startsWith('---') ? `\x1b[1m${l}\x1b[0m`
      : l.startsWith('+') ? `\x1b[32m${l}\x1b[0m`
      : l.startsWith('-') ? `\x1b[31m${l}\x1b[0m`
      : l.startsWith('@@') ? `\x1b[36m${l}\x1b[0m`
      : l,
    )
    .join('\n');
}

function summaryLine(changes: Change[]): string {
  const s = summarize(changes);
  return `${s.added} added, ${s.changed} changed, ${s.removed} removed, ${s.unchanged} unchanged`;
}

/** Summary, the list of changed ids, then one unified diff per changed object. */
export function formatTerminal(changes: Change[], opts: { title: string; color: boolean }): string {
  const out = [`${opts.title}: ${summaryLine(changes)}`];
  const changed = changes.filter((c) => c.action !== 'unchanged');
  if (changed.length > 0) out.push('', ...changed.map((c) => `  ${SIGN[c.action]} ${formatId(c.id)}`), '');
  for (const c of changed) {
    const d = unifiedDiff(c);
    out.push(opts.color ? colorize(d) : d);
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

/** GitHub's limit for an issue or pull-request comment body. */
export const COMMENT_LIMIT = 65536;

const MD_ACTION = { added: '➕ added', changed: '✏️ changed', removed: '➖ removed', unchanged: 'unchanged' } as const;
const cell = (s: string): string => (s ? `\`${s.replace(/\|/g, '\\|')}\`` : '');

/**
 * A pull-request comment: the summary table first, then one collapsible section per changed
 * object with its diff. Sections that would push the text past `limit` characters are left out
 * and a note says how many.
 */
export function formatMarkdown(changes: Change[], opts: { title: string; limit?: number; problems?: ApplyProblem[] }): string {
  const limit = opts.limit ?? COMMENT_LIMIT;
  const s = summarize(changes);
  const changed = changes.filter((c) => c.action !== 'unchanged');
  const problems = opts.problems ?? [];
  const head = [
    `### ${opts.title}`,
    '',
    '| added | changed | removed | unchanged |',
    '|---:|---:|---:|---:|',
    `| ${s.added} | ${s.changed} | ${s.removed} | ${s.unchanged} |`,
    '',
    ...(problems.length ? [`**\`kts apply\` would fail on ${problems.length} object${problems.length === 1 ? '' : 's'}:**`, '', ...problems.map((p) => `- \`${formatId(p.id)}\`: ${p.message}`), ''] : []),
  ];
  if (changed.length === 0) return `${[...head, 'No differences.'].join('\n')}\n`;
  const table = ['| change | kind | namespace | name |', '|---|---|---|---|', ...changed.map((c) => `| ${MD_ACTION[c.action]} | ${c.id.kind} | ${cell(c.id.namespace)} | ${cell(c.id.name)} |`), ''];
  const sections = changed.map((c) => {
    const fence = unifiedDiff(c).includes('```') ? '````' : '```';
    return ['<details>', `<summary>${SIGN[c.action]} ${formatId(c.id)}</summary>`, '', `${fence}diff`, unifiedDiff(c).trimEnd(), fence, '', '</details>', ''].join('\n');
  });
  const note = (left: number): string =>
    `\n> **Truncated:** ${left} of ${changed.length} changed resource${changed.length === 1 ? '' : 's'} not shown, to stay within the ${limit.toLocaleString('en-US')}-character comment limit. Run \`kts diff\` locally for the full diff.\n`;
  let text = [...head, ...table].join('\n');
  if (text.length + note(changed.length).length > limit) {
    // Thousands of changes: even the table does not fit; cut it at a line.
    text = text.slice(0, text.lastIndexOf('\n', limit - note(changed.length).length - 1) + 1);
    return text + note(changed.length);
  }
  for (let i = 0; i < sections.length; i++) {
    const next = `${text}\n${sections[i]}`;
    const left = sections.length - i - 1;
    if (next.length + (left > 0 ? note(left).length : 0) > limit) return text + note(left + 1);
    text = next;
  }
  return text;
}

export interface JsonChange {
  id: Change['id'];
  action: Change['action'];
  diff?: string;
}

/** Machine-readable: the summary, every change with its (masked) unified diff, and what apply would fail on. */
export function formatJson(changes: Change[], problems: ApplyProblem[] = []): string {
  const list: JsonChange[] = changes.map((c) => (c.action === 'unchanged' ? { id: c.id, action: c.action } : { id: c.id, action: c.action, diff: unifiedDiff(c) }));
  return `${JSON.stringify({ summary: summarize(changes), changes: list, problems }, null, 2)}\n`;
}
