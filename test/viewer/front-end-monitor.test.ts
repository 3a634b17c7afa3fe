// The Monitor page's front-end units: its hash routes round-trip suite, monitor and record ids (any characters), and
// metric values show in their unit with an unknown as n/a or unknown, never 0.
import { describe, expect, it } from 'vitest';
import { links, parseHash } from '../../viewer-ui/src/router.js';
import { metricValue } from '../../viewer-ui/src/monitor-format.js';

describe('Monitor page routes and values', () => {
  it('round-trips the monitor and record routes through the hash', () => {
    expect(parseHash(links.monitors())).toMatchObject({ page: 'monitor' });
    const route = parseHash(links.monitor('support/prod', 'answers v2', { since: '2026-12-01T00:00:00.000Z', tag: 'plan:pro' }));
    expect(route).toMatchObject({ page: 'monitor', suite: 'support/prod', monitor: 'answers v2' });
    expect(route.params.get('since')).toBe('2026-12-01T00:00:00.000Z');
    expect(route.params.get('tag')).toBe('plan:pro');
    expect(parseHash(links.productionRecord('a1b2', { suite: 's', monitor: 'm' }))).toMatchObject({ page: 'production-record', recordId: 'a1b2' });
    expect(parseHash('#/monitor/only-suite').page).toBe('not-found');
  });

  it('shows each metric in its unit, unknown as unknown', () => {
    expect(metricValue('pass_rate', 0.841)).toBe('84.1%');
    expect(metricValue('cost_per_call', 0.000084)).toBe('$0.0000840');
    expect(metricValue('p95_latency', 1234)).toBe('1234 ms');
    expect(metricValue('output_length', 1234.4)).toBe('1,234');
    expect(metricValue('cost_per_call', null)).toBe('unknown');
    expect(metricValue('pass_rate', null)).toBe('n/a');
  });
});
