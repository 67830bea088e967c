// Turns zod validation issues into the messages people read: `idRanges[0].to: must be ...`,
// `fields[3].type: must be one of Code, Text, ...`, `foo: unknown field`.
import type { z } from 'zod';

export interface IssueText {
  path: string;
  message: string;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && /^[A-Za-z_$][\w$]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

/** One line per problem; unknown keys become one line each. */
export function issueTexts(issues: readonly z.core.$ZodIssue[]): IssueText[] {
  const out: IssueText[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: formatPath([...issue.path, key]), message: 'unknown field' });
      continue;
    }
    let message = issue.message;
    if (issue.code === 'invalid_union' && 'options' in issue && Array.isArray(issue.options)) {
      message = `must be one of ${issue.options.map(String).join(', ')}`;
    } else if (issue.code === 'invalid_value' && issue.values.length > 1) {
      message = `must be one of ${issue.values.map(String).join(', ')}`;
    } else if (issue.code === 'invalid_type' && issue.message.startsWith('Invalid input: expected')) {
      message = issue.message.replace('Invalid input: expected', 'must be').replace(', received', ', not');
      if (message.endsWith(', not undefined')) message = 'is required';
    }
    out.push({ path: formatPath(issue.path), message });
  }
  return out;
}

/** `path: message` of the first problem, with a count of the others. */
export function summarizeIssues(texts: readonly IssueText[]): string {
  const first = texts[0];
  if (!first) return 'invalid';
  const head = first.path === '' ? first.message : `${first.path}: ${first.message}`;
  return texts.length > 1 ? `${head} (and ${texts.length - 1} more problem${texts.length > 2 ? 's' : ''})` : head;
}
