// The bricks command line. Each command talks to the project's daemon through the control API
// (validate and config read the stack file itself, like `docker compose config`).
import { Command, CommanderError } from 'commander';
import manifest from '../../package.json' with { type: 'json' };
import { CliError, EXIT_CODES } from './errors.ts';
import { color } from './format/color.ts';
import { parseTarget } from './target-name.ts';
import { DEFAULT_TEMPLATE, TEMPLATES } from '../scaffold/templates.ts';

// Command modules load on demand: `bricks ps` should not pay for the Kubernetes schemas
// (about a second on this machine) or the bundler.
const load = {
  config: () => import('./commands/config.ts'),
  dashboard: () => import('./commands/dashboard.ts'),
  deploy: () => import('./commands/deploy.ts'),
  dev: () => import('./commands/dev.ts'),
  gen: () => import('./commands/gen.ts'),
  init: () => import('./commands/init.ts'),
  down: () => import('./commands/down.ts'),
  logs: () => import('./commands/logs.ts'),
  ps: () => import('./commands/ps.ts'),
  scale: () => import('./commands/scale.ts'),
  secret: () => import('./commands/secret.ts'),
  targets: () => import('./commands/targets.ts'),
  top: () => import('./commands/top.ts'),
  traces: () => import('./commands/traces.ts'),
  observability: () => import('./commands/observability.ts'),
  token: () => import('./commands/token.ts'),
  up: () => import('./commands/up.ts'),
  daemon: () => import('../platform/daemon/main.ts'),
};

const program = new Command('bricks')
  .description('Run a whole microservice stack on one machine, production-like.')
  // -V and --version: commander's flags for it.
  .version(manifest.version)
  .option('-f, --file <file>', 'the stack file (default: bricks.yaml or compose.yaml here)')
  .showHelpAfterError()
  .enablePositionalOptions()
  .exitOverride();

// `-f FILE` works before the command (like docker compose) and after it; `logs -f` means
// follow (like docker compose logs -f), so there the file is `--file` only.
const FILE_HELP = 'the stack file (default: bricks.yaml or compose.yaml here)';
function command(name: string, fileFlag = '-f, --file <file>'): Command {
  return program.command(name).option(fileFlag, FILE_HELP);
}

type Opts = Record<string, unknown>;
const globals = (cmd: Command): { file?: string } => cmd.optsWithGlobals<{ file?: string }>();
const imageFlags = (opts: Opts): { registry?: string; baseImage?: string } => ({
  ...(typeof opts.registry === 'string' ? { registry: opts.registry } : {}),
  ...(typeof opts.baseImage === 'string' ? { baseImage: opts.baseImage } : {}),
});

program
  .command('init')
  .description('start a new project in DIR (default: here): package.json, tsconfig.json, bricks.yaml, a service, its test')
  .argument('[dir]', 'the new project\'s folder, made if needed', '.')
  .option('-t, --template <template>', `what the project starts with: ${TEMPLATES.map((t) => `${t.name} (${t.summary})`).join('; ')}`, DEFAULT_TEMPLATE)
  .option('--name <name>', "the package's name (default: from the folder's)")
  .option('--force', 'write into a folder that is not empty, keeping the files it has')
  .option('--tarballs <dir>', 'take bricks and @bricks/sdk from the tarballs `npm pack` wrote in DIR instead of the registry')
  .action(async (dir: string, opts: Opts) =>
    (await load.init()).init(dir, {
      template: String(opts.template),
      force: opts.force === true,
      ...(typeof opts.name === 'string' ? { name: opts.name } : {}),
      ...(typeof opts.tarballs === 'string' ? { tarballs: opts.tarballs } : {}),
    }));

command('up')
  .description('start the stack (foreground with live status; -d to return once ready)')
  .option('-d, --detach', 'start in the background and return when every service is ready')
  .option('--wait <seconds>', 'with -d: how long to wait for readiness', '60')
  .action(async (opts: Opts, cmd: Command) => (await load.up()).up({ ...globals(cmd), detach: opts.detach === true, wait: String(opts.wait) }));

command('down')
  .description('stop every replica and the daemon')
  .option('--timeout <seconds>', 'how long to wait for the stop', '120')
  .option('--target <target>', 'local, or swarm: docker stack rm', 'local')
  .option('-v, --volumes', "also remove the data: locally the backing services' (.bricks/data/), on Swarm the stack's named volumes")
  .action(async (opts: Opts, cmd: Command) => {
    if (parseTarget(opts.target, ['local', 'swarm'], 'down') === 'swarm') return (await load.targets()).downSwarmCommand({ ...globals(cmd), volumes: opts.volumes === true });
    return (await load.down()).down({ ...globals(cmd), timeout: String(opts.timeout), volumes: opts.volumes === true });
  });

