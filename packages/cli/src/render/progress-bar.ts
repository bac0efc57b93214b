/**
 * One line of progress: `[██████░░░░░░░░░░░░░░]  12/25`. Meant to be redrawn in place (`\r`) on a
 * terminal.
 */
export function progressBar(processed: number, total: number, width = 30): string {
  const fraction = total === 0 ? 1 : Math.min(1, processed / total);
  const filled = Math.round(fraction * width);
  const digits = String(total).length;
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${String(processed).padStart(digits)}/${total}`;
}
