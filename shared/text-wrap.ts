// Breaking a line of printed text (a PDF's table cell or paragraph) to a width. Chinese has no
// spaces: any two characters may be split, except that closing punctuation must not start a
// line and opening punctuation must not end one (避头尾, as GB/T 15834 typesetting does), and a
// run of Latin letters or digits (an ID number, a 办件编号) stays whole when it fits on a line.
// Pure: the width of a string is measured by the caller's font.

/** Characters that never start a line: closing marks and the pause/stop marks. */
const NO_LINE_START = new Set(Array.from('，。、；：？！）》」』】〕〉”’…—·%,.;:?!)]}'));
/** Characters that never end a line: opening brackets and quotes. */
const NO_LINE_END = new Set(Array.from('（《「『【〔〈“‘([{'));
const WORD_CHAR = /[0-9A-Za-z_\-./@]/;

/** Splits a paragraph into unbreakable units: a Latin/digit run, or a single other character. */
function units(paragraph: string): string[] {
  const out: string[] = [];
  for (const ch of Array.from(paragraph)) {
    const last = out[out.length - 1];
    if (last !== undefined && WORD_CHAR.test(ch) && WORD_CHAR.test(last[last.length - 1] ?? '')) out[out.length - 1] = last + ch;
    else out.push(ch);
  }
  return out;
}

/**
 * Lines of `text` no wider than `maxWidth` as measured by `widthOf`; `\n` starts a new line.
 * A unit wider than a whole line (a very long number) is broken character by character.
 */
export function wrapText(text: string, widthOf: (s: string) => number, maxWidth: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    const queue = units(paragraph);
    for (let i = 0; i < queue.length; i++) {
      const unit = queue[i]!;
      if (unit.length > 1 && widthOf(unit) > maxWidth) {
        // Too long for any line: spill it character by character from here.
        queue.splice(i, 1, ...Array.from(unit));
        i--;
        continue;
      }
      if (!line || widthOf(line + unit) <= maxWidth) {
        line += unit;
        continue;
      }
      let carried = '';
      const chars = Array.from(line);
      // A closing mark goes down with the character before it; an opening mark goes down with what it opens.
      if (NO_LINE_START.has(Array.from(unit)[0] ?? '') && chars.length > 1) carried = chars.pop()!;
      while (chars.length > 1 && NO_LINE_END.has(chars[chars.length - 1]!)) carried = chars.pop()! + carried;
      lines.push(chars.join(''));
      line = carried + unit;
    }
    lines.push(line);
  }
  return lines;
}
