import { IPAddress } from './ip-address.js';
import { apiError, column, current, defineGetter, getConfig } from './state.js';

const SHARED_FIELDS = [
  'qname', 'qtype', 'qtypeNum', 'opcode', 'opcodeNum', 'txId',
  'isRecursionDesired', 'isCheckingDisabled', 'reqBytes', 'reqL2Bytes', 'reqPkts',
];
const RESPONSE_FIELDS = [
  'error', 'errorNum', 'isAuthoritative', 'isRecursionAvailable', 'isAuthenticData',
  'isRspTruncated', 'processingTime', 'rspBytes', 'rspL2Bytes', 'rspPkts',
];
/** Values per resource record in the flat `answers` field: name, ttl, type, typeNum and data. */
const ANSWER_SIZE = 5;

/** Reads one field of the current event from the `dns` column. */
function field(name: string): unknown {
  const { dnsField, dnsStride } = getConfig();
  const values = column('dns');
  const base = current.index * dnsStride;
  if (values[base + (dnsField.present as number)] !== true) {
    throw apiError('TB_ERR_SANDBOX_WRONG_EVENT', `DNS.${name}: this ${current.name} event carries no DNS data.`);
  }
  return values[base + (dnsField[name] as number)];
}

function responseField(name: string): unknown {
  if (current.name !== 'DNS_RESPONSE' || field('hasResponse') !== true) {
    throw apiError('TB_ERR_SANDBOX_WRONG_EVENT', `DNS.${name}: only available on DNS_RESPONSE events, this event is ${current.name}.`);
  }
  return field(name);
}

let answersIndex = -1;
let answersBatch = -1;
let answersCache: object[] = [];

/** Builds `DNS.answers` once per event; A and AAAA data become IPAddress objects. */
function answers(): object[] {
  const flat = responseField('answers') as unknown[];
  if (answersIndex === current.index && answersBatch === current.batchId) return answersCache;

  const built: object[] = [];
  for (let offset = 0; offset + ANSWER_SIZE <= flat.length; offset += ANSWER_SIZE) {
    const type = flat[offset + 2];
    let data = flat[offset + 4];
    if ((type === 'A' || type === 'AAAA') && typeof data === 'string') {
      try {
        data = new IPAddress(data);
      } catch {
        // Keep the text when the capture contains an address the parser does not accept.
      }
    }
    built.push({ name: flat[offset], ttl: flat[offset + 1], type, typeNum: flat[offset + 3], data });
  }
  answersIndex = current.index;
  answersBatch = current.batchId;
  answersCache = built;
  return built;
}

/** Creates the object behind the `DNS` global; its getters read the current event. */
export function createDns(): object {
  const dns = {};
  for (const name of SHARED_FIELDS) defineGetter(dns, name, () => field(name));
  for (const name of RESPONSE_FIELDS) defineGetter(dns, name, () => responseField(name));
  defineGetter(dns, 'answers', answers);
  return Object.freeze(dns);
}
