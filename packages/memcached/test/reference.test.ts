/**
 * Differential test against Debian's memcached (1.6.18) started with -F: the same request bytes
 * must give the same reply bytes, for behaviour that memcached 1.4.39 and 1.6.18 share. Cases
 * where the versions differ (the 2048-byte line limit of 1.6, gat and meta commands, item size
 * overhead, stats fields, version strings) are covered by the other tests against 1.4.39's bytes.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';

import {
  RawClient,
  binaryExchange,
  binaryRequest,
  counterExtras,
  findTool,
  startTestServer,
  storeExtras,
  type BinaryResponse,
  type TestServer,
} from './helpers.js';

/** Text request streams; `%k` becomes a key unique to the case and the server. */
const TEXT_CASES = [
  'set %k 0 0 1\r\nx\r\nget %k\r\n',
  'set %k 0 0 1\nx\r\nget %k\n',
  'GET x\r\n\r\nbogus\r\nset k 0 0\r\nincr k\r\ndelete a b c d e\r\nverbosity\r\ncas k 0 0 1\r\nget\r\ngets\r\ntouch k\r\n',
  'set %k abc 0 1\r\nx\r\nset %k 0 abc 1\r\nx\r\nset %k 0 0 -1\r\nx\r\nset %k 0 0 abc\r\nx\r\n',
  'set %k 0 0 3\r\nabcde\r\nset %k -1 0 1\r\nx\r\nset %k 12x 0 1\r\nx\r\n',
  'set %k 4294967295 0 1\r\nx\r\nget %k\r\n',
  'add %k 0 0 1\r\nx\r\nadd %k 0 0 1\r\ny\r\nget %k\r\nreplace %k-missing 0 0 1\r\nx\r\n',
  'append %k 0 0 1\r\nx\r\nset %k 5 0 1\r\na\r\nappend %k 9 0 1\r\nb\r\nprepend %k 9 0 1\r\nc\r\nget %k\r\n',
  'cas %k 0 0 1 1\r\nx\r\nset %k 0 0 1\r\nx\r\ncas %k 0 0 1 0\r\ny\r\n',
  'delete %k\r\nset %k 0 0 1\r\nx\r\ndelete %k 0\r\ndelete %k 5\r\ndelete %k 0 noreply\r\n',
  'incr %k 1\r\nset %k 0 0 2\r\n10\r\ndecr %k 1\r\nget %k\r\nincr %k abc\r\nincr %k -1\r\n',
  'set %k 0 0 20\r\n18446744073709551615\r\nincr %k 2\r\nget %k\r\n',
  'set %k 0 0 2\r\n 5\r\nincr %k 1\r\nset %k 0 0 2\r\n5 \r\nincr %k 1\r\nset %k 0 0 0\r\n\r\nincr %k 1\r\n',
  'set %k 0 0 20\r\n18446744073709551616\r\nincr %k 1\r\nset %k 0 0 5\r\n12abc\r\nincr %k 1\r\n',
  'set %k 0 0 1\r\n5\r\ndecr %k 100\r\nincr %k 18446744073709551616\r\nincr %k 9007199254740993\r\n',
  'touch %k 10\r\nset %k 0 0 1\r\nx\r\ntouch %k 10\r\ntouch %k abc\r\ntouch %k -1\r\nget %k\r\n',
  'set %k 0 -1 1\r\nx\r\nget %k\r\nset %k 0 2592001 1\r\nx\r\nget %k\r\n',
  'set %k 0 0 1 noreply\r\nx\r\nget %k\r\nset %k 0 0 abc noreply\r\nincr %k-missing 1 noreply\r\ndelete %k 5 noreply\r\n',
  'set %k 0 0 1 noreply\r\nxyz\r\nset %k 0 0 1 NOREPLY\r\nx\r\nget %k noreply\r\n',
  'stats noreply\r\nstats bogus\r\nflush_all\r\nflush_all 0\r\nflush_all noreply\r\n',
  'verbosity 1\r\nverbosity noreply\r\nverbosity 0 noreply\r\nverbosity foo bar my\r\nverbosity 1 2\r\n',
  `set %k${'q'.repeat(240)} 0 0 1\r\nx\r\nget %k${'q'.repeat(240)}\r\n`,
  // One over-long key per request: memcached 1.6.18 drops replies of other commands pipelined
  // with it, which 1.4.39 does not.
  `set ${'q'.repeat(251)} 0 0 1\r\nx\r\n`,
  `get ${'q'.repeat(251)}\r\n`,
  `incr ${'q'.repeat(251)} 1\r\n`,
  `delete ${'q'.repeat(251)}\r\n`,
  `touch ${'q'.repeat(251)} 1\r\n`,
  'set a\t%k 0 0 1\r\nt\r\nget a\t%k\r\nset %k 0 0 1\r\nx\r\nget %k\u0000zz\r\n',
  'set %k 0 0 1 foo\r\nx\r\ncas %k 0 0 1 1 foo\r\nx\r\n',
  'set %k \t5 0 1\r\nz\r\nget %k\r\nset %k +7 0 1\r\nz\r\nget %k\r\nset %k -0 0 1\r\nz\r\nget %k\r\n',
  'get %k %k %k-missing\r\nset %k 0 0 6\r\na\r\nb\r\n\r\nget %k\r\n',
  `get ${Array.from({ length: 400 }, (_, i) => `%k-${i}`).join(' ')}\r\n`,
];

