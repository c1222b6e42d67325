import { readFileSync } from 'node:fs';
import { Command, Option, CommanderError } from 'commander';
import { TriggerboxError, createLogger, type Logger, type LogLevel } from '@triggerbox/core';
import { loadConfig, parsePort, parseRemoteOption, parseSpeed, type RemoteTargetConfig, type TriggerboxConfig } from './config.js';
import { runReplay } from './replay-command.js';
import { formatReplayReport } from './output.js';
import { startServe } from './serve-command.js';
import { runExport } from './export-command.js';

const LOG_LEVELS: LogLevel[] = ['error', 'warn', 'info', 'debug'];

interface CommonOptions {
  config?: string;
  remote: string[];
  logLevel: LogLevel;
}

const collect = (value: string, previous: string[]) => [...previous, value];

function remoteTargets(config: TriggerboxConfig, remoteOptions: string[]): Record<string, RemoteTargetConfig> {
  const targets: Record<string, RemoteTargetConfig> = { ...config.remotes };
  for (const text of remoteOptions) {
    const [name, target] = parseRemoteOption(text);
    targets[name] = target;
  }
  return targets;
}

function commonSettings(options: CommonOptions) {
  const config = options.config ? loadConfig(options.config) : {};
  const logger = createLogger({ level: options.logLevel });
  return { config, logger, remotes: remoteTargets(config, options.remote) };
}

function sandboxSettings(config: TriggerboxConfig) {
  return {
    ...(config.sessionCapacity === undefined ? {} : { sessionCapacity: config.sessionCapacity }),
    ...(config.memoryLimitMb === undefined ? {} : { memoryLimitMb: config.memoryLimitMb }),
    ...(config.triggerTimeoutMs === undefined ? {} : { triggerTimeoutMs: config.triggerTimeoutMs }),
  };
}

const writeStderrLine = (line: string) => process.stderr.write(line + '\n');

function addCommonOptions(command: Command): Command {
  return command
    .option('--config <file>', 'JSON configuration file (remote targets, limits); command-line options win over it')
    .option('--remote <name=url>', 'Remote.HTTP target, for example dnsrep=http://127.0.0.1:8080 (repeatable)', collect, [])
    .addOption(new Option('--log-level <level>', 'log detail on standard error').choices(LOG_LEVELS).default('info'));
}

export function buildProgram(): Command {
  const program = new Command('triggerbox')
    .description('Local workbench for ExtraHop triggers: memcached ingest, DNS replay, metrics.')
    .version(readPackageVersion(), '-V, --version', 'print the Triggerbox version')
    .showHelpAfterError()
    .exitOverride();

  addCommonOptions(
    program
      .command('replay')
      .description('Replay DNS captures (pcap, pcapng, gzip, JSON lines) through triggers and print a summary')
      .argument('<capture...>', 'capture files; - reads standard input')
      .requiredOption('--triggers <path...>', 'trigger files or folders of .js files (required)')
      .option('--json', 'print one JSON document on standard output instead of tables')
      .option('--speed <factor>', 'pace: max, or a factor of the recorded pace (1 = as recorded)', 'max')
      .option('--ingest-port <port>', 'also run the memcached ingest server on this port during the replay, on the capture clock, so a feed can write into the session table (0 = any free port)')
      .option('--ingest-host <host>', 'address for the ingest server', '127.0.0.1')
      .option('--pairing-timeout <ms>', 'capture-time window in which a response must follow its request', '5000')
      .option('--quiet', 'no progress line'),
  ).action(async (captures: string[], options) => {
    const { config, logger, remotes } = commonSettings(options);
    const report = await runReplay({
      captures,
      triggers: options.triggers ?? config.triggers ?? [],
      remotes,
      speed: parseSpeed(options.speed),
      logger,
      showProgress: !options.quiet,
      debugOutput: writeStderrLine,
      pairingTimeoutMs: parseMilliseconds(options.pairingTimeout, '--pairing-timeout'),
      ...(options.ingestPort === undefined ? {} : { ingest: { host: options.ingestHost, port: parsePort(options.ingestPort, '--ingest-port') } }),
      ...sandboxSettings(config),
    });
    if (options.json) {
      process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    } else {
      process.stdout.write(formatReplayReport(report));
    }
  });

  addCommonOptions(
    program
      .command('serve')
      .description('Run the memcached ingest server with triggers loaded, until interrupted')
      .option('--host <host>', 'address to listen on', '127.0.0.1')
      .option('--port <port>', 'TCP port (0 = any free port)', '11211')
      .option('--udp-port <port>', 'also listen for memcached over UDP on this port (off by default)')
      .option('--triggers <path...>', 'trigger files or folders of .js files')
      .option('--state-file <path>', 'restore the session table from this file at start and save it on exit')
      .option('--no-watch', 'do not reload trigger files when they change'),
  ).action(async (options) => {
    const { config, logger, remotes } = commonSettings(options);
    const handle = await startServe({
      host: options.host,
      port: parsePort(options.port, '--port'),
      ...(options.udpPort === undefined ? {} : { udpPort: parsePort(options.udpPort, '--udp-port') }),
      triggers: options.triggers ?? config.triggers ?? [],
      remotes,
      watch: options.watch,
      logger,
      debugOutput: writeStderrLine,
      ...(options.stateFile === undefined ? {} : { stateFile: options.stateFile }),
      ...sandboxSettings(config),
      onListening: (server) => {
        const { host, port, udpPort } = server.address;
        const displayHost = host.includes(':') ? `[${host}]` : host;
        process.stdout.write(`listening on ${displayHost}:${port}${udpPort === null ? '' : ` (udp ${udpPort})`}\n`);
      },
    });
    await waitForShutdown(handle.stop, logger);
  });

  program
    .command('export')
    .description('Write the DNS events of captures as JSON lines, which replay reads back')
    .argument('<capture...>', 'capture files; - reads standard input')
    .option('-o, --output <file>', 'output file (default: standard output)')
    .addOption(new Option('--log-level <level>', 'log detail on standard error').choices(LOG_LEVELS).default('info'))
    .action(async (captures: string[], options) => {
      await runExport({ captures, output: options.output, logger: createLogger({ level: options.logLevel }) });
    });

  return program;
}

function parseMilliseconds(text: string, option: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) {
    throw new TriggerboxError('TB_ERR_CLI_INVALID_OPTION', 'user', `Invalid ${option} ${JSON.stringify(text)}: expected a number of milliseconds, 0 or more.`);
  }
  return value;
}

function readPackageVersion(): string {
  const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return packageJson.version;
}

function waitForShutdown(stop: () => Promise<void>, logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      logger.info('shutting down', { signal });
      stop().then(resolve, (error: unknown) => {
        logger.error('shutdown failed', { error: String(error) });
        process.exitCode = 1;
        resolve();
      });
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}

/** Runs the command line; user faults exit with 2, anything else with 1. */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit with 0; usage errors, which commander has printed, are user faults.
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    if (error instanceof TriggerboxError) {
      process.stderr.write(`triggerbox: ${error.message} [${error.code}]\n`);
      process.exitCode = error.kind === 'user' ? 2 : 1;
      return;
    }
    process.stderr.write(`triggerbox: unexpected failure: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  }
}
