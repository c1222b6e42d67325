import { formatMetricTable } from '@triggerbox/metrics';
import type { ReplayReport } from './replay-command.js';

function alignedTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

/** The human-readable summary of a replay, for standard output. */
export function formatReplayReport(report: ReplayReport): string {
  const { capture } = report;
  const sections: string[] = [];

  sections.push(
    `Capture: ${capture.files} file(s), ${capture.packets} packets, ${capture.dnsMessages} DNS messages, ${capture.malformed} malformed messages dropped\n` +
      `DNS: ${capture.requests} requests, ${capture.responses} responses, ${capture.paired} paired, ` +
      `${capture.timeouts} unanswered, ${capture.unpairedResponses} responses without a request, ${capture.duplicateResponses} duplicate responses`,
  );
  const faults = Object.entries(capture.faults).filter(([, count]) => count > 0);
  if (faults.length > 0) {
    sections.push(`Dropped: ${faults.map(([kind, count]) => `${kind} ${count}`).join(', ')}`);
  }

  const events = Object.entries(report.events);
  sections.push(`Events: ${events.length === 0 ? 'none' : events.map(([name, count]) => `${name} ${count}`).join(', ')}`);

  sections.push(
    'Triggers:\n' +
      alignedTable(
        ['name', 'runs', 'errors', 'file'],
        report.triggers.map((trigger) => [trigger.name, String(trigger.runs), String(trigger.errors), trigger.file]),
      ),
  );

  const remote = report.remote;
  if (Object.values(remote).some((count) => count > 0)) {
    let line = `Remote.HTTP: ${Object.entries(remote).map(([name, count]) => `${name} ${count}`).join(', ')}`;
    if ((remote.unknownTarget ?? 0) > 0) line += '\n  (requests to a target that is not configured return false; add --remote NAME=URL)';
    sections.push(line);
  }

  sections.push(report.metrics.length === 0 ? 'Metrics: none recorded' : 'Metrics:\n' + formatMetricTable(report.metrics));
  return sections.join('\n\n') + '\n';
}