/** Starts `memcached -F` and waits until `ss` shows it listening, so no other process gets traffic. */
async function startMemcached(path: string): Promise<{ port: number; child: ChildProcess } | null> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
      });
    });
    const args = ['-F', '-l', '127.0.0.1', '-p', String(port), '-U', '0'];
    if (process.getuid?.() === 0) args.push('-u', 'nobody');
    const child = spawn(path, args, { stdio: 'ignore' });
    for (let check = 0; check < 100; check++) {
      if (child.exitCode !== null) break;
      const listing = spawnSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
      if (listing.stdout.includes(`pid=${child.pid},`)) return { port, child };
      await new Promise<void>((resolve) => setTimeout(resolve, 20));
    }
    child.kill();
  }
  return null;
}

/** Replaces what legitimately differs between the servers: cas uniques and the version. */
function normalizeText(reply: string): string {
  return reply.replace(/^(VALUE \S+ \d+ \d+) \d+\r\n/gm, '$1 CAS\r\n');
}

function normalizeBinary(responses: BinaryResponse[]): unknown[] {
  return responses.map((response) => ({
    opcode: response.opcode,
    status: response.status,
    opaque: response.opaque,
    casIsSet: response.cas !== 0n,
    extras: response.extras.toString('hex'),
    key: response.key.toString('latin1'),
    value: response.value.toString('latin1'),
  }));
}

