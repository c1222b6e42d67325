// The traffic of the demo capture: which clients ask for which names, when, and what the server
// answers. scripts/generate-demo-capture.mjs turns it into fixtures/dns-reputation-demo.pcap, and
// the demo's tests read it to know which domains must show up as bad.

/** 2026-01-15 09:00:00 UTC. */
export const START_MS = Date.UTC(2026, 0, 15, 9, 0, 0);
/** Six minutes of traffic, long enough for the feed's 120 s expiry to run out and be renewed. */
export const DURATION_MS = 6 * 60_000;
export const QUERY_COUNT = 240;

export const CLIENTS = ['10.1.0.11', '10.1.0.12', '10.1.0.13', '2001:db8:1::20'];

/**
 * Names queried, each with a weight (how often it is picked), a query type and the answers.
 * Mixed-case names check that the trigger lowercases before it looks a domain up.
 */
export const NAMES = [
  { name: 'www.google.com', weight: 8, type: 'A', answers: ['142.250.180.4'] },
  { name: 'mail.google.com', weight: 4, type: 'A', answers: ['142.250.180.5'] },
  { name: 'WWW.Google.COM', weight: 1, type: 'A', answers: ['142.250.180.4'] },
  { name: 'www.facebook.com', weight: 5, type: 'AAAA', answers: ['2a03:2880:f10d:83:face:b00c:0:25de'] },
  { name: 'en.wikipedia.org', weight: 5, type: 'A', answers: ['185.15.59.224'] },
  { name: 'www.amazon.com', weight: 4, type: 'A', answers: [{ type: 'CNAME', data: 'tp.47cf2c8c9-frontier.amazon.com' }, { name: 'tp.47cf2c8c9-frontier.amazon.com', type: 'A', data: '52.94.236.248' }] },
  { name: 'github.com', weight: 4, type: 'A', answers: ['140.82.121.4'] },
  { name: 'www.linkedin.com', weight: 2, type: 'A', answers: ['13.107.42.14'] },
  { name: 'docs.example.org', weight: 3, type: 'A', answers: ['192.0.2.80'] },
  { name: 'portal.intranet-apps.net', weight: 3, type: 'A', answers: ['198.51.100.7'] },
  { name: 'nosuchhost.example.org', weight: 1, type: 'A', rcode: 'NXDOMAIN' },
  { name: '7.100.51.198.in-addr.arpa', weight: 1, type: 'PTR', answers: ['portal.intranet-apps.net'] },
  { name: 'printer.local', weight: 1, type: 'A', answers: ['10.1.0.250'] },
  { name: '3f9a1c7e5b2d8046a1.exfil-cdn.net', weight: 3, type: 'TXT', answers: ['c29tZSBleGZpbHRyYXRlZCBkYXRh'] },
  { name: '9c04b7d2e61fa83c55.exfil-cdn.net', weight: 3, type: 'TXT', answers: ['bW9yZSBkYXRhIGxlYXZpbmc='] },
  { name: 'c2.tunnel-relay.io', weight: 3, type: 'CNAME', answers: ['relay7.tunnel-relay.io'] },
  { name: 'qzxkvjwprt.biz', weight: 2, type: 'A', answers: ['203.0.113.66'] },
  { name: 'Portal.QZXKVJWPRT.biz', weight: 1, type: 'A', answers: ['203.0.113.66'] },
  { name: 'www.xj4k9w2mzq.top', weight: 2, type: 'A', answers: ['203.0.113.91'] },
  { name: 'update.ns1-update-check.ru', weight: 2, type: 'A', answers: ['198.51.100.201'] },
  { name: 'account.login-secure-verify.info', weight: 2, type: 'A', answers: ['203.0.113.150'] },
];

/** A small deterministic generator (mulberry32), so the capture is the same on every machine. */
export function createRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** The exchanges of the capture, in query-time order, for `dnsExchangeFrames` of @triggerbox/replay. */
export function demoExchanges() {
  const random = createRandom(20260115);
  const totalWeight = NAMES.reduce((sum, entry) => sum + entry.weight, 0);
  const pick = () => {
    let point = random() * totalWeight;
    for (const entry of NAMES) {
      point -= entry.weight;
      if (point < 0) return entry;
    }
    return NAMES[NAMES.length - 1];
  };

  const exchanges = [];
  for (let index = 0; index < QUERY_COUNT; index += 1) {
    const entry = pick();
    const client = CLIENTS[Math.floor(random() * CLIENTS.length)];
    exchanges.push({
      timestampMs: START_MS + Math.floor((index / QUERY_COUNT) * DURATION_MS + random() * 1000),
      client: client.includes(':') ? `[${client}]:${50000 + index}` : `${client}:${50000 + index}`,
      server: client.includes(':') ? '[2001:db8::53]:53' : '10.1.0.2:53',
      id: Math.floor(random() * 65536),
      name: entry.name,
      type: entry.type,
      answers: entry.answers ?? [],
      rcode: entry.rcode ?? 'NOERROR',
      responseDelayMs: 2 + Math.floor(random() * 40),
    });
  }
  return exchanges;
}
