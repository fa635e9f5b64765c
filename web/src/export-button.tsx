// Export: the export endpoint wants the bearer header, which a link cannot carry, so the page
// fetches the CSV and saves the blob itself.
import { useState } from 'preact/hooks';
import type { RemediationActionFilter } from '../../client/generated/graphql.js';
import { exportParameters } from './filters.js';

async function downloadCsv(token: string, filter: RemediationActionFilter): Promise<void> {
  const url = `/export/remediation-actions.csv?${exportParameters(filter)}`;
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { message?: string } | null;
    throw new Error(body?.message ?? `The export failed (HTTP ${response.status}).`);
  }
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await response.blob());
  link.download = 'remediation-actions.csv';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
}

export function ExportButton({
  token,
  filter,
}: {
  token: string;
  filter: () => RemediationActionFilter;
}) {
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <span class="export">
      <button
        type="button"
        class="secondary"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          setProblem(null);
          downloadCsv(token, filter())
            .catch((error: unknown) =>
              setProblem(error instanceof Error ? error.message : String(error)),
            )
            .finally(() => setBusy(false));
        }}
      >
        Export CSV
      </button>
      {problem && <span role="alert">{problem}</span>}
    </span>
  );
}
