/**
 * The README's runnable examples: a fenced block is runnable when the line right above its
 * opening fence is the HTML comment `<!-- runnable -->` (invisible on GitHub and npm).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const MARKER = '<!-- runnable -->';

/** The repository's README.md. */
export const README = path.resolve(__dirname, '..', '..', 'README.md');

export interface RunnableBlock {
  /** The `##` or `###` heading the block sits under. */
  section: string;
  /** 1-based line of the opening fence. */
  line: number;
  language: string;
  code: string;
}

/** Every fenced block marked runnable, in README order. */
export function runnableBlocks(markdown: string): RunnableBlock[] {
  const lines = markdown.split('\n');
  const blocks: RunnableBlock[] = [];
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^#{2,3} /.test(line)) section = line.replace(/^#+ /, '').trim();
    const fence = /^```(\w*)\s*$/.exec(line);
    if (fence === null) continue;
    const end = lines.indexOf('```', i + 1);
    if (end === -1) throw new Error(`README.md:${i + 1}: unclosed code block`);
    if (lines[i - 1]?.trim() === MARKER) {
      blocks.push({ section, line: i + 1, language: fence[1] ?? '', code: lines.slice(i + 1, end).join('\n') + '\n' });
    }
    i = end;
  }
  return blocks;
}


/** The runnable block under a heading (the first, if several). */
export function runnableBlock(section: string, markdown = readFileSync(README, 'utf8')): RunnableBlock {
  const block = runnableBlocks(markdown).find((b) => b.section === section);
  if (block === undefined) throw new Error(`README.md has no runnable block under "${section}"`);
  return block;
}
