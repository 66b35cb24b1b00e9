import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { swarmPrometheusConfig } from './prometheus.ts';

type Relabel = { source_labels?: string[]; target_label?: string; regex?: string; replacement?: string; action?: string };
type Config = { scrape_configs: Array<{ job_name: string; dockerswarm_sd_configs: Array<{ host: string; role: string }>; relabel_configs: Relabel[] }> };

/** Prometheus' relabelling, for the actions the config uses, over one target's labels. */
function relabel(rules: readonly Relabel[], labels: Record<string, string>): Record<string, string> | null {
  const out = { ...labels };
  for (const r of rules) {
    const value = (r.source_labels ?? []).map((l) => out[l] ?? '').join(';');
    const re = new RegExp(`^(?:${r.regex ?? '(.*)'})$`);
    switch (r.action ?? 'replace') {
      case 'keep':
        if (!re.test(value)) return null;
        break;
      case 'keepequal':
        if (value !== out[r.target_label ?? '']) return null;
        break;
      case 'replace': {
        const m = re.exec(value);
        if (m) out[r.target_label ?? ''] = (r.replacement ?? '$1').replace(/\$(\d)/g, (_all, i: string) => m[Number(i)] ?? '');
        break;
      }
      default:
        throw new Error(`unexpected action ${r.action}`);
    }
  }
  return out;
}

const task = (over: Record<string, string>): Record<string, string> => ({
  __address__: '10.0.1.7:80',
  __metrics_path__: '/metrics',
  __meta_dockerswarm_task_desired_state: 'running',
  __meta_dockerswarm_task_slot: '2',
  __meta_dockerswarm_node_hostname: 'node-1',
  __meta_dockerswarm_network_name: 'shop_default',
  __meta_dockerswarm_service_label_dev_bricks_stack: 'shop',
  __meta_dockerswarm_service_label_dev_bricks_service: 'api',
  __meta_dockerswarm_service_label_dev_bricks_version: 'abc123',
  __meta_dockerswarm_service_label_dev_bricks_metrics_port: '8080',
  __meta_dockerswarm_service_label_dev_bricks_metrics_path: '/metrics',
  __meta_dockerswarm_service_label_dev_bricks_metrics_network: 'shop_default',
  ...over,
});

test('swarm: a running task of the stack becomes one target at its metrics port, labelled as locally', () => {
  const config = parse(swarmPrometheusConfig('shop')) as Config;
  const job = config.scrape_configs[0]!;
  assert.deepEqual(job.dockerswarm_sd_configs, [{ host: 'unix:///var/run/docker.sock', role: 'tasks', refresh_interval: '5s' }]);
  const out = relabel(job.relabel_configs, task({}));
  assert.ok(out);
  assert.equal(out['__address__'], '10.0.1.7:8080');
  assert.deepEqual([out['stack'], out['service'], out['replica'], out['version']], ['shop', 'api', 'api.2', 'abc123']);
  // A global service's task has no slot: named by its node.
  assert.equal(relabel(job.relabel_configs, task({ __meta_dockerswarm_task_slot: '' }))?.['replica'], 'api.node-1');
});

test('swarm: other stacks, stopped tasks, services without metrics and other networks are dropped', () => {
  const rules = (parse(swarmPrometheusConfig('shop')) as Config).scrape_configs[0]!.relabel_configs;
  assert.equal(relabel(rules, task({ __meta_dockerswarm_service_label_dev_bricks_stack: 'shopping' })), null);
  assert.equal(relabel(rules, task({ __meta_dockerswarm_task_desired_state: 'shutdown' })), null);
  assert.equal(relabel(rules, task({ __meta_dockerswarm_service_label_dev_bricks_metrics_port: '' })), null);
  assert.equal(relabel(rules, task({ __meta_dockerswarm_network_name: 'ingress' })), null);
  // A stack name with regex characters matches only itself.
  const dotted = (parse(swarmPrometheusConfig('a.b')) as Config).scrape_configs[0]!.relabel_configs;
  assert.equal(relabel(dotted, task({ __meta_dockerswarm_service_label_dev_bricks_stack: 'axb' })), null);
  assert.ok(relabel(dotted, task({ __meta_dockerswarm_service_label_dev_bricks_stack: 'a.b' })));
});

test('swarm: promtool accepts the config (skips without Debian\'s prometheus)', (t) => {
  if (spawnSync('sh', ['-c', 'command -v promtool'], { stdio: 'ignore' }).status !== 0) {
    if (process.env['CI'] === 'true') throw new Error('promtool is missing (.ci/run installs prometheus under CI=true)');
    t.skip('promtool is not installed (Debian: apt-get install prometheus)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'bricks-promtool-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'prometheus.yml'), swarmPrometheusConfig('shop', { dockerHost: 'tcp://manager:2375' }));
  const r = spawnSync('promtool', ['check', 'config', join(dir, 'prometheus.yml')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