command('dashboard')
  .description('print a one-time login link to the stack\'s web dashboard (valid 5 minutes)')
  .option('--open', 'also open it in the desktop\'s browser')
  .action(async (opts: Opts, cmd: Command) => (await load.dashboard()).dashboard({ ...globals(cmd), open: opts.open === true }));

command('ps')
  .description('list services and replicas: pid, port, state, health, restarts, uptime, CPU, memory')
  .option('--json', 'machine-readable output')
  .option('--target <target>', 'local, or swarm: the stack\'s Swarm tasks', 'local')
  .action(async (opts: Opts, cmd: Command) =>
    (parseTarget(opts.target, ['local', 'swarm'], 'ps') === 'swarm' ? (await load.targets()).psSwarmCommand : (await load.ps()).ps)({ ...globals(cmd), json: opts.json === true }));

command('logs', '--file <file>')
  .description('show replicas\' output, merged, with a coloured prefix per replica')
  .argument('[services...]', 'only these services')
  .option('-f, --follow', 'keep following new lines')
  .option('-n, --tail <lines>', 'lines of history (default 200; every line in a --since window or a search)')
  .option('--since <when>', 'lines from then: a duration back from now (10m, 1h30m) or a time (2026-12-02T13:00:00Z)')
  .option('--until <when>', 'lines before then, as --since')
  .option('--replica <name...>', 'only these replicas (catalog.2)')
  .option('--level <level>', 'JSON lines at this level or above: trace, debug, info, warn, error, fatal')
  .option('--trace <id>', 'lines logged inside this trace')
  .option('--grep <text>', 'lines that contain this text (case-insensitive)')
  .option('-t, --timestamps', 'the time each line arrived, first')
  .option('--no-log-prefix', 'without the replica prefix')
  .option('--no-color', 'plain text')
  .option('--json', 'one JSON object per line')
  .action(async (services: string[], opts: Opts, cmd: Command) =>
    (await load.logs()).logs(services, {
      ...globals(cmd),
      follow: opts.follow === true,
      ...(typeof opts.tail === 'string' ? { tail: opts.tail } : {}),
      json: opts.json === true,
      ...(typeof opts.since === 'string' ? { since: opts.since } : {}),
      ...(typeof opts.until === 'string' ? { until: opts.until } : {}),
      ...(Array.isArray(opts.replica) ? { replicas: opts.replica as string[] } : {}),
      ...(typeof opts.level === 'string' ? { level: opts.level } : {}),
      ...(typeof opts.trace === 'string' ? { trace: opts.trace } : {}),
      ...(typeof opts.grep === 'string' ? { grep: opts.grep } : {}),
      timestamps: opts.timestamps === true,
      prefix: opts.logPrefix !== false,
      color: opts.color !== false,
    }),
  );

command('top')
  .description('requests/s, errors, p50/p99 latency, CPU and memory per service and replica, live')
  .option('--window <duration>', 'the window rates and quantiles are taken over (default 15s)')
  .option('--once', 'print once and return (the default when the output is not a terminal)')
  .option('--json', 'machine-readable output, once')
  .action(async (opts: Opts, cmd: Command) =>
    (await load.top()).top({ ...globals(cmd), ...(typeof opts.window === 'string' ? { window: opts.window } : {}), once: opts.once === true, json: opts.json === true }));

command('traces [id]')
  .description('recent traces, newest first; with an id, one trace as a waterfall')
  .option('--service <name>', 'traces that reached this service')
  .option('--method <text>', 'traces with a span whose name contains this (CatalogService/GetGame)')
  .option('--min-duration <duration>', 'traces at least this long (250ms, 1s)')
  .option('--errors', 'traces with a failed span')
  .option('--limit <n>', 'at most this many (default 20)')
  .option('--json', 'machine-readable output')
  .action(async (id: string | undefined, opts: Opts, cmd: Command) =>
    (await load.traces()).traces(id, {
      ...globals(cmd),
      ...(typeof opts.service === 'string' ? { service: opts.service } : {}),
      ...(typeof opts.method === 'string' ? { method: opts.method } : {}),
      ...(typeof opts.minDuration === 'string' ? { minDuration: opts.minDuration } : {}),
      ...(typeof opts.limit === 'string' ? { limit: opts.limit } : {}),
      errors: opts.errors === true,
      json: opts.json === true,
    }));

