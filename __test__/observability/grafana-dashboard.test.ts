/**
 * The Grafana dashboard in docs/grafana charts cachekit's metrics: every metric
 * `registerMetrics()` registers appears in some panel, and no panel queries a metric that does
 * not exist (histograms through their `_bucket` and `_count` series).
 */
import { readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerMetrics } from '../../src';

interface Panel {
  title: string;
  type: string;
  targets?: Array<{ expr: string }>;
}

const dashboard = JSON.parse(readFileSync(new URL('../../docs/grafana/cachekit-dashboard.json', import.meta.url), 'utf8')) as {
  panels: Panel[];
  templating: { list: Array<{ query?: string }> };
};

/** Every `cachekit_…` series name in the dashboard's queries and variables. */
function seriesInDashboard(): Set<string> {
  const texts = [...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)), ...dashboard.templating.list.map((v) => v.query ?? '')];
  return new Set(texts.flatMap((text) => text.match(/\bcachekit_[a-z0-9_]+/g) ?? []));
}

describe('the Grafana dashboard', async () => {
  const registry = new Registry();
  const metrics = registerMetrics({ registry });
  const registered = new Set(metrics.names);
  const histograms = new Set((await registry.getMetricsAsJSON()).filter((m) => String(m.type) === 'histogram').map((m) => m.name));

  it('queries only metrics that registerMetrics() registers', () => {
    const unknown = [...seriesInDashboard()].filter((series) => {
      const base = series.replace(/_(bucket|count|sum)$/, '');
      return !(registered.has(series) || (histograms.has(base) && base !== series));
    });
    expect(unknown).toEqual([]);
  });

  it('charts every metric registerMetrics() registers', () => {
    const used = new Set([...seriesInDashboard()].map((s) => s.replace(/_(bucket|count|sum)$/, '')));
    expect(metrics.names.filter((name) => !used.has(name))).toEqual([]);
  });

  it('every panel but the rows has a query and a unique title', () => {
    const panels = dashboard.panels.filter((p) => p.type !== 'row');
    expect(panels.filter((p) => (p.targets ?? []).length === 0).map((p) => p.title)).toEqual([]);
    expect(new Set(panels.map((p) => p.title)).size).toBe(panels.length);
  });
});
