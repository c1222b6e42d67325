import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Logger } from '@triggerbox/core';
import { exportCaptureToJsonl } from '@triggerbox/replay';

export interface ExportCommandOptions {
  captures: string[];
  /** Output file; standard output when absent or `-`. */
  output?: string;
  logger: Logger;
}

/** Writes the DNS events of captures as JSON lines, the format `triggerbox replay` also reads. */
export async function runExport(options: ExportCommandOptions): Promise<void> {
  const toStdout = options.output === undefined || options.output === '-';
  const stream = toStdout ? process.stdout : createWriteStream(options.output!);
  const summary = await exportCaptureToJsonl({ files: options.captures, logger: options.logger }, stream);
  if (!toStdout) {
    stream.end();
    await once(stream, 'finish');
  }
  options.logger.info('export finished', { dnsMessages: summary.dnsMessages, malformed: summary.malformed });
}