command('prometheus-config')
  .description("a Prometheus config that scrapes every replica: through the daemon's http_sd (local), or Docker's dockerswarm_sd (swarm)")
  .option('-o, --output <file>', 'write it to this file (default: standard output)')
  .option('--target <target>', 'local (the daemon) or swarm', 'local')
  .option('--docker-host <url>', 'swarm: the Docker API Prometheus asks (default unix:///var/run/docker.sock)')
  .action(async (opts: Opts, cmd: Command) =>
    (await load.observability()).prometheusConfigCommand({
      ...globals(cmd), target: String(opts.target),
      ...(typeof opts.output === 'string' ? { output: opts.output } : {}),
      ...(typeof opts.dockerHost === 'string' ? { dockerHost: opts.dockerHost } : {}),
    }));

command('grafana')
  .description("write the stack's Grafana dashboards (an overview, one per service) and the provisioning that loads them")
  .option('-o, --output <dir>', 'the folder to write', 'grafana')
  .option('--prometheus-url <url>', 'where Grafana reaches the Prometheus that scrapes the stack', 'http://localhost:9090')
  .action(async (opts: Opts, cmd: Command) =>
    (await load.observability()).grafanaCommand({ ...globals(cmd), output: String(opts.output), prometheusUrl: String(opts.prometheusUrl) }));

command('scale')
  .description('set the number of replicas: bricks scale catalog=3 scores=2')
  .argument('<service=replicas...>')
  .action(async (args: string[], _opts: Opts, cmd: Command) => (await load.scale()).scale(args, globals(cmd)));

command('restart')
  .description('replace every replica of the services, one at a time, without downtime')
  .argument('<services...>')
  .action(async (services: string[], _opts: Opts, cmd: Command) => (await load.scale()).restart(services, globals(cmd)));

const secret = program.command('secret').description('the encrypted store of external secrets (bricks.secrets.json): set, ls, rm');
secret
  .command('set')
  .description('store a value (from stdin, or --from-file) and bring it to the services that use it, without downtime')
  .argument('<name>', 'the store name an `external: { name }` secret refers to')
  .option('--from-file <file>', 'read the value from this file instead of stdin')
  .option('-f, --file <file>', FILE_HELP)
  .action(async (name: string, opts: Opts, cmd: Command) => (await load.secret()).secretSet(name, { ...globals(cmd), ...(typeof opts.fromFile === 'string' ? { fromFile: opts.fromFile } : {}) }));
secret
  .command('ls')
  .description('the names in the store, when each was set, and which services use it (never a value)')
  .option('--json', 'machine-readable output')
  .option('-f, --file <file>', FILE_HELP)
  .action(async (opts: Opts, cmd: Command) => (await load.secret()).secretLs({ ...globals(cmd), json: opts.json === true }));
secret
  .command('rm')
  .description('remove a value from the store')
  .argument('<name>')
  .option('-f, --file <file>', FILE_HELP)
  .action(async (name: string, _opts: Opts, cmd: Command) => (await load.secret()).secretRm(name, globals(cmd)));

const collect = (value: string, previous: string[]): string[] => [...previous, value];
command('token')
  .description("print a user token of the daemon's development issuer (x-bricks.auth.issuer: local), to call guarded methods locally")
  .option('--sub <subject>', 'the user (default: your login name)')
  .option('--scope <scope>', 'a scope the token grants (repeat, or space-separated)', collect, [])
  .option('--aud <audience>', 'an audience (repeat; default: x-bricks.auth.audience)', collect, [])
  .option('--ttl <duration>', 'how long it is valid', '1h')
  .action(async (opts: Opts, cmd: Command) =>
    (await load.token()).token({
      ...globals(cmd),
      ...(typeof opts.sub === 'string' ? { sub: opts.sub } : {}),
      scope: opts.scope as string[],
      aud: opts.aud as string[],
      ttl: String(opts.ttl),
    }));

command('deploy')
  .description('build, record a release for the git SHA, and roll only the services that changed')
  .option('--json', 'progress and result as JSON lines')
  .option('--target <target>', 'local (the daemon), or swarm: images, then docker stack deploy', 'local')
  .option('--registry <registry>', 'swarm: push images to this registry')
  .option('--base-image <image>', 'swarm: the image services run on', 'bricks/node:20')
  .action(async (opts: Opts, cmd: Command) =>
    parseTarget(opts.target, ['local', 'swarm'], 'deploy') === 'swarm'
      ? (await load.targets()).deploySwarmCommand({ ...globals(cmd), ...imageFlags(opts), json: opts.json === true })
      : (await load.deploy()).deploy({ ...globals(cmd), json: opts.json === true }));

command('rollback')
  .description('put back an earlier release as a whole: a SHA (prefix), or -N releases back (default -1)')
  .argument('[release]', 'SHA prefix or -N', '-1')
  .option('--json', 'progress and result as JSON lines')
  .option('--target <target>', 'local, or swarm: redeploy that SHA\'s saved stack file', 'local')
  .action(async (ref: string, opts: Opts, cmd: Command) =>
    (parseTarget(opts.target, ['local', 'swarm'], 'rollback') === 'swarm' ? (await load.targets()).rollbackSwarmCommand : (await load.deploy()).rollback)(ref, { ...globals(cmd), json: opts.json === true }));

