#!/usr/bin/env node
// Writes fixtures/dns-reputation-demo.pcap from the traffic described in scripts/demo-traffic.mjs,
// with the project's own capture writer. Run `npm run build` first. The output is byte-for-byte
// the same on every run, and a test checks that the committed file matches it.
//
//   node scripts/generate-demo-capture.mjs [output path]
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PcapWriter, dnsExchangeFrames } from '@triggerbox/replay';
import { demoExchanges } from './demo-traffic.mjs';

export function buildDemoCapture() {
  const frames = demoExchanges().flatMap((exchange) => dnsExchangeFrames(exchange));
  // Responses of one exchange can land after the query of the next, so sort by time; the sort is
  // stable, which keeps a query before its own response when both share a millisecond.
  frames.sort((a, b) => a.timestampMs - b.timestampMs);
  const writer = new PcapWriter({ format: 'pcap' });
  writer.addFrames(frames);
  return writer.takeBytes();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const output = process.argv[2] ?? fileURLToPath(new URL('../fixtures/dns-reputation-demo.pcap', import.meta.url));
  const bytes = buildDemoCapture();
  writeFileSync(output, bytes);
  process.stdout.write(`wrote ${output} (${bytes.length} bytes)\n`);
}
