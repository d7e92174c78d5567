/**
 * Orphans and cost: unused volumes with their idle time and monthly cost, then prune the way the CLI does
 * it — a dry-run plan first, then "remove" applies that plan by ID (the daemon recomputes and removes only
 * what is still prunable), after an explicit confirmation.
 */
import { useState } from 'preact/hooks';
import { api, type ApiError } from '../api.ts';
import { Badge, ErrorNote, Loading, PageTitle } from '../components/bits.tsx';
import { useApi } from '../components/use-api.ts';
import { formatBytes, formatMoney, formatSpan, plural, relative, shortName } from '../format.ts';
import { volumePath } from '../router.ts';
import type { CostEstimate, PruneApplied, PrunePlan } from '../types.ts';

const CATEGORY: Record<string, string> = {
  orphan: 'orphan',
  dangling: 'dangling, named',
  idle: 'stopped users',
};

/** With a gap in the history the span is a lower bound; under a minute of it says nothing. */
function unusedText(ms: number | null, certainty: 'known' | 'unknown' | null): string {
  if (ms === null) return 'unknown';
  if (certainty !== 'unknown') return formatSpan(ms);
  return ms < 60_000 ? 'unknown (history gap)' : `at least ${formatSpan(ms)}`;
}

export function OrphansPage() {
  const cost = useApi<CostEstimate>('/api/cost');
  const [all, setAll] = useState(false);
  const [unusedFor, setUnusedFor] = useState('');
  const [plan, setPlan] = useState<PrunePlan>();
  const [applied, setApplied] = useState<PruneApplied>();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();

  const makePlan = async () => {
    setBusy(true);
    setError(undefined);
    setApplied(undefined);
    setConfirming(false);
    try {
      const body = {
        ...(all ? { all: true } : {}),
        ...(unusedFor.trim() ? { unusedFor: unusedFor.trim() } : {}),
      };
      setPlan(await api<PrunePlan>('/api/prune/plans', { method: 'POST', body }));
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(false);
    }
  };
  const apply = async () => {
    if (!plan) return;
    setBusy(true);
    setError(undefined);
    try {
      setApplied(await api<PruneApplied>(`/api/prune/plans/${plan.id}/apply`, { method: 'POST' }));
      setPlan(undefined);
      cost.reload();
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };

  const c = cost.data;
  return (
    <section>
      <PageTitle title="Orphans and cost">Orphans and cost</PageTitle>
      <ErrorNote error={cost.error} />
      {!c && !cost.error && <Loading what="the cost estimate" />}
      {c && (
        <>
          <div class="cards">
            <div class="card">
              <p class="card-label">Monthly cost of unused volumes</p>
              <p class="card-value" data-testid="total-cost">
                {formatMoney(c.total.monthlyCost)}
              </p>
              <p class="hint">at {formatMoney(c.pricePerGbMonth)} per GB-month</p>
            </div>
            {(['orphan', 'dangling', 'idle'] as const).map((k) => (
              <div class="card" key={k}>
                <p class="card-label">{CATEGORY[k]}</p>
                <p class="card-value">{c.byCategory[k].volumes}</p>
                <p class="hint">
                  {formatBytes(c.byCategory[k].bytes)} · {formatMoney(c.byCategory[k].monthlyCost)}/month
                </p>
              </div>
            ))}
          </div>
          <div class="panel">
            <h2>Unused volumes</h2>
            {c.volumes.length === 0 ? (
              <p>Every volume is in use.</p>
            ) : (
              <div class="table-wrap">
                <table data-testid="cost-table">
                  <thead>
                    <tr>
                      <th scope="col">Volume</th>
                      <th scope="col">Category</th>
                      <th scope="col">Size</th>
                      <th scope="col">Per month</th>
                      <th scope="col">Unused for</th>
                      <th scope="col">Last used</th>
                    </tr>
                  </thead>
                  <tbody>
                    {c.volumes.map((v) => (
                      <tr key={v.name}>
                        <th scope="row">
                          <a href={volumePath(v.name)} title={v.name}>
                            {shortName(v.name)}
                          </a>
                          {v.protected && <Badge tone="ok">protected</Badge>}
                        </th>
                        <td>{CATEGORY[v.category]}</td>
                        <td class="num">{formatBytes(v.sizeBytes)}</td>
                        <td class="num">{formatMoney(v.monthlyCost)}</td>
                        <td>{unusedText(v.unusedForMs, v.certainty)}</td>
                        <td>{v.lastUsedAt ? relative(v.lastUsedAt) : 'never seen'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </div>
        </>
      )}
      <div class="panel">
        <h2>Prune</h2>
        <form
          class="toolbar"
          onSubmit={(e) => {
            e.preventDefault();
            void makePlan();
          }}
        >
          <label class="check">
            <input type="checkbox" checked={all} onChange={(e) => setAll(e.currentTarget.checked)} /> Named
            volumes too (<code>--all</code>)
          </label>
          <label>
            Unused for at least
            <input
              name="unused-for"
              placeholder="e.g. 30d"
              size={8}
              value={unusedFor}
              onInput={(e) => setUnusedFor(e.currentTarget.value)}
            />
          </label>
          <button type="submit" disabled={busy}>
            Plan prune (dry run)
          </button>
        </form>
        <ErrorNote error={error} />
        <div aria-live="polite">
          {plan && (
            <div data-testid="prune-plan">
              <p role="status">
                Dry run: {plural(plan.remove.length, 'volume')} would be removed, reclaiming{' '}
                {formatBytes(plan.reclaimableBytes)}
                {plan.unknownSizes ? ` (+${plan.unknownSizes} of unknown size)` : ''}. Nothing has been
                removed.
              </p>
              {plan.remove.length > 0 && (
                <table>
                  <caption>Would be removed</caption>
                  <thead>
                    <tr>
                      <th scope="col">Volume</th>
                      <th scope="col">Size</th>
                    </tr>
                  </thead>
                  <tbody>
                    {plan.remove.map((r) => (
                      <tr key={r.name}>
                        <th scope="row" title={r.name}>
                          {shortName(r.name)}
                        </th>
                        <td class="num">{formatBytes(r.sizeBytes)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              {plan.skipped.length > 0 && (
                <details>
                  <summary>{plan.skipped.length} kept, and why</summary>
                  <ul>
                    {plan.skipped.map((s) => (
                      <li key={s.name}>
                        {shortName(s.name)}: {s.reason}
                        {s.detail ? ` (${s.detail})` : ''}
                      </li>
                    ))}
                  </ul>
                </details>
              )}
              {plan.remove.length > 0 &&
                (confirming ? (
                  <div class="confirm" role="alertdialog" aria-label="Confirm prune">
                    <p>
                      Remove {plural(plan.remove.length, 'volume')} for good? Volumes that became used or
                      protected since the plan are kept.
                    </p>
                    <button type="button" class="danger" disabled={busy} onClick={() => void apply()}>
                      Yes, remove {plural(plan.remove.length, 'volume')}
                    </button>{' '}
                    <button type="button" onClick={() => setConfirming(false)}>
                      Cancel
                    </button>
                  </div>
                ) : (
                  <button type="button" class="danger" onClick={() => setConfirming(true)}>
                    Remove these volumes…
                  </button>
                ))}
            </div>
          )}
          {applied && (
            <p class="note ok" role="status">
              Removed {plural(applied.removed.length, 'volume')}, reclaimed{' '}
              {formatBytes(applied.reclaimedBytes)}.
              {applied.notRemoved.length > 0 &&
                ` Kept: ${applied.notRemoved.map((n) => `${shortName(n.name)} (${n.reason})`).join(', ')}.`}
            </p>
          )}
        </div>
      </div>
    </section>
  );
}