command('history')
  .description('releases: SHA, time, changed services, outcome')
  .option('--json', 'machine-readable output')
  .action(async (opts: Opts, cmd: Command) => (await load.deploy()).history({ ...globals(cmd), json: opts.json === true }));

command('diff')
  .description('which services, and which of their settings, differ between two releases')
  .argument('<a>', 'SHA prefix or -N')
  .argument('<b>', 'SHA prefix or -N')
  .option('--json', 'machine-readable output')
  .action(async (a: string, b: string, opts: Opts, cmd: Command) => (await load.deploy()).diff(a, b, { ...globals(cmd), json: opts.json === true }));

command('build')
  .description('build every service\'s artifact; --images also one OCI image per service, tagged by git SHA')
  .option('--images', 'also build images (docker build)')
  .option('--registry <registry>', 'tag images <registry>/<stack>-<service>:<sha> and push them')
  .option('--base-image <image>', 'the image services run on', 'bricks/node:20')
  .action(async (opts: Opts, cmd: Command) => (await load.targets()).build({ ...globals(cmd), ...imageFlags(opts), images: opts.images === true }));

command('manifests')
  .description('write the stack as Kubernetes manifests (or a Helm chart) for the git SHA')
  .option('--target <target>', 'kubernetes', 'kubernetes')
  .requiredOption('-o, --out <dir>', 'where to write them')
  .option('--helm', 'a Helm chart instead of plain manifests')
  .option('--registry <registry>', 'registry prefix of the images')
  .option('--namespace <namespace>', 'namespace of every object')
  .option('--images', 'build (and with --registry push) the images first and name exactly those')
  .option('--base-image <image>', 'with --images: the image services run on', 'bricks/node:20')
  .option('--prometheus-url <url>', "where KEDA's Prometheus triggers query (default http://prometheus-operated.monitoring.svc:9090)")
  .option('--service-monitor', "a ServiceMonitor per service that serves /metrics (needs the Prometheus Operator's CRDs; with --helm: serviceMonitor.enabled)")
  .action(async (opts: Opts, cmd: Command) =>
    (await load.targets()).manifests({
      ...globals(cmd), ...imageFlags(opts), target: String(opts.target), out: String(opts.out), helm: opts.helm === true, images: opts.images === true,
      ...(typeof opts.namespace === 'string' ? { namespace: opts.namespace } : {}),
      ...(typeof opts.prometheusUrl === 'string' ? { prometheusUrl: opts.prometheusUrl } : {}),
      serviceMonitors: opts.serviceMonitor === true,
    }));

command('dev')
  .description('up, then rebuild and roll the services each source change reaches')
  .action(async (_opts: Opts, cmd: Command) => (await load.dev()).dev(globals(cmd)));

command('gen')
  .description("generate TypeScript for the project's protos (proto/ into gen/, or as its buf.gen.yaml says) with buf and protoc-gen-es")
  .option('--openapi <file>', 'also write the OpenAPI 3.1 document of the services with google.api.http rules (as the gateway serves at /openapi.json)')
  .action(async (opts: Opts, cmd: Command) => (await load.gen()).gen({ ...globals(cmd), ...(typeof opts.openapi === 'string' ? { openapi: opts.openapi } : {}) }));

command('config')
  .description('print the normalized stack as Compose YAML (as docker compose config does)')
  .option('--json', 'the stack model as JSON instead')
  .action(async (opts: Opts, cmd: Command) => (await load.config()).config({ ...globals(cmd), json: opts.json === true }));

command('validate')
  .description('check the stack file and report every problem with file:line:col')
  .option('--json', 'machine-readable output')
  .option('--target <target>', 'local (with its replica limit), swarm or kubernetes', 'local')
  .action(async (opts: Opts, cmd: Command) =>
    (await load.config()).validate({ ...globals(cmd), json: opts.json === true, target: parseTarget(opts.target, ['local', 'swarm', 'kubernetes'], 'validate') }));

program
  .command('__daemon', { hidden: true })
  .argument('<file>')
  .action(async (file: string) => (await load.daemon()).runDaemonProcess(file));

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exit(err.exitCode === 0 ? 0 : EXIT_CODES.usage);
  }
  if (err instanceof CliError) {
    console.error(`${color.red('error')}: ${err.message}`);
    process.exit(EXIT_CODES[err.code]);
  }
  console.error(err);
  process.exit(1);
}
