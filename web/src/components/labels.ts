/**
 * Where a label goes near its dot: the first of a list of spots, nearest first, that overlaps no dot and no
 * label placed before it (else the one that overlaps least).
 */
export interface LabelSpot {
  x: number;
  y: number;
  anchor: "start" | "end" | "middle";
}

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** 12px labels as Chromium measures them: glyphs ~6–8 units wide, a text box ~21 units high (16 above the baseline). */
const CHAR_WIDTH = 7.5;
const LINE_HEIGHT = 21;

export function placeLabels(items: { x: number; y: number; r: number; text: string }[]): LabelSpot[] {
  const taken: Box[] = items.map((i) => ({ x0: i.x - i.r, y0: i.y - i.r, x1: i.x + i.r, y1: i.y + i.r }));
  return items.map((item) => {
    const width = item.text.length * CHAR_WIDTH;
    const gap = item.r + 4;
    // beside the dot first, then above and below, then further out, line by line
    const spots: LabelSpot[] = [
      { x: item.x + gap, y: item.y + 4, anchor: "start" },
      { x: item.x - gap, y: item.y + 4, anchor: "end" },
      { x: item.x, y: item.y - gap - 5, anchor: "middle" },
      { x: item.x, y: item.y + gap + 16, anchor: "middle" },
    ];
    for (let step = 1; step <= 6; step++) {
      const dy = step * LINE_HEIGHT;
      for (const y of [item.y + 4 - dy, item.y + 4 + dy]) {
        spots.push({ x: item.x + gap, y, anchor: "start" }, { x: item.x - gap, y, anchor: "end" });
      }
    }
    const boxOf = (s: LabelSpot): Box => {
      const x0 = s.anchor === "start" ? s.x : s.anchor === "end" ? s.x - width : s.x - width / 2;
      return { x0, x1: x0 + width, y0: s.y - 16, y1: s.y + 5 };
    };
    const clash = (s: LabelSpot) => taken.reduce((sum, b) => sum + overlapArea(b, boxOf(s)), 0);
    const chosen =
      spots.find((s) => clash(s) === 0) ?? spots.reduce((best, s) => (clash(s) < clash(best) ? s : best));
    taken.push(boxOf(chosen));
    return chosen;
  });
}

function overlapArea(a: Box, b: Box): number {
  const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
  const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
  return w > 0 && h > 0 ? w * h : 0;
}
