import type { BenchReport } from './run-bench.js';
import type { Figure } from './figure.js';

/** A number as the table shows it: no more digits than the measurement deserves. */
export function formatValue(value: number, unit: string): string {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${unit}`;
}

function row(figure: Figure): string[] {
  return [
    figure.scenario,
    figure.case,
    figure.measure,
    formatValue(figure.value, figure.unit),
    figure.baseline === undefined ? '' : `${formatValue(figure.baseline.value, figure.baseline.unit)} (${figure.baseline.label})`,
    figure.ratio === undefined ? '' : `${figure.ratio.toFixed(2)}×`,
    figure.target === undefined ? '' : `${figure.target.text} ${figure.target.met ? '✓' : '✗'}`,
  ];
}

const header = ['scenario', 'case', 'measure', 'value', 'baseline (same run)', 'ratio', 'target'];

/** The report as a plain-text table, one line per figure, then the notes. */
export function renderTable(report: BenchReport): string {
  const rows = [header, ...report.figures.map(row)];
  const widths = header.map((_, column) => Math.max(...rows.map((cells) => [...(cells[column] ?? '')].length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => cell + ' '.repeat((widths[column] ?? 0) - [...cell].length)).join('  ').trimEnd();
  const notes = report.figures.flatMap((figure) => (figure.note === undefined ? [] : [`- ${figure.scenario} ${figure.case} ${figure.measure}: ${figure.note}`]));
  const { machine } = report;
  return [
    `Promote engine benchmarks — scale ${report.scale}, seed ${report.seed}, ${report.startedAt}`,
    `${machine.cpus} × ${machine.cpuModel}, ${machine.memoryMiB} MiB, node ${machine.node} ${machine.platform}${machine.exposedGc ? '' : ' (run without --expose-gc)'}`,
    '',
    line(rows[0] as string[]),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.slice(1).map(line),
    '',
    'Ratios are value ÷ baseline (for requests per second: baseline ÷ value), so larger is always slower.',
    ...notes,
  ].join('\n');
}

/** The report as a Markdown table (what docs/performance.md shows). */
export function renderMarkdown(report: BenchReport): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...report.figures.map((figure) => `| ${row(figure).map(escape).join(' | ')} |`),
  ].join('\n');
}