describe('reference memcached', () => {
  let harness: TestServer;
  let memcached: { port: number; child: ChildProcess } | null = null;
  let skipReason: string | null = null;

  before(async () => {
    harness = await startTestServer();
    const path = findTool('memcached');
    if (path === null || findTool('ss') === null) {
      skipReason = 'memcached or ss (iproute2) is not installed';
      return;
    }
    memcached = await startMemcached(path);
    if (memcached === null) skipReason = 'memcached -F did not start on a free port';
  });

  after(async () => {
    memcached?.child.kill();
    await harness.close();
  });

  function skipIfMissing(t: { skip: (message: string) => void }): boolean {
    if (skipReason === null) return false;
    if (process.env.CI === 'true') assert.fail(skipReason);
    t.skip(skipReason);
    return true;
  }

  test('reference: text replies match', async (t) => {
    if (skipIfMissing(t)) return;
    const ours = await RawClient.connect(harness.port);
    const theirs = await RawClient.connect(memcached!.port);
    try {
      for (const [index, template] of TEXT_CASES.entries()) {
        const request = template.replaceAll('%k', `ref${index}`);
        const expected = normalizeText(await theirs.text(request, '1.6.18'));
        const actual = normalizeText(await ours.text(request));
        assert.equal(actual, expected, `case ${index}: ${JSON.stringify(template.slice(0, 80))}`);
      }
    } finally {
      ours.close();
      theirs.close();
    }
  });

  test('reference: binary replies match', async (t) => {
    if (skipIfMissing(t)) return;
    const requests = [
      binaryRequest({ opcode: 0x01, key: 'rb', value: 'value', extras: storeExtras(7, 0), opaque: 1 }),
      binaryRequest({ opcode: 0x02, key: 'rb', value: 'x', extras: storeExtras(0, 0), opaque: 2 }),
      binaryRequest({ opcode: 0x03, key: 'rb-missing', value: 'x', extras: storeExtras(0, 0), opaque: 3 }),
      binaryRequest({ opcode: 0x00, key: 'rb', opaque: 4 }),
      binaryRequest({ opcode: 0x0c, key: 'rb', opaque: 5 }),
      binaryRequest({ opcode: 0x0c, key: 'rb-missing', opaque: 6 }),
      binaryRequest({ opcode: 0x09, key: 'rb-missing', opaque: 7 }),
      binaryRequest({ opcode: 0x0e, key: 'rb', value: '>', opaque: 8 }),
      binaryRequest({ opcode: 0x0f, key: 'rb', value: '<', opaque: 9 }),
      binaryRequest({ opcode: 0x0e, key: 'rb-missing', value: '>', opaque: 10 }),
      binaryRequest({ opcode: 0x05, key: 'rb-n', extras: counterExtras(5n, 10n, 0), opaque: 11 }),
      binaryRequest({ opcode: 0x05, key: 'rb-n', extras: counterExtras(5n, 10n, 0), opaque: 12 }),
      binaryRequest({ opcode: 0x06, key: 'rb-n', extras: counterExtras(100n, 0n, 0), opaque: 13 }),
      binaryRequest({ opcode: 0x05, key: 'rb-none', extras: counterExtras(1n, 0n, 0xffffffff), opaque: 14 }),
      binaryRequest({ opcode: 0x05, key: 'rb', extras: counterExtras(1n, 0n, 0), opaque: 15 }),
      binaryRequest({ opcode: 0x1c, key: 'rb', extras: Buffer.from([0, 0, 0, 100]), opaque: 16 }),
      binaryRequest({ opcode: 0x1d, key: 'rb', extras: Buffer.from([0, 0, 0, 100]), opaque: 17 }),
      binaryRequest({ opcode: 0x23, key: 'rb-missing', extras: Buffer.from([0, 0, 0, 100]), opaque: 18 }),
      binaryRequest({ opcode: 0x04, key: 'rb-missing', opaque: 19 }),
      binaryRequest({ opcode: 0x14, key: 'rb-missing', opaque: 20 }),
      binaryRequest({ opcode: 0x08, opaque: 21 }),
      binaryRequest({ opcode: 0x18, opaque: 22 }),
      binaryRequest({ opcode: 0x11, key: 'rb-q', value: 'q', extras: storeExtras(0, 0), opaque: 23 }),
      binaryRequest({ opcode: 0x04, key: 'rb', opaque: 24 }),
      binaryRequest({ opcode: 0x00, key: 'rb', opaque: 25 }),
    ];
    const ours = await RawClient.connect(harness.port);
    const theirs = await RawClient.connect(memcached!.port);
    try {
      const expected = normalizeBinary(await binaryExchange(theirs, ...requests));
      const actual = normalizeBinary(await binaryExchange(ours, ...requests));
      assert.deepEqual(actual, expected);
    } finally {
      ours.close();
      theirs.close();
    }
  });
});
