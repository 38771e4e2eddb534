// A small horizontal bar chart drawn as inline SVG: no library, nothing fetched. The same numbers are always shown
// in a table next to it, which is what screen readers use; the picture is for a glance.

import { s } from './dom.js';
import { label } from './format.js';

const WIDTH = 480;
const ROW = 26;
const LABEL_WIDTH = 130;
const VALUE_WIDTH = 48;

/** entries: [[wireName, count], ...], at least one. Returns an <svg> element. */
export function barChart(title, rows) {
  const max = Math.max(1, ...rows.map(([, v]) => v));
  const height = rows.length * ROW + 8;
  const barSpace = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  return s('svg', { viewBox: `0 0 ${WIDTH} ${height}`, class: 'chart', role: 'img', 'aria-label': `${title} (chart; the table has the same numbers)` },
    s('title', {}, title),
    rows.map(([name, value], i) => {
      const y = 4 + i * ROW;
      const width = Math.max(value > 0 ? 2 : 0, (value / max) * barSpace);
      return s('g', { class: 'bar' },
        s('text', { x: LABEL_WIDTH - 8, y: y + ROW / 2, 'text-anchor': 'end', 'dominant-baseline': 'middle', class: 'bar-label' }, label(name)),
        s('rect', { x: LABEL_WIDTH, y: y + 4, width: width.toFixed(1), height: ROW - 8, rx: 3, class: 'bar-fill' }),
        s('text', { x: LABEL_WIDTH + width + 6, y: y + ROW / 2, 'dominant-baseline': 'middle', class: 'bar-value' }, String(value)));
    }));
}
