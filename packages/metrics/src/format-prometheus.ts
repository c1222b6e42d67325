import type { DatasetSummary, MetricRow, MetricType, SamplesetSummary } from './types.js';

/**
 * Prometheus text exposition (format 0.0.4). Family names are fixed per metric kind and the
 * trigger's names travel as label values, so any metric name is exported without renaming and
 * two names can never collide after sanitising.
 */

interface Family {
  name: string;
  type: 'counter' | 'gauge' | 'summary';
  help: string;
  lines: string[];
}

const QUANTILES: [string, keyof DatasetSummary][] = [
  ['0.25', 'p25'],
  ['0.5', 'p50'],
  ['0.75', 'p75'],
  ['0.95', 'p95'],
  ['0.99', 'p99'],
];

/** Escapes a label value: backslash, double quote and line feed, as the format requires. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatSampleValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

function labels(row: MetricRow, extra?: [string, string]): string {
  const pairs: [string, string][] = [
    ['source', row.source],
    ['object', row.object],
    ['metric', row.metric],
  ];
  if (row.detail !== null) pairs.push(['detail', row.detail]);
  if (extra !== undefined) pairs.push(extra);
  return `{${pairs.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(',')}}`;
}

function createFamilies(): Record<string, Family> {
  const family = (name: string, type: Family['type'], help: string): Family => ({ name, type, help, lines: [] });
  return {
    count: family('triggerbox_count_total', 'counter', 'Sum of metricAddCount and metricAddDetailCount values.'),
    max: family('triggerbox_max', 'gauge', 'Maximum of metricAddMax and metricAddDetailMax values.'),
    snap: family('triggerbox_snap', 'gauge', 'Latest metricAddSnap and metricAddDetailSnap value.'),
    distinct: family('triggerbox_distinct', 'gauge', 'Estimated distinct items of metricAddDistinct (HyperLogLog).'),
    sampleset: family('triggerbox_sampleset', 'summary', 'Samplesets: sum and count of the recorded values.'),
    samplesetSd: family('triggerbox_sampleset_stddev', 'gauge', 'Samplesets: population standard deviation.'),
    dataset: family('triggerbox_dataset', 'summary', 'Datasets: nearest-rank quantiles, sum and count.'),
    datasetMin: family('triggerbox_dataset_min', 'gauge', 'Datasets: smallest recorded value.'),
    datasetMax: family('triggerbox_dataset_max', 'gauge', 'Datasets: largest recorded value.'),
  };
}

function addRow(families: Record<string, Family>, row: MetricRow): void {
  const type: MetricType = row.type;
  const sample = (family: Family, suffix: string, value: number, extra?: [string, string]): void => {
    family.lines.push(`${family.name}${suffix}${labels(row, extra)} ${formatSampleValue(value)}`);
  };

  if (type === 'sampleset') {
    const value = row.value as SamplesetSummary;
    sample(families.sampleset!, '_sum', value.sum);
    sample(families.sampleset!, '_count', value.count);
    sample(families.samplesetSd!, '', value.sd);
    return;
  }
  if (type === 'dataset') {
    const value = row.value as DatasetSummary;
    for (const [quantile, field] of QUANTILES) sample(families.dataset!, '', value[field], ['quantile', quantile]);
    sample(families.dataset!, '_sum', value.sum);
    sample(families.dataset!, '_count', value.count);
    sample(families.datasetMin!, '', value.min);
    sample(families.datasetMax!, '', value.max);
    return;
  }
  sample(families[type]!, '', row.value as number);
}

/** Formats rows as Prometheus text; families without rows are left out. */
export function formatPrometheus(rows: readonly MetricRow[]): string {
  const families = createFamilies();
  for (const row of rows) addRow(families, row);

  const output: string[] = [];
  for (const family of Object.values(families)) {
    if (family.lines.length === 0) continue;
    output.push(`# HELP ${family.name} ${family.help}`, `# TYPE ${family.name} ${family.type}`, ...family.lines);
  }
  return output.length === 0 ? '' : output.join('\n') + '\n';
}
