#!/usr/bin/env node
/**
 * CLI: concur-extract-simulator --scenario scenarios/demo.json [--port 8111]
 *      [--host 127.0.0.1]
 */
import {startSimulator} from './index';
import {loadScenarioFile, Scenario} from './scenario';
import {API_BASE, TOKEN_PATH} from './server';

interface CliArgs {
  scenario?: string;
  port?: number;
  host?: string;
  help?: boolean;
}

function parseArgs(argv: string[]): CliArgs {
  const out: CliArgs = {};
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--scenario':
      case '-s':
        out.scenario = value();
        break;
      case '--port':
      case '-p':
        out.port = Number(value());
        break;
      case '--host':
        out.host = value();
        break;
      case '--help':
      case '-h':
        out.help = true;
        break;
      default:
        throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  return out;
}

const USAGE = `Usage: concur-extract-simulator --scenario <file.json> [--port N] [--host 127.0.0.1]`;

function describeCredentials(sc: Scenario, url: string): string[] {
  const lines: string[] = [];
  const creds = sc.credentials ?? {};
  for (const c of creds.clients ?? []) {
    lines.push(`  client_id=${c.client_id} client_secret=${c.client_secret}`);
    for (const t of c.refresh_tokens ?? [])
      lines.push(`    refresh_token=${t}`);
    for (const u of c.users ?? []) {
      lines.push(
        `    username=${u.username} password=${u.password} credtype=${u.credtype ?? 'password'}`
      );
    }
  }
  for (const t of creds.static_tokens ?? [])
    lines.push(`  static access token: ${t}`);
  lines.push(`  token endpoint: ${url}${TOKEN_PATH}`);
  lines.push(`  API base: ${url}${API_BASE}`);
  lines.push(
    `  controls: POST ${url}/__sim/jobs/{definitionId}, GET ${url}/__sim/requests`
  );
  return lines;
}

async function main(): Promise<void> {
  let args: CliArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (args.help || !args.scenario) {
    console.log(USAGE);
    process.exit(args.help ? 0 : 2);
  }
  if (
    args.port !== undefined &&
    !(Number.isInteger(args.port) && args.port >= 0)
  ) {
    console.error(`bad --port\n${USAGE}`);
    process.exit(2);
  }
  const scenario = loadScenarioFile(args.scenario);
  const sim = await startSimulator(args.scenario, {
    port: args.port,
    host: args.host,
  });
  console.log(`Concur Extract simulator listening on ${sim.url}`);
  console.log(describeCredentials(scenario, sim.url).join('\n'));
  const stop = () => {
    sim.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.once('SIGHUP', stop);
  // Started by a wrapper (`npm run simulator`) that is killed without passing
  // the signal on: this process is re-parented, so it stops too.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop();
  }, PARENT_CHECK_MS).unref();
}

/** How often the CLI checks that whoever started it is still there. */
const PARENT_CHECK_MS = 500;

main().catch((e) => {
  console.error(`simulator failed: ${(e as Error).message}`);
  process.exit(1);
});
