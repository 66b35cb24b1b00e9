// The keys the Compose Specification allows, per section (from compose-spec's
// schema/compose-spec.json), so a key outside them is reported as unknown rather than ignored.
// Any `x-*` key is an extension and always allowed.

export const TOP_LEVEL_KEYS = ['version', 'name', 'include', 'services', 'networks', 'volumes', 'secrets', 'configs', 'models'] as const;

export const SERVICE_KEYS = [
  'annotations', 'attach', 'blkio_config', 'build', 'cap_add', 'cap_drop', 'cgroup', 'cgroup_parent',
  'command', 'configs', 'container_name', 'cpu_count', 'cpu_percent', 'cpu_period', 'cpu_quota',
  'cpu_rt_period', 'cpu_rt_runtime', 'cpu_shares', 'cpus', 'cpuset', 'credential_spec', 'depends_on',
  'deploy', 'develop', 'device_cgroup_rules', 'devices', 'dns', 'dns_opt', 'dns_search', 'domainname',
  'driver_opts', 'entrypoint', 'env_file', 'environment', 'expose', 'extends', 'external_links',
  'extra_hosts', 'gpus', 'group_add', 'healthcheck', 'hostname', 'image', 'init', 'ipc', 'isolation',
  'label_file', 'labels', 'links', 'logging', 'mac_address', 'mem_limit', 'mem_reservation',
  'mem_swappiness', 'memswap_limit', 'models', 'network_mode', 'networks', 'oom_kill_disable',
  'oom_score_adj', 'pid', 'pids_limit', 'platform', 'ports', 'post_start', 'pre_stop', 'privileged',
  'profiles', 'provider', 'pull_policy', 'pull_refresh_after', 'read_only', 'restart', 'runtime',
  'scale', 'secrets', 'security_opt', 'shm_size', 'stdin_open', 'stop_grace_period', 'stop_signal',
  'storage_opt', 'sysctls', 'tmpfs', 'tty', 'ulimits', 'use_api_socket', 'user', 'userns_mode', 'uts',
  'volumes', 'volumes_from', 'working_dir',
] as const;

export const DEPLOY_KEYS = [
  'endpoint_mode', 'labels', 'mode', 'placement', 'replicas', 'resources', 'restart_policy',
  'rollback_config', 'update_config',
] as const;

/** `deploy.update_config` and `deploy.rollback_config`. */
export const UPDATE_CONFIG_KEYS = ['parallelism', 'delay', 'failure_action', 'monitor', 'max_failure_ratio', 'order'] as const;

export const RESTART_POLICY_KEYS = ['condition', 'delay', 'max_attempts', 'window'] as const;

export const HEALTHCHECK_KEYS = ['disable', 'interval', 'retries', 'test', 'timeout', 'start_period', 'start_interval'] as const;

export const DEPENDS_ON_KEYS = ['condition', 'required', 'restart'] as const;

export const ENV_FILE_KEYS = ['path', 'required', 'format'] as const;

/** bricks' own keys under a service's `x-bricks`. group/autoscale/resilience/update are read by later features. */
export const BRICKS_SERVICE_KEYS = ['run', 'port', 'health', 'entry', 'external', 'group', 'autoscale', 'resilience', 'update'] as const;

export const BRICKS_HEALTH_KEYS = ['ready', 'live', 'interval', 'timeout', 'retries', 'start_period', 'start_interval'] as const;

/** bricks' own keys under the top-level `x-bricks`. */
export const BRICKS_TOP_KEYS = ['base_port'] as const;
