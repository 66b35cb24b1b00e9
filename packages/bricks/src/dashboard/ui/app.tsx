// The dashboard's frame: the navigation, the live connection's state, and the page the URL names.
import type { ComponentChildren } from 'preact';
import { useLive } from './live.ts';
import { LogsPage } from './pages/logs.tsx';
import { MetricsPage } from './pages/metrics.tsx';
import { ReleasesPage } from './pages/releases.tsx';
import { ServicesPage } from './pages/services.tsx';
import { TopologyPage } from './pages/topology.tsx';
import { TracePage, TracesPage } from './pages/traces.tsx';
import type { Page } from './route.ts';
import { usePage } from './route.ts';

const NAV: readonly [Page['kind'], string, string][] = [
  ['services', '#/services', 'Services'],
  ['topology', '#/topology', 'Topology'],
  ['logs', '#/logs', 'Logs'],
  ['metrics', '#/metrics', 'Metrics'],
  ['traces', '#/traces', 'Traces'],
  ['releases', '#/releases', 'Releases'],
];

export function App({ stack }: { stack: string }) {
  const page = usePage();
  const live = useLive();
  const current = page.kind === 'trace' ? 'traces' : page.kind;
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">bricks · {stack}</span>
        <nav aria-label="pages">
          {NAV.map(([kind, href, label]) => (
            <a key={kind} href={href} aria-current={current === kind ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <span class={`connection ${live.connection}`} role="status">
          {live.connection === 'live' ? 'live' : live.connection === 'connecting' ? 'connecting…' : 'connection lost, retrying'}
        </span>
      </header>
      <main id="main" tabIndex={-1}>
        {view(page, live)}
      </main>
    </>
  );
}

function view(page: Page, live: ReturnType<typeof useLive>): ComponentChildren {
  switch (page.kind) {
    case 'services':
      return <ServicesPage status={live.status} events={live.events} />;
    case 'logs':
      return <LogsPage status={live.status} {...(page.replica !== undefined ? { replica: page.replica } : {})} />;
    case 'metrics':
      return <MetricsPage />;
    case 'traces':
      return <TracesPage />;
    case 'trace':
      return <TracePage id={page.id} />;
    case 'releases':
      return <ReleasesPage events={live.events} />;
    case 'topology':
      return <TopologyPage status={live.status} />;
  }
}
