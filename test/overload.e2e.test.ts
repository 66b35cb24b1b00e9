// Overload end to end: a real SDK service in its own process (bench/overload/service.ts, 2 ms
// of CPU per call), overloaded by a stock @grpc/grpc-js client with a burst of 2000 concurrent
// calls (2 s deadline) and by wrk (Connect JSON over HTTP/1.1). With overload protection (the
// defaults) callers get an answer in time or a refusal; the same service with the limiter off
// (the SDK before overload protection) is the contrast, in the same test.
// Loopback only; every process is stopped, also when an assertion fails.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { grpcBurstFromProcesses, percentile, startService, wrkLoad, type Outcome } from '../bench/overload/load.ts';

const BURST = 2000;
// wrk is Debian's (`apt-get install wrk`); .ci/run installs it where CI=true, where it is required.
const hasWrk = spawnSync('wrk', ['--version']).error === undefined;
const wrkSkip = hasWrk || process.env.CI === 'true' ? false : 'wrk is not installed (apt-get install wrk); required where CI=true';
const DEADLINE_MS = 2000;

function summary(o: Outcome): string {
  return `${o.offered} calls: ${o.ok} answered in time, ${o.refused} refused (p99 ${Math.round(percentile(o.refusedMs, 99))} ms), ${o.expired} without an answer by the deadline, ${o.other} other`;
}

async function burst(limiter: boolean): Promise<Outcome> {
  const service = await startService({ limiter, workMs: 2 });
  try {
    // Four stock grpc-js clients (channelz off) of 500 calls each, started together: grpc-js
    // spends most of a millisecond of CPU starting each call, so one client alone on a two-core
    // machine would be what is measured, not the service.
    return await grpcBurstFromProcesses(service.port, BURST, 4, DEADLINE_MS);
  } finally {
    await service.stop();
  }
}

test('a burst of 2000 grpc-js calls: answered or refused with RESOURCE_EXHAUSTED, where without the limiter they expire', { timeout: 120_000 }, async (t) => {
  const off = await burst(false);
  const on = await burst(true);
  t.diagnostic(`limiter off: ${summary(off)}`);
  t.diagnostic(`limiter on:  ${summary(on)}`);
  assert.equal(on.other, 0, summary(on));
  assert.ok(on.refused > 0, `nothing was refused: ${summary(on)}`);
  // A caller left without an answer by its deadline is what overload protection removes. How
  // many remain depends on the machine more than on the service: grpc-js spends most of a
  // millisecond of CPU to start each call, and a client that takes longer than the deadline to
  // start its share times out answers it has received but not yet read. So: fewer than without
  // the limiter, and more callers with an answer (in time, or a refusal).
  assert.ok(on.expired < off.expired, `on: ${summary(on)}; off: ${summary(off)}`);
  assert.ok(on.ok + on.refused > off.ok + off.refused, `on: ${summary(on)}; off: ${summary(off)}`);
});

test('wrk at twice what the service can take: answers before their deadline or 429, where without the limiter many come too late', { timeout: 120_000, skip: wrkSkip }, async (t) => {
  // 1000 connections, each calling about once a second while answers come fast: about 1000
  // calls/s, over twice what 2 ms of CPU per call allows on one core.
  const shape = { connections: 1000, pauseMs: 1000, durationS: 4, deadlineMs: DEADLINE_MS };
  const run = async (limiter: boolean): Promise<Outcome> => {
    const service = await startService({ limiter, workMs: 2 });
    try {
      return await wrkLoad(service.port, shape);
    } finally {
      await service.stop();
    }
  };
  const off = await run(false);
  const on = await run(true);
  t.diagnostic(`wrk, limiter off: ${summary(off)}`);
  t.diagnostic(`wrk, limiter on:  ${summary(on)}`);
  assert.ok(on.ok > 0, summary(on));
  assert.ok(on.refused > 0, summary(on));
  assert.equal(on.other, 0, summary(on));
  // wrk is a closed loop: without the limiter each connection just waits longer, so it offers
  // less rather than collapsing; with it, more callers get an answer (in time, or a refusal).
  assert.ok(on.ok + on.refused > off.ok + off.refused, `on: ${summary(on)}; off: ${summary(off)}`);
  // Too late is what the limiter removes; on a machine busy with other work a replica can still
  // be descheduled for long enough that a few answers miss their deadline: at most 1 in 100.
  assert.ok(on.expired <= on.offered / 100, summary(on));
});
