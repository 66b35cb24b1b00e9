// Interpolation always yields strings, but `replicas: ${N}` must still be a number for the
// targets that read service.compose. Like Compose (compose-go's interpolateTypeCastMapping),
// values at these paths are cast back to their schema type after interpolation.
// `*` matches any map key, `[]` any list index.

type Cast = 'int' | 'float' | 'bool';

const S = 'services.*';
const CASTS: readonly (readonly [string, Cast])[] = [
  [`${S}.configs[].mode`, 'int'],
  [`${S}.secrets[].mode`, 'int'],
  [`${S}.cpu_count`, 'int'],
  [`${S}.cpu_percent`, 'float'],
  [`${S}.cpu_period`, 'int'],
  [`${S}.cpu_quota`, 'int'],
  [`${S}.cpu_rt_period`, 'int'],
  [`${S}.cpu_rt_runtime`, 'int'],
  [`${S}.cpus`, 'float'],
  [`${S}.cpu_shares`, 'int'],
  [`${S}.init`, 'bool'],
  [`${S}.deploy.replicas`, 'int'],
  [`${S}.deploy.update_config.parallelism`, 'int'],
  [`${S}.deploy.update_config.max_failure_ratio`, 'float'],
  [`${S}.deploy.rollback_config.parallelism`, 'int'],
  [`${S}.deploy.rollback_config.max_failure_ratio`, 'float'],
  [`${S}.deploy.restart_policy.max_attempts`, 'int'],
  [`${S}.deploy.placement.max_replicas_per_node`, 'int'],
  [`${S}.depends_on.*.required`, 'bool'],
  [`${S}.depends_on.*.restart`, 'bool'],
  [`${S}.env_file[].required`, 'bool'],
  [`${S}.healthcheck.retries`, 'int'],
  [`${S}.healthcheck.disable`, 'bool'],
  [`${S}.oom_kill_disable`, 'bool'],
  [`${S}.oom_score_adj`, 'int'],
  [`${S}.pids_limit`, 'int'],
  [`${S}.ports[].target`, 'int'],
  [`${S}.ports[].published`, 'int'],
  [`${S}.privileged`, 'bool'],
  [`${S}.read_only`, 'bool'],
  [`${S}.scale`, 'int'],
  [`${S}.stdin_open`, 'bool'],
  [`${S}.tty`, 'bool'],
  [`${S}.ulimits.*`, 'int'],
  [`${S}.ulimits.*.hard`, 'int'],
  [`${S}.ulimits.*.soft`, 'int'],
  [`${S}.volumes[].read_only`, 'bool'],
  [`${S}.volumes[].volume.nocopy`, 'bool'],
  [`${S}.x-bricks.port`, 'int'],
  [`${S}.x-bricks.health.retries`, 'int'],
  ['networks.*.external', 'bool'],
  ['networks.*.internal', 'bool'],
  ['networks.*.attachable', 'bool'],
  ['volumes.*.external', 'bool'],
  ['secrets.*.external', 'bool'],
  ['configs.*.external', 'bool'],
  ['x-bricks.base_port', 'int'],
];

function compile(pattern: string): RegExp {
  const escaped = pattern
    .split('.')
    .map((part) => part.replace(/[-]/g, '\\-').replace(/\[\]/g, '\\[\\d+\\]').replace(/\*/g, '[^.\\[]+'))
    .join('\\.');
  return new RegExp(`^${escaped}$`);
}

const COMPILED = CASTS.map(([pattern, cast]) => [compile(pattern), cast] as const);

/** The typed value for an interpolated string at `path`, or undefined to keep the string. */
export function castInterpolated(path: string, value: string): number | boolean | undefined {
  const cast = COMPILED.find(([re]) => re.test(path))?.[1];
  if (cast === undefined) return undefined;
  const v = value.trim();
  switch (cast) {
    case 'int':
      return /^[+-]?\d+$/.test(v) ? Number(v) : undefined;
    case 'float':
      return v !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined;
    case 'bool': {
      // The spellings YAML 1.1 and compose-go's toBoolean accept.
      const lower = v.toLowerCase();
      if (['true', 'yes', 'y', 'on'].includes(lower)) return true;
      if (['false', 'no', 'n', 'off'].includes(lower)) return false;
      return undefined;
    }
  }
}
