/** Doctor: the findings, most severe first, with the command that fixes each. */
import { Badge, ErrorNote, Loading, PageTitle } from '../components/bits.tsx';
import { useApi } from '../components/use-api.ts';
import { formatDate } from '../format.ts';
import type { DoctorReport } from '../types.ts';

const TONE = { critical: 'bad', warning: 'warn', info: 'muted' } as const;

export function DoctorPage() {
  const report = useApi<DoctorReport>('/api/doctor');
  const r = report.data;
  return (
    <section>
      <PageTitle title="Doctor">Doctor</PageTitle>
      <ErrorNote error={report.error} />
      {!r && !report.error && <Loading what="the checks" />}
      {r && (
        <>
          <div class="cards">
            {(['critical', 'warning', 'info'] as const).map((s) => (
              <div class="card" key={s}>
                <p class="card-label">{s}</p>
                <p class={`card-value sev-${s}`}>{r.summary[s]}</p>
              </div>
            ))}
            <div class="card">
              <p class="card-label">Checked</p>
              <p class="hint">{formatDate(r.checkedAt)}</p>
              <button type="button" class="small" onClick={report.reload}>
                Check again
              </button>
            </div>
          </div>
          <div class="panel">
            <h2>Findings</h2>
            {r.findings.length === 0 ? (
              <p class="note ok">No problem found.</p>
            ) : (
              <div class="table-wrap">
                <table data-testid="findings-table">
                  <thead>
                    <tr>
                      <th scope="col">Severity</th>
                      <th scope="col">Check</th>
                      <th scope="col">Subject</th>
                      <th scope="col">Finding</th>
                      <th scope="col">Fix</th>
                    </tr>
                  </thead>
                  <tbody>
                    {r.findings.map((f, i) => (
                      <tr key={i}>
                        <td>
                          <Badge tone={TONE[f.severity]}>{f.severity}</Badge>
                        </td>
                        <td>{f.check}</td>
                        <th scope="row" class="subject">
                          {f.subjects.length > 3 ? (
                            <details>
                              <summary>{f.subject}</summary>
                              <ul class="subjects">
                                {f.subjects.map((name) => (
                                  <li key={name}>{name}</li>
                                ))}
                              </ul>
                            </details>
                          ) : (
                            f.subject
                          )}
                        </th>
                        <td>{f.message}</td>
                        <td>
                          <code class="fix">{f.fix}</code>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {r.skipped.length > 0 && (
              <p class="hint">Skipped: {r.skipped.map((s) => `${s.check} (${s.reason})`).join('; ')}</p>
            )}
          </div>
        </>
      )}
    </section>
  );
}
