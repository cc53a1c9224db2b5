/** 300000 → "300,000" (the atlas layer cannot import the CLI's formatter). */
export function formatNumber(n: number): string {
  return Number.isInteger(n)
    ? n.toLocaleString("en-US")
    : n.toLocaleString("en-US", { maximumFractionDigits: 2 });
}
