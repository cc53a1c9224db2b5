/** Chart labels have a fixed column: long names are cut with an ellipsis (the full name is in the tooltip). */
export function truncate(text: string, max = 34): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
